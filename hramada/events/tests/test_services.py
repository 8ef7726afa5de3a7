from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.events import selectors, services
from hramada.events.models import Event, Registration
from hramada.events.models import RegistrationStatus as S
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import PersonFactory, UserFactory

from .factories import EventFactory, ReadingSlotFactory, SessionFactory, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory()


@pytest.fixture
def event(organiser):
    event = EventFactory(capacity=2)
    Membership.objects.create(organisation=event.organisation, person=organiser.person, role=Role.MANAGER)
    return event


def statuses(event):
    return list(event.registrations.order_by("created_at", "id").values_list("status", flat=True))


def test_open_event_confirms_until_full_then_waitlists_in_arrival_order(event):
    people = [UserFactory().person for _ in range(4)]
    for p in people:
        services.register(event=event, person=p, actor=p.user)
    assert statuses(event) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    event.refresh_from_db()
    assert event.confirmed_count == 2
    last = Registration.objects.get(person=people[3])
    assert selectors.waiting_position(last) == 2


def test_cannot_register_twice_or_outside_the_window(event):
    person = UserFactory().person
    services.register(event=event, person=person)
    with pytest.raises(DomainError, match="already registered"):
        services.register(event=event, person=person)
    event.refresh_from_db()
    assert event.confirmed_count == 1, "the refused second registration gives its place back"
    assert Registration.objects.filter(event=event, person=person).count() == 1
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="closed"):
        services.register(event=closed, person=person)
    draft = EventFactory(status=Event.Status.DRAFT)
    with pytest.raises(DomainError, match="closed"):
        services.register(event=draft, person=person)
    later = EventFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(DomainError, match="closed"):
        services.register(event=later, person=person)


def test_cancellation_offers_the_place_to_the_first_waiting_who_must_confirm_in_time(
    event, django_capture_on_commit_callbacks
):
    a, b, c, d = (UserFactory().person for _ in range(4))
    for p in (a, b, c, d):
        p.preferred_language = "en"
        p.save()
        services.register(event=event, person=p)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(actor=a.user, registration=Registration.objects.get(person=a))
    offered = Registration.objects.get(person=c)
    assert offered.status == S.OFFERED and offered.offered_until > timezone.now()
    assert any("offered" in m.subject.lower() or "place" in m.subject.lower() for m in mail.outbox)
    event.refresh_from_db()
    assert event.confirmed_count == 2  # b confirmed + c's held place

    # c does not answer in time: the place moves on to d.
    with time_machine.travel(timezone.now() + timedelta(hours=event.offer_hours + 1)):
        with pytest.raises(DomainError, match="expired"):
            services.accept_offer(actor=c.user, registration=offered)
        assert services.expire_offers() == 1
    assert Registration.objects.get(person=c).status == S.CANCELLED
    offered_d = Registration.objects.get(person=d)
    assert offered_d.status == S.OFFERED
    services.accept_offer(actor=d.user, registration=offered_d)
    assert Registration.objects.get(person=d).status == S.CONFIRMED
    event.refresh_from_db()
    assert event.confirmed_count == 2
    assert AuditEntry.objects.filter(action="events.registration.offer_expired").count() == 1


def test_only_the_participant_or_an_organiser_may_cancel(event, organiser):
    person = UserFactory().person
    registration = services.register(event=event, person=person)
    with pytest.raises(DomainError):
        services.cancel(actor=UserFactory(), registration=registration)
    services.cancel(actor=organiser, registration=registration)
    with pytest.raises(DomainError, match="already cancelled"):
        services.cancel(actor=organiser, registration=registration)
    # After cancelling one can register again.
    assert services.register(event=event, person=person).status == S.CONFIRMED


def test_approval_event_waits_for_organisers_who_cannot_overfill(organiser):
    event = EventFactory(capacity=1, registration_mode=Event.Mode.APPROVAL)
    Membership.objects.create(organisation=event.organisation, person=organiser.person, role=Role.OWNER)
    r1 = services.register(event=event, person=PersonFactory())
    r2 = services.register(event=event, person=PersonFactory())
    assert (r1.status, r2.status) == (S.PENDING, S.PENDING)
    with pytest.raises(DomainError):
        services.decide(actor=UserFactory(), registration=r1, approve=True)
    services.decide(actor=organiser, registration=r1, approve=True)
    with pytest.raises(DomainError, match="No places left"):
        services.decide(actor=organiser, registration=r2, approve=True)
    services.decide(actor=organiser, registration=r2, approve=False)
    assert statuses(event) == [S.CONFIRMED, S.REJECTED]


def test_each_refusal_of_the_database_has_its_own_message(event, monkeypatch):
    """Only the one-active-registration constraint means "already registered"; a full event (its
    check constraint) or any other refusal says what happened, and nothing is saved."""
    from django.db import connection

    from hramada.events import registrations

    def take_place_without_looking(model, pk):  # the counter's guard removed: the constraint refuses
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET confirmed_count = confirmed_count + 1 WHERE id = %s",  # noqa: S608
                [pk],
            )
        return True

    for _ in range(2):
        services.register(event=event, person=UserFactory().person)
    monkeypatch.setattr(registrations, "_take_place", take_place_without_looking)
    with pytest.raises(DomainError, match="last place was taken a moment ago"):
        services.register(event=event, person=UserFactory().person)
    monkeypatch.undo()

    taken = event.registrations.first().ticket_code
    monkeypatch.setattr(registrations, "_new_ticket_code", lambda: taken)  # a (most unlikely) clash
    with pytest.raises(DomainError, match="could not be saved") as refused:
        services.register(event=event, person=UserFactory().person)
    assert "already registered" not in refused.value.message
    assert event.registrations.count() == 2


def test_invitation_only_events_take_registrations_from_organisers_only(organiser):
    event = EventFactory(registration_mode=Event.Mode.INVITATION)
    Membership.objects.create(organisation=event.organisation, person=organiser.person, role=Role.OWNER)
    villager = PersonFactory(display_name="Paper list")
    with pytest.raises(DomainError, match="invitation only"):
        services.register(event=event, person=villager)
    registration = services.register(event=event, person=villager, actor=organiser, staff_entry=True)
    assert registration.status == S.CONFIRMED and registration.registered_by == organiser.person
    with pytest.raises(DomainError):
        services.register(event=event, person=PersonFactory(), actor=UserFactory(), staff_entry=True)


def test_confirmation_email_has_qr_ticket_and_calendar_in_the_participants_language(
    event, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ala@example.org")
    user.person.preferred_language = "en"
    user.person.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, person=user.person)
    message = mail.outbox[-1]
    assert message.to == ["ala@example.org"]
    names = [a[0] for a in message.attachments]
    assert names == ["ticket.png", "event.ics"]
    assert message.attachments[0][1].startswith(b"\x89PNG")
    assert "BEGIN:VEVENT" in message.attachments[1][1]


def test_session_signup_needs_event_registration_and_respects_capacity(event):
    session = SessionFactory(event=event, capacity=1, needs_signup=True)
    a, b = UserFactory().person, UserFactory().person
    with pytest.raises(DomainError, match="Register for the event first"):
        services.signup_session(session=session, person=a)
    services.register(event=event, person=a)
    services.register(event=event, person=b)
    first = services.signup_session(session=session, person=a)
    second = services.signup_session(session=session, person=b)
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    services.cancel_signup(actor=a.user, signup=first)
    second.refresh_from_db()
    assert second.status == S.CONFIRMED
    session.refresh_from_db()
    assert session.confirmed_count == 1


def test_check_in_is_idempotent_per_device_and_per_person(event, organiser):
    person = UserFactory().person
    registration = services.register(event=event, person=person)
    checkin, created = services.check_in(
        actor=organiser, event=event, ticket_code=registration.ticket_code, client_id="phone1-1"
    )
    assert created
    again, created = services.check_in(
        actor=organiser, event=event, ticket_code=registration.ticket_code, client_id="phone1-1"
    )
    assert not created and again.pk == checkin.pk
    other_phone, created = services.check_in(
        actor=organiser, event=event, ticket_code=registration.ticket_code, client_id="phone2-7"
    )
    assert not created and other_phone.pk == checkin.pk
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    with pytest.raises(DomainError, match="No ticket"):
        services.check_in(actor=organiser, event=event, ticket_code="bogus", client_id="x")
    with pytest.raises(DomainError):
        services.check_in(
            actor=UserFactory(), event=event, ticket_code=registration.ticket_code, client_id="y"
        )


def test_waitlisted_person_cannot_be_checked_in(event, organiser):
    for _ in range(2):
        services.register(event=event, person=PersonFactory())
    waiting = services.register(event=event, person=PersonFactory())
    with pytest.raises(DomainError, match="not confirmed"):
        services.check_in(actor=organiser, event=event, ticket_code=waiting.ticket_code, client_id="z")


def test_human_library_no_double_booking_no_overlap_and_cancel_frees(event):
    slot = ReadingSlotFactory(book__event=event, capacity=1)
    overlapping = ReadingSlotFactory(
        book__event=event,
        starts_at=slot.starts_at + timedelta(minutes=10),
        ends_at=slot.ends_at + timedelta(minutes=10),
    )
    reader, other = registered(event, UserFactory().person), registered(event, UserFactory().person)
    with pytest.raises(DomainError, match="Register for the event first"):
        services.book_slot(slot=slot, reader=PersonFactory())
    booking = services.book_slot(slot=slot, reader=reader)
    with pytest.raises(DomainError, match="already booked"):
        services.book_slot(slot=slot, reader=reader)
    with pytest.raises(DomainError, match="fully booked"):
        services.book_slot(slot=slot, reader=other)
    with pytest.raises(DomainError, match="at that time"):
        services.book_slot(slot=overlapping, reader=reader)
    with pytest.raises(DomainError, match="cannot read yourself"):
        services.book_slot(slot=overlapping, reader=overlapping.book.person)
    services.cancel_booking(actor=reader.user, booking=booking)
    assert services.book_slot(slot=slot, reader=other).slot == slot
    slot.refresh_from_db()
    assert slot.booked_count == 1


def test_attendance_counts_people_and_locations_and_hides_small_groups(event):
    from hramada.people.services import set_sensitive_field
    from hramada.places.tests.factories import SettlementFactory

    event.capacity = None
    event.save()
    places = [SettlementFactory() for _ in range(3)]
    for i in range(8):
        person = PersonFactory(home_settlement=places[i % 3])
        set_sensitive_field(
            person=person, actor=None, field="gender", value="woman" if i < 6 else "man", consent=True
        )
        services.register(event=event, person=person)
    report = selectors.attendance(event)
    assert (report["participants"], report["locations"]) == (8, 3)
    assert report["by_gender"] == [("woman", 6), ("other (groups under 5 people, hidden)", 2)]
    assert report["first_time"] == 8 and report["returning"] == 0


def test_editing_an_event_keeps_places_taken_meanwhile_and_more_places_go_to_the_waiting_list(
    event, organiser
):
    stale = Event.objects.get(pk=event.pk)  # an organiser's form opened before people registered
    people = [PersonFactory() for _ in range(4)]
    for p in people:
        services.register(event=event, person=p)
    services.save_event(actor=organiser, organisation=event.organisation, event=stale, capacity=3)
    event.refresh_from_db()
    assert event.confirmed_count == 3  # 2 confirmed + 1 offered, not the stale 0 written back
    assert statuses(event) == [S.CONFIRMED, S.CONFIRMED, S.OFFERED, S.WAITLISTED]


def test_staff_entries_are_audited_and_self_registrations_are_their_own_record(event, organiser):
    self_registered = services.register(event=event, person=UserFactory().person)
    entered = services.register(event=event, person=PersonFactory(), actor=organiser, staff_entry=True)
    entries = AuditEntry.objects.filter(action="events.registration.created")
    assert [e.target_id for e in entries] == [str(entered.pk)]
    assert entries[0].actor == organiser
    assert self_registered.registered_by is None and entered.registered_by == organiser.person


def test_erasure_removes_the_name_from_registration_audit_entries(event, organiser):
    from hramada.people.services import erase_account, update_profile

    user = UserFactory()
    update_profile(person=user.person, actor=user, display_name="Volha Zhuk")
    services.register(event=event, person=user.person, actor=organiser, staff_entry=True)
    assert AuditEntry.objects.filter(target_label__contains="Volha Zhuk").exists()
    erase_account(user=user)
    assert not AuditEntry.objects.filter(target_label__contains="Volha Zhuk").exists()
    assert AuditEntry.objects.filter(
        action="events.registration.created", target_label__contains="former participant"
    ).exists()


def test_cancelling_a_registration_frees_the_persons_session_seat_and_reading(event, organiser):
    event.capacity = None
    event.save()
    session = SessionFactory(event=event, capacity=1, needs_signup=True)
    slot = ReadingSlotFactory(book__event=event, capacity=1)
    leaving, waiting = registered(event, UserFactory().person), registered(event)
    services.signup_session(session=session, person=leaving)
    services.book_slot(slot=slot, reader=leaving)
    services.signup_session(session=session, person=waiting)
    services.cancel(actor=leaving.user, registration=Registration.objects.get(person=leaving))
    assert session.signups.get(person=waiting).status == S.CONFIRMED
    assert session.signups.get(person=leaving).status == S.CANCELLED
    slot.refresh_from_db()
    assert slot.booked_count == 0


def test_no_two_overlapping_session_seats_and_promotion_skips_busy_people(event):
    event.capacity = None
    event.save()
    first = SessionFactory(event=event, capacity=1, needs_signup=True)
    parallel = SessionFactory(
        event=event, capacity=1, needs_signup=True, starts_at=first.starts_at, ends_at=first.ends_at
    )
    holder, busy, free = (registered(event, UserFactory().person) for _ in range(3))
    services.signup_session(session=first, person=holder)
    services.signup_session(session=first, person=busy)  # waiting list
    services.signup_session(session=first, person=free)  # waiting list
    services.signup_session(session=parallel, person=busy)  # busy takes a seat at the same time
    with pytest.raises(DomainError, match="at that time"):
        services.signup_session(session=parallel, person=holder)
    services.cancel_signup(actor=holder.user, signup=first.signups.get(person=holder))
    assert first.signups.get(person=free).status == S.CONFIRMED
    assert first.signups.get(person=busy).status == S.WAITLISTED


def test_cancelling_an_event_tells_everyone_registered(event, organiser, django_capture_on_commit_callbacks):
    people = [UserFactory().person for _ in range(3)]
    for p in people:
        p.preferred_language = "en"
        p.save()
        services.register(event=event, person=p)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_event(
            actor=organiser, organisation=event.organisation, event=event, status=Event.Status.CANCELLED
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("is cancelled" in m.subject and not m.attachments for m in mail.outbox)
