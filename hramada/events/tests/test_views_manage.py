import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff as login
from hramada.events import services
from hramada.events.models import CheckIn, Event, Registration, Session, SessionSignup, Speaker
from hramada.events.models import RegistrationStatus as S
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.orgs.tests.factories import member_of as member
from hramada.people.models import Person
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places.tests.factories import RegionFactory, SettlementFactory
from hramada.questions import services as q_services
from hramada.questions.models import Question

from .factories import BookFactory, EventFactory, ReadingSlotFactory, SessionFactory, registered

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def event():
    return EventFactory(capacity=10)


@pytest.fixture
def manager(client, event):
    return login(client, member(event.organisation, Role.MANAGER))


def url(name, event, *args):
    return reverse(f"events:{name}", args=[event.slug, *args])


# --- Permissions ----------------------------------------------------------------------------------------

EVENT_PAGES = [
    "manage",
    "event_edit",
    "programme",
    "session_new",
    "registrations",
    "registration_new",
    "checkin",
    "attendance",
    "library",
    "feedback",
]
ROLES = {
    "non-member": (None, 403),
    "member": (Role.MEMBER, 403),
    "expert": (Role.EXPERT, 403),
    "manager": (Role.MANAGER, 200),
    "owner": (Role.OWNER, 200),
    "platform staff": ("staff", 200),
}


@pytest.mark.parametrize("who", list(ROLES))
def test_organiser_pages_permission_matrix(client, event, who):
    role, expected = ROLES[who]
    if role == "staff":
        user = UserFactory(is_staff=True)
    elif role is None:
        user = UserFactory()
    else:
        user = member(event.organisation, role)
    login(client, user)
    pages = [url(name, event) for name in EVENT_PAGES] + [
        url("attendance_export", event, "csv"),
        reverse("events:org_events", args=[event.organisation.slug]),
        reverse("events:event_new", args=[event.organisation.slug]),
    ]
    statuses = {page: client.get(page).status_code for page in pages}
    assert set(statuses.values()) == {expected}, statuses
    sync = client.post(url("checkin_sync", event), data="{}", content_type="application/json")
    assert sync.status_code == (403 if expected == 403 else 400)


def test_anonymous_is_sent_to_login(client, event):
    for name in EVENT_PAGES:
        response = client.get(url(name, event))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url("checkin_sync", event), data="{}", content_type="application/json")
    assert response.status_code == 302


def test_manager_of_another_organisation_is_refused(client, event):
    login(client, member(OrganisationFactory(), Role.OWNER))
    assert client.get(url("manage", event)).status_code == 403
    assert client.get(reverse("events:event_new", args=[event.organisation.slug])).status_code == 403


def test_dashboard_lists_the_events_of_my_organisations(client, event):
    user = login(client, member(event.organisation, Role.MANAGER))
    other = EventFactory(title="Someone else's forum")
    page = client.get(reverse("core:manage")).content.decode()
    assert url("manage", event) in page and url("checkin", event) in page
    assert url("manage", other) not in page
    assert reverse("events:event_new", args=[event.organisation.slug]) in page
    assert user.person.memberships.count() == 1


# --- Create, programme, publish -------------------------------------------------------------------------


def event_data(**overrides):
    starts = timezone.localtime() + timedelta(days=40)
    data = {
        "title_en": "March Meetings",
        "title_be": "Сакавіцкія сустрэчы",
        "summary_en": "The forum of local communities.",
        "status": "draft",
        "edition": "2027",
        "starts_at": starts.strftime(FMT),
        "ends_at": (starts + timedelta(days=2)).strftime(FMT),
        "venue_en": "Minsk",
        "registration_mode": "open",
        "capacity": "220",
        "offer_hours": "48",
    }
    data.update(overrides)
    return data


def test_create_event_add_sessions_and_publish(client):
    org = OrganisationFactory()
    login(client, member(org, Role.OWNER))
    partner = OrganisationFactory()
    settlement = SettlementFactory()
    response = client.post(
        reverse("events:event_new", args=[org.slug]),
        event_data(new_series="March Meetings", co_organisers=[partner.pk], settlement=settlement.pk),
    )
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get()
    assert event.slug == "march-meetings-2027"
    assert response["Location"] == url("manage", event)
    assert event.status == Event.Status.DRAFT and event.organisation == org
    assert event.title_be == "Сакавіцкія сустрэчы" and event.title_en == "March Meetings"
    assert event.series.title_be == "March Meetings" or event.series.title_en == "March Meetings"
    assert list(event.co_organisers.all()) == [partner]
    assert AuditEntry.objects.filter(action="events.event.created").count() == 1

    client.post(url("programme", event), {"track-name_en": "Main hall"})
    track = event.tracks.get()
    start = timezone.localtime(event.starts_at) + timedelta(hours=1)
    for i, fmt in enumerate(["master_class", "human_library"]):
        response = client.post(
            url("session_new", event),
            {
                "title_en": f"Session {i}",
                "format": fmt,
                "track": track.pk,
                "starts_at": (start + timedelta(hours=i)).strftime(FMT),
                "ends_at": (start + timedelta(hours=i, minutes=50)).strftime(FMT),
                "capacity": "15",
                "needs_signup": "on",
                "language": "be",
            },
        )
        assert response.status_code == 302
    assert event.sessions.count() == 2
    page = client.get(url("programme", event)).content.decode()
    assert "Session 0" in page and "Session 1" in page and "Main hall" in page

    response = client.post(url("event_edit", event), event_data(status="published", settlement=settlement.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.slug == "march-meetings-2027"  # the link does not change when the event is edited
    entry = AuditEntry.objects.filter(action="events.event.updated").get()
    assert "status" in entry.data["fields"]


def test_event_form_refuses_end_before_start_and_foreign_forms(client, event, manager):
    data = event_data(ends_at=(timezone.localtime() + timedelta(days=1)).strftime(FMT))
    response = client.post(url("event_edit", event), data)
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    foreign = q_services.create_form(actor=None, organisation=OrganisationFactory(), title_en="Theirs")
    response = client.post(url("event_edit", event), event_data(registration_form=foreign.pk))
    assert "Select a valid choice" in response.content.decode()


def test_capacity_cannot_drop_below_confirmed(client, event, manager):
    for _ in range(3):
        services.register(event=event, person=PersonFactory())
    response = client.post(url("event_edit", event), event_data(capacity="2"))
    assert response.status_code == 200
    assert "3 people are already confirmed" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 10


def test_session_validation_and_capacity_against_seats_taken(client, event, manager):
    session = SessionFactory(event=event, needs_signup=True, capacity=5)
    start = timezone.localtime(session.starts_at)
    response = client.post(
        url("session_new", event),
        {
            "title_en": "Backwards",
            "format": "discussion",
            "starts_at": start.strftime(FMT),
            "ends_at": (start - timedelta(hours=1)).strftime(FMT),
        },
    )
    assert "The session must end after it starts." in response.content.decode()
    for _ in range(2):
        person = PersonFactory()
        services.register(event=event, person=person)
        services.signup_session(session=session, person=person)
    response = client.post(
        url("session_edit", event, session.public_id),
        {
            "title_en": session.title_en,
            "format": session.format,
            "starts_at": start.strftime(FMT),
            "ends_at": (start + timedelta(hours=1)).strftime(FMT),
            "capacity": "1",
            "needs_signup": "on",
        },
    )
    assert "2 people have already taken a seat" in response.content.decode()
    response = client.post(url("session_delete", event, session.public_id), follow=True)
    assert "People have signed up for this session" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()


def test_speakers_with_public_consent_tick(client, event, manager):
    session = SessionFactory(event=event)
    speaker_person = PersonFactory()
    services.register(event=event, person=speaker_person)
    client.post(
        url("speaker_add", event, session.public_id),
        {"speaker-person": speaker_person.pk, "speaker-shown_publicly": "on"},
    )
    client.post(url("speaker_add", event, session.public_id), {"speaker-new_name": "Guest From Afar"})
    speakers = {s.person.display_name: s.shown_publicly for s in session.speakers.select_related("person")}
    assert speakers == {speaker_person.display_name: True, "Guest From Afar": False}
    # People with no link to the organisation cannot be picked.
    stranger = PersonFactory()
    client.post(url("speaker_add", event, session.public_id), {"speaker-person": stranger.pk})
    assert not Speaker.objects.filter(person=stranger).exists()
    speaker = session.speakers.get(person=speaker_person)
    client.post(url("speaker_remove", event, session.public_id, speaker.pk))
    assert session.speakers.count() == 1


def test_session_can_be_deleted_when_nobody_signed_up(client, event, manager):
    session = SessionFactory(event=event)
    response = client.post(url("session_delete", event, session.public_id))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert AuditEntry.objects.filter(action="events.session.deleted").exists()


# --- Registrations --------------------------------------------------------------------------------------


def test_approve_and_decline_flow(client, manager):
    event = EventFactory(registration_mode=Event.Mode.APPROVAL, capacity=1)
    Membership.objects.create(organisation=event.organisation, person=manager.person, role=Role.MANAGER)
    first, second = PersonFactory(display_name="Alena"), PersonFactory(display_name="Ihar")
    r1 = services.register(event=event, person=first)
    r2 = services.register(event=event, person=second)
    assert r1.status == r2.status == S.PENDING
    page = client.get(url("registrations", event), {"status": "pending"}).content.decode()
    assert "Alena" in page and "Ihar" in page and "Accept" in page

    back = url("registrations", event) + "?status=pending"
    response = client.post(url("registration_decide", event, r1.public_id), {"approve": "1", "next": back})
    assert response["Location"] == back
    response = client.post(url("registration_decide", event, r2.public_id), {"approve": "1"}, follow=True)
    assert "No places left" in response.content.decode()
    client.post(url("registration_decide", event, r2.public_id), {"approve": "0"})
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.status, r2.status) == (S.CONFIRMED, S.REJECTED)
    page = client.get(url("registrations", event)).content.decode()
    assert "Seats left" in page
    # An open redirect is not possible through "next".
    r3 = services.register(event=event, person=PersonFactory())
    response = client.post(
        url("registration_decide", event, r3.public_id), {"approve": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == url("registrations", event)


def test_cancel_by_organiser_promotes_the_waiting_list(client, manager):
    event = EventFactory(capacity=1)
    Membership.objects.create(organisation=event.organisation, person=manager.person, role=Role.MANAGER)
    r1 = services.register(event=event, person=PersonFactory())
    r2 = services.register(event=event, person=PersonFactory())
    client.post(url("registration_cancel", event, r1.public_id))
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.status, r2.status) == (S.CANCELLED, S.OFFERED)


def test_registrations_search_filter_and_counts(client, event, manager):
    for name in ["Alena Kasko", "Ihar Lis", "Volha Zhuk"]:
        services.register(event=event, person=PersonFactory(display_name=name))
    response = client.get(url("registrations", event), {"q": "lis"})
    names = [r.person.display_name for r in response.context["page"].object_list]
    assert names == ["Ihar Lis"]
    counts = {value: n for value, _label, n in response.context["statuses"]}
    assert counts[S.CONFIRMED] == 3 and counts[S.PENDING] == 0
    assert response.context["seats_left"] == 7
    assert client.get(url("registrations", event), {"status": "bogus"}).status_code == 200


def test_registrations_list_says_who_registered_and_when(client, event, manager):
    """A self-registration writes no audit entry (its row is the record): the list must show who
    registered each person, and when."""
    manager.person.display_name = "Nasta Organiser"
    manager.person.save()
    self_registered = UserFactory().person
    self_registered.display_name = "Ales Self"
    self_registered.save()
    own = services.register(event=event, person=self_registered, actor=self_registered.user)
    entered = services.register(
        event=event, person=PersonFactory(display_name="Maryia Paper"), actor=manager, staff_entry=True
    )
    Registration.objects.filter(pk=own.pk).update(created_at=timezone.now().replace(month=3, day=14, hour=9))
    html = client.get(url("registrations", event)).content.decode()
    rows = {
        name: row for row in html.split("<tr>")[2:] for name in ("Ales Self", "Maryia Paper") if name in row
    }
    assert "registered themselves" in rows["Ales Self"] and "entered by" not in rows["Ales Self"]
    assert "14 Mar, " in rows["Ales Self"]
    assert "entered by Nasta Organiser" in rows["Maryia Paper"]
    assert "registered themselves" not in rows["Maryia Paper"]
    assert entered.registered_by == manager.person


def test_staff_registers_someone_without_an_account(client, manager):
    event = EventFactory(registration_mode=Event.Mode.INVITATION)
    Membership.objects.create(organisation=event.organisation, person=manager.person, role=Role.OWNER)
    settlement = SettlementFactory(name="Hlybokaye")
    response = client.post(
        url("registration_new", event),
        {"display_name": "Maryia from the paper list", "email": "", "home_settlement": settlement.pk},
    )
    assert response.status_code == 302
    person = Person.objects.get(display_name="Maryia from the paper list")
    assert person.user is None and person.source == Person.Source.STAFF
    assert person.home_settlement == settlement
    registration = Registration.objects.get(person=person)
    assert registration.status == S.CONFIRMED and registration.registered_by == manager.person
    response = client.post(url("registration_new", event), {"display_name": "  "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


# --- Check-in -------------------------------------------------------------------------------------------


@pytest.fixture
def confirmed(event):
    return [
        services.register(event=event, person=PersonFactory(display_name=name))
        for name in ["Alena Kasko", "Ihar Lis", "Volha Zhuk"]
    ]


def sync(client, event, items):
    response = client.post(
        url("checkin_sync", event), data=json.dumps({"items": items}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_checkin_sync_is_idempotent_and_reports_each_item(client, event, manager, confirmed):
    at = (timezone.now() - timedelta(minutes=5)).isoformat()
    a, b = confirmed[0], confirmed[1]
    items = [
        {"client_id": "phone1-1", "code": a.ticket_code, "at": at},
        {"client_id": "phone1-1", "code": a.ticket_code, "at": at},  # the same item sent twice
        {"client_id": "phone2-7", "code": a.ticket_code, "at": at},  # another phone scanned the same ticket
        {"client_id": "phone1-2", "code": "not-a-ticket", "at": at},
        {"client_id": "phone1-3", "code": b.ticket_code},
        {"code": b.ticket_code},
        "junk",
    ]
    data = sync(client, event, items)
    statuses = [(r["client_id"], r["status"]) for r in data["results"]]
    assert statuses == [
        ("phone1-1", "ok"),
        ("phone1-1", "already"),
        ("phone2-7", "already"),
        ("phone1-2", "error"),
        ("phone1-3", "ok"),
        ("", "error"),
        ("", "error"),
    ]
    assert data["results"][0]["name"] == "Alena Kasko"
    assert "No ticket with this code" in data["results"][3]["message"]
    assert data["checked_in"] == 2
    assert CheckIn.objects.count() == 2
    a.refresh_from_db()
    assert abs((a.checked_in_at - timezone.now()).total_seconds() - (-300)) < 5  # the scan time is kept
    # The phone lost the answer and sends everything again: nothing is counted twice.
    again = sync(client, event, items[:5])
    assert [r["status"] for r in again["results"]] == ["already", "already", "already", "error", "already"]
    assert CheckIn.objects.count() == 2


def test_checkin_sync_refuses_unconfirmed_and_bad_payloads(client, event, manager, confirmed):
    services.cancel(actor=manager, registration=confirmed[2])
    data = sync(client, event, [{"client_id": "x1", "code": confirmed[2].ticket_code}])
    assert data["results"][0]["status"] == "error" and "not confirmed" in data["results"][0]["message"]
    bad = client.post(url("checkin_sync", event), data="not json", content_type="application/json")
    assert bad.status_code == 400
    too_many = [{"client_id": str(i), "code": "x"} for i in range(201)]
    assert (
        client.post(
            url("checkin_sync", event), data=json.dumps({"items": too_many}), content_type="application/json"
        ).status_code
        == 400
    )
    # A ticket of another event is not accepted here.
    other = services.register(event=EventFactory(), person=PersonFactory())
    data = sync(client, event, [{"client_id": "x2", "code": other.ticket_code}])
    assert data["results"][0]["status"] == "error"


def test_checkin_sync_needs_the_csrf_token(event, confirmed):
    client = Client(enforce_csrf_checks=True)
    login(client, member(event.organisation, Role.MANAGER))
    body = json.dumps({"items": [{"client_id": "c1", "code": confirmed[0].ticket_code}]})
    assert (
        client.post(url("checkin_sync", event), data=body, content_type="application/json").status_code == 403
    )
    client.get(url("checkin", event))
    token = client.cookies["csrftoken"].value
    response = client.post(
        url("checkin_sync", event), data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "ok"


def test_checkin_page_search_and_button_without_javascript(client, event, manager, confirmed):
    page = client.get(url("checkin", event))
    html = page.content.decode()
    assert "vendor/jsqr/jsQR.js" in html and "events/checkin.js" in html
    assert "<script>" not in html and "style=" not in html
    response = client.get(url("checkin", event), {"q": "kasko"})
    html = response.content.decode()
    assert "Alena Kasko" in html and "Ihar Lis" not in html
    partial = client.get(url("checkin", event), {"q": "kasko"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Alena Kasko" in partial and "<html" not in partial
    client_id = response.context["people"][0][2]
    form = {"code": confirmed[0].ticket_code, "client_id": client_id, "q": "kasko"}
    response = client.post(url("checkin", event), form)
    assert response.status_code == 302 and "q=kasko" in response["Location"]
    response = client.post(url("checkin", event), form, follow=True)  # a double submit
    assert "was already checked in" in response.content.decode()
    assert CheckIn.objects.count() == 1
    assert "checked in at" in client.get(url("checkin", event), {"q": "kasko"}).content.decode()


def test_session_checkin_counts_attendance_per_session(client, event, manager, confirmed):
    session = SessionFactory(event=event, needs_signup=True, capacity=15)
    services.signup_session(session=session, person=confirmed[0].person)
    page = client.get(url("checkin", event), {"session": session.public_id})
    assert [r.pk for r, _at, _id in page.context["people"]] == [confirmed[0].pk]
    data = sync(
        client, event, [{"client_id": "s1", "code": confirmed[0].ticket_code, "session": session.public_id}]
    )
    assert data["results"][0]["status"] == "ok"
    assert SessionSignup.objects.get(session=session).attended_at is not None
    confirmed[0].refresh_from_db()
    assert confirmed[0].checked_in_at is None  # a session check-in is not the arrival at the event
    data = sync(client, event, [{"client_id": "s2", "code": confirmed[0].ticket_code, "session": "nope"}])
    assert data["results"][0]["status"] == "error"
    report = client.get(url("attendance", event)).context["report"]
    assert report["session_attendance"] == [(session, 1)]


# --- Attendance and exports -----------------------------------------------------------------------------


@pytest.fixture
def forum(event):
    """12 people from 3 places; 10 of them came."""
    minsk = SettlementFactory(
        name="Minsk", region=RegionFactory(code="BY-HM", name="Minsk City", name_en="Minsk City")
    )
    others = [SettlementFactory(name="Hlybokaye"), SettlementFactory(name="=cmd|' /C calc'!A0")]
    regs = []
    for i in range(12):
        place = minsk if i < 6 else others[i % 2]
        person = PersonFactory(
            display_name=f"Participant {i:02}", email=f"secret{i}@example.org", home_settlement=place
        )
        regs.append(services.register(event=event, person=person))
    return regs


def test_attendance_numbers(client, event, manager, forum):
    response = client.get(url("attendance", event))
    report = response.context["report"]
    assert report["basis"] == "confirmed" and report["participants"] == 10  # capacity 10: two wait
    for i, r in enumerate(forum[:10]):
        services.check_in(actor=manager, event=event, ticket_code=r.ticket_code, client_id=f"c{i}")
    response = client.get(url("attendance", event))
    report = response.context["report"]
    assert (report["participants"], report["locations"], report["checked_in"]) == (10, 3, 10)
    assert "10 participants from 3 locations" in response.content.decode()
    by_region = dict(report["by_region"])
    assert by_region["Minsk City"] == 6
    assert sum(n for _label, n in report["by_region"]) == 10


def test_exports_hold_the_participant_list_without_sensitive_fields(client, event, manager, forum):
    services.check_in(actor=manager, event=event, ticket_code=forum[0].ticket_code, client_id="c0")
    response = client.get(url("attendance_export", event, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Name,Settlement,Region,Status,Checked in"
    assert len(lines) == 1 + 12
    assert lines[1].startswith("Participant 00,Minsk,Minsk City,confirmed,")
    assert "on the waiting list" in text
    assert "secret" not in text and "@" not in text
    assert "'=cmd" in text  # a formula-looking place name is neutralised

    response = client.get(url("attendance_export", event, "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Settlement", "Region", "Status", "Checked in")
    assert len(rows) == 13 and rows[1][0] == "Participant 00" and rows[1][4]
    assert not any("@" in str(cell) for row in rows for cell in row if cell)
    assert client.get(url("attendance_export", event, "pdf")).status_code == 404


# --- Human Library and feedback -------------------------------------------------------------------------


def test_library_books_and_slots(client, event, manager):
    response = client.post(
        url("library", event),
        {
            "who-new_name": "Anton the beekeeper",
            "book-title_en": "How I left the city",
            "book-shown_name": "on",
        },
    )
    book = event.books.get()
    assert response["Location"] == url("book_edit", event, book.public_id)
    assert book.person.display_name == "Anton the beekeeper" and book.shown_name
    start = timezone.localtime(event.starts_at) + timedelta(hours=3)
    slot = {
        "slot-starts_at": start.strftime(FMT),
        "slot-ends_at": (start + timedelta(minutes=30)).strftime(FMT),
    }
    response = client.post(
        url("slot_add", event, book.public_id), {**slot, "slot-capacity": "4"}, follow=True
    )
    assert "less than or equal to 3" in response.content.decode()
    client.post(url("slot_add", event, book.public_id), {**slot, "slot-capacity": "2"})
    created = book.slots.get()
    assert created.capacity == 2
    reader = registered(event)
    services.book_slot(slot=created, reader=reader)
    response = client.post(url("slot_delete", event, book.public_id, created.public_id), follow=True)
    assert "Readers have booked this time" in response.content.decode()


def test_save_slot_keeps_booked_readers():
    slot = ReadingSlotFactory(capacity=2)
    event = slot.book.event
    owner = member(event.organisation, Role.OWNER)
    for _ in range(2):
        services.book_slot(slot=slot, reader=registered(event))
    slot.refresh_from_db()
    with pytest.raises(DomainError, match="2 readers have already booked"):
        services.save_slot(
            actor=owner, book=slot.book, slot=slot, starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=1
        )


def test_book_edit_page(client, event, manager):
    book = BookFactory(event=event)
    response = client.post(
        url("book_edit", event, book.public_id),
        {"book-title_en": "New title", "book-title_be": "Новая назва"},
    )
    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.title_en, book.title_be) == ("New title", "Новая назва")


def test_feedback_summary(client, manager):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    Membership.objects.create(organisation=event.organisation, person=manager.person, role=Role.MANAGER)
    survey = q_services.create_form(actor=None, organisation=event.organisation, title_en="How was it?")
    choice = q_services.save_question(
        actor=None, form=survey, kind=Question.Kind.CHOICE, label_en="Useful?", choices_en="Yes\nNo"
    )
    score = q_services.save_question(actor=None, form=survey, kind=Question.Kind.NUMBER, label_en="Score")
    text = q_services.save_question(actor=None, form=survey, kind=Question.Kind.LONG_TEXT, label_en="Ideas")
    services.save_event(actor=manager, organisation=event.organisation, event=event, feedback_form=survey)
    event.refresh_from_db()
    people = [PersonFactory() for _ in range(3)]
    for p in people:
        services.register(event=event, person=p, actor=manager, staff_entry=True)
    for p, (c, s, t) in zip(
        people, [(0, "4", "More coffee"), (0, "5", ""), (1, "3", "Longer breaks")], strict=True
    ):
        services.submit_feedback(event=event, person=p, actor=None, answers={choice: c, score: s, text: t})
    q_services.save_response(
        form=survey, person=PersonFactory(), answers={choice: 1, score: "1", text: "I was not there"}
    )
    response = client.get(url("feedback", event))
    summary = response.context["summary"]
    assert summary["responses"] == 3
    items = {i["question"].label_en: i for i in summary["items"]}
    assert items["Useful?"]["options"] == [("Yes", 2), ("No", 1)]
    assert str(items["Score"]["average"]) == "4.00"
    assert items["Ideas"]["texts"] == ["More coffee", "Longer breaks"] or sorted(items["Ideas"]["texts"]) == [
        "Longer breaks",
        "More coffee",
    ]
    html = response.content.decode()
    assert "Average 4.00" in html and "I was not there" not in html


def test_organiser_pages_have_no_inline_script_or_style(client, event, manager, confirmed):
    session = SessionFactory(event=event, needs_signup=True)
    book = BookFactory(event=event)
    ReadingSlotFactory(book=book)
    pages = [url(name, event) for name in EVENT_PAGES] + [
        url("session_edit", event, session.public_id),
        url("book_edit", event, book.public_id),
        url("checkin", event) + "?q=a",
        url("checkin", event) + f"?session={session.public_id}",
        reverse("events:org_events", args=[event.organisation.slug]),
        reverse("events:event_new", args=[event.organisation.slug]),
    ]
    for page in pages:
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert " style=" not in html and "<script>" not in html and "onclick" not in html, page
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html, page


def test_list_pages_do_not_query_per_row(client, event, manager):
    def queries(name, **params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(name, event), params).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            services.register(event=event, person=PersonFactory(home_settlement=SettlementFactory()))
            SessionFactory(event=event).speakers.create(person=PersonFactory(), shown_publicly=True)

    add(2)
    before = [
        queries("registrations"),
        queries("checkin", q="Person"),
        queries("programme"),
        queries("attendance"),
    ]
    add(5)
    after = [
        queries("registrations"),
        queries("checkin", q="Person"),
        queries("programme"),
        queries("attendance"),
    ]
    assert before == after


def test_save_event_service_rules(event):
    org = event.organisation
    plain_member = member(org, Role.MEMBER)
    owner = member(org, Role.OWNER)
    start = timezone.now() + timedelta(days=5)
    with pytest.raises(DomainError, match="owners and managers"):
        services.save_event(
            actor=plain_member, organisation=org, title_en="X", starts_at=start, ends_at=start
        )
    with pytest.raises(DomainError, match="cannot end before"):
        services.save_event(
            actor=owner, organisation=org, title_en="X", starts_at=start, ends_at=start - timedelta(hours=1)
        )
    with pytest.raises(DomainError, match="title"):
        services.save_event(actor=owner, organisation=org, starts_at=start, ends_at=start)
    created = services.save_event(
        actor=owner,
        organisation=org,
        title_en="Sport Region",
        starts_at=start,
        ends_at=start,
        co_organisers=[org],
    )
    assert created.slug == "sport-region" and created.co_organisers.count() == 0
    again = services.save_event(
        actor=owner, organisation=org, title_en="Sport Region", starts_at=start, ends_at=start
    )
    assert again.slug == "sport-region-2"
    with pytest.raises(DomainError, match="owners and managers|organisers"):
        services.save_event(actor=plain_member, organisation=org, event=created, status="published")


def test_registration_answers_are_shown_to_organisers(client, manager):
    event = EventFactory()
    Membership.objects.create(organisation=event.organisation, person=manager.person, role=Role.MANAGER)
    form = q_services.create_form(actor=None, organisation=event.organisation, title_en="Application")
    motivation = q_services.save_question(
        actor=None, form=form, kind=Question.Kind.LONG_TEXT, label_en="Why come?"
    )
    services.save_event(actor=manager, organisation=event.organisation, event=event, registration_form=form)
    event.refresh_from_db()
    services.register(
        event=event, person=PersonFactory(), answers={motivation: "To meet other village leaders"}
    )
    page = client.get(url("registrations", event)).content.decode()
    assert "Why come?" in page and "To meet other village leaders" in page
