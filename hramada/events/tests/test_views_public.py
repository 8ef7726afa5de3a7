"""Participant pages: event page and registration box, programme, tickets, Human Library, calendars, survey."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hramada.events import selectors, services
from hramada.events.models import Event, Registration, SessionSignup, SlotBooking, Speaker, Track
from hramada.events.models import RegistrationStatus as S
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.questions import services as question_services
from hramada.questions.models import Question, Response

from .factories import EventFactory, ReadingSlotFactory, SessionFactory, registered

pytestmark = pytest.mark.django_db


def url(name, event, *args):
    return reverse(f"events:{name}", args=[event.slug, *args])


@pytest.fixture
def event():
    return EventFactory(
        capacity=1,
        title_en="March Meetings",
        summary_en="The civil-society forum.",
        description_en="Two days of presentations and discussions.",
    )


def login(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


def test_event_list_shows_upcoming_and_past_and_hides_drafts(client):
    EventFactory(title_en="Forum next spring")
    EventFactory(
        title_en="Forum long ago",
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=399),
    )
    EventFactory(title_en="Secret draft", status=Event.Status.DRAFT)
    page = client.get(reverse("events:list")).content.decode()
    assert "Forum next spring" in page and "Forum long ago" not in page and "Secret draft" not in page
    page = client.get(reverse("events:list"), {"when": "past"}).content.decode()
    assert "Forum long ago" in page and "Forum next spring" not in page


def test_anonymous_sees_event_details_share_tags_and_a_login_link(client, event):
    event.co_organisers.add(EventFactory().organisation)
    page = client.get(url("detail", event)).content.decode()
    assert page.count("<h1") == 1
    assert "March Meetings" in page and "Two days of presentations" in page
    assert '<meta property="og:title" content="March Meetings">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert 'property="og:description" content="The civil-society forum."' in page
    assert "Co-organisers" in page
    assert "to register" in page and "/accounts/login/?next=" in page
    assert f'action="{url("register", event)}"' not in page


def test_drafts_are_only_visible_to_their_organisers(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(url("detail", draft)).status_code == 404
    organiser = UserFactory()
    Membership.objects.create(organisation=draft.organisation, person=organiser.person, role=Role.MANAGER)
    login(client, organiser)
    response = client.get(url("detail", draft))
    assert response.status_code == 200 and b"Draft: only the organisers" in response.content


def test_cancelled_event_stays_visible_without_registration_or_sign_up(client):
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    SessionFactory(event=cancelled, needs_signup=True, capacity=5)
    login(client)
    page = client.get(url("detail", cancelled)).content.decode()
    assert "This event is cancelled." in page
    assert ">Register<" not in page and ">Sign up<" not in page


def test_register_confirms_and_the_ticket_shows_a_qr_code(client, event):
    user = login(client)
    page = client.get(url("detail", event)).content.decode()
    assert "1 place left." in page and ">Register<" in page
    response = client.post(url("register", event), follow=True)
    assert b"You are registered." in response.content
    registration = Registration.objects.get(person=user.person)
    assert registration.status == S.CONFIRMED
    ticket = client.get(url("ticket", event, registration.ticket_code))
    assert ticket.status_code == 200 and b"<svg" in ticket.content
    assert registration.ticket_code.encode() in ticket.content
    assert client.get(url("ticket", event, "not-a-code")).status_code == 404


def test_full_event_puts_the_next_person_on_the_waiting_list_with_a_position(client, event):
    services.register(event=event, person=PersonFactory())
    services.register(event=event, person=PersonFactory())  # waiting, number 1
    login(client)
    page = client.get(url("detail", event)).content.decode()
    assert "All places are taken" in page and "Join the waiting list" in page
    response = client.post(url("register", event), follow=True)
    assert b"you are on the waiting list. We will write" in response.content
    assert b"You are on the waiting list: number 2." in response.content


def test_cancel_offers_the_place_to_the_next_who_accepts_it(client, event):
    first, second = UserFactory(), UserFactory()
    services.register(event=event, person=first.person)
    services.register(event=event, person=second.person)

    login(client, first)
    confirm = client.get(url("cancel", event))
    assert b"Yes, cancel my registration" in confirm.content
    response = client.post(url("cancel", event), follow=True)
    assert b"Your registration is cancelled" in response.content

    offered = Registration.objects.get(person=second.person)
    assert offered.status == S.OFFERED
    login(client, second)
    page = client.get(url("detail", event)).content.decode()
    assert "A place has freed up for you!" in page and "Accept the place" in page
    ticket = client.get(url("ticket", event, offered.ticket_code)).content.decode()
    assert "Accept the place" in ticket and "<svg" not in ticket
    response = client.post(url("accept_offer", event))
    assert response.url == url("ticket", event, offered.ticket_code)
    offered.refresh_from_db()
    assert offered.status == S.CONFIRMED
    assert b"<svg" in client.get(response.url).content

    # Someone else holding the ticket link sees no accept button.
    third = UserFactory()
    services.cancel(actor=second, registration=offered)
    services.register(event=event, person=third.person)
    services.register(event=event, person=PersonFactory())
    services.cancel(actor=third, registration=Registration.objects.get(person=third.person))
    waiting_offer = Registration.objects.filter(event=event, status=S.OFFERED).get()
    assert (
        "Accept the place" not in client.get(url("ticket", event, waiting_offer.ticket_code)).content.decode()
    )


def test_registration_form_with_a_required_question_shows_the_error_and_saves_nothing(client, event):
    form = question_services.create_form(actor=None, organisation=event.organisation, title_en="Registration")
    question = question_services.save_question(
        actor=None, form=form, kind=Question.Kind.TEXT, label_en="Your community", required=True
    )
    event.registration_form = form
    event.save()
    user = login(client)
    page = client.get(url("detail", event)).content.decode()
    assert "Your community" in page and f'name="q_{question.pk}"' in page
    response = client.post(url("register", event), {f"q_{question.pk}": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not Registration.objects.exists() and not Response.objects.exists()

    response = client.post(url("register", event), {f"q_{question.pk}": "Bashni"})
    assert response.status_code == 302
    registration = Registration.objects.get(person=user.person)
    assert registration.response.answers.get().value == "Bashni"


def test_registration_closed_and_by_invitation_states(client):
    login(client)
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    assert b"Registration is closed." in client.get(url("detail", closed)).content
    later = EventFactory(registration_opens_at=timezone.now() + timedelta(days=2))
    assert b"Registration opens on" in client.get(url("detail", later)).content
    invitation = EventFactory(registration_mode=Event.Mode.INVITATION)
    assert b"by invitation only" in client.get(url("detail", invitation)).content
    response = client.post(url("register", closed), follow=True)
    assert b"Registration for this event is closed." in response.content
    assert not Registration.objects.exists()


def test_session_sign_up_button_and_seats_left(client, event):
    event.capacity = None
    event.save()
    session = SessionFactory(event=event, capacity=2, needs_signup=True, language="be")
    user = login(client)
    page = client.get(url("detail", event)).content.decode()
    assert "2 seats left of 2" in page and ">Sign up<" in page and "Беларуская" in page
    # Not registered for the event yet: the service's refusal is shown.
    response = client.post(url("session_signup", event, session.public_id), follow=True)
    assert b"Register for the event first" in response.content

    services.register(event=event, person=user.person)
    response = client.post(url("session_signup", event, session.public_id), follow=True)
    assert b"You have a seat" in response.content and b"1 seat left of 2" in response.content
    assert SessionSignup.objects.get(person=user.person).status == S.CONFIRMED

    # htmx: only the session card comes back, with the notice inside it.
    response = client.post(url("session_leave", event, session.public_id), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and f'id="session-{session.public_id}"' in content
    assert "You left the session" in content and "2 seats left of 2" in content


def test_programme_by_track_and_only_consenting_speakers(client, event):
    hall = Track.objects.create(event=event, name="Main hall", name_en="Main hall", order=1)
    room = Track.objects.create(event=event, name="Room A", name_en="Room A", order=2)
    talk = SessionFactory(event=event, track=hall, title_en="Opening talk")
    SessionFactory(event=event, track=room, title_en="Fundraising master class")
    Speaker.objects.create(
        session=talk, person=PersonFactory(display_name="Alena Shown"), shown_publicly=True
    )
    Speaker.objects.create(
        session=talk, person=PersonFactory(display_name="Hidden Ales"), shown_publicly=False
    )
    page = client.get(url("detail", event)).content.decode()
    assert "Alena Shown" in page and "Hidden Ales" not in page
    assert "col-1" in page and "col-2" in page
    page = client.get(url("detail", event), {"by": "track"}).content.decode()
    assert page.index("Main hall</h4>") < page.index("Opening talk") < page.index("Room A</h4>")


def test_event_page_query_count_does_not_grow_with_sessions(client, event, django_assert_max_num_queries):
    tracks = [Track.objects.create(event=event, name=f"T{i}", name_en=f"T{i}", order=i) for i in range(3)]
    for i in range(20):
        session = SessionFactory(
            event=event,
            track=tracks[i % 3],
            needs_signup=bool(i % 2),
            capacity=10,
            starts_at=event.starts_at + timedelta(hours=i // 3),
        )
        Speaker.objects.create(session=session, person=PersonFactory(), shown_publicly=True)
    user = login(client)
    services.register(event=event, person=user.person)
    with django_assert_max_num_queries(13):
        response = client.get(url("detail", event))
    assert response.content.count(b'class="session ') == 20


def test_human_library_booking_and_overlap_refusal(client, event):
    slot = ReadingSlotFactory(book__event=event, book__title_en="Living with a disability", capacity=2)
    clash = ReadingSlotFactory(
        book__event=event,
        book__title_en="A village school",
        book__shown_name=True,
        book__person=PersonFactory(display_name="Teacher Nina"),
        starts_at=slot.starts_at + timedelta(minutes=10),
    )
    hidden = slot.book.person.display_name
    page = client.get(url("human_library", event)).content.decode()
    assert "Living with a disability" in page and "Told by Teacher Nina" in page and hidden not in page
    assert "2 of 2" in page and "Log in to book" in page

    user = login(client)
    registered(event, user.person)
    response = client.post(url("book_slot", event, slot.public_id), follow=True)
    assert b"Booked:" in response.content and b"1 of 2" in response.content
    response = client.post(url("book_slot", event, clash.public_id), follow=True)
    assert "You already have “Living with a disability” at that time" in response.content.decode()
    assert SlotBooking.objects.filter(reader=user.person).count() == 1

    booking = SlotBooking.objects.get(reader=user.person)
    # Another person cannot cancel my booking: it is not among theirs.
    other = UserFactory()
    client.force_login(other)
    assert client.post(url("cancel_booking", event, booking.public_id)).status_code == 404
    client.force_login(user)
    response = client.post(url("cancel_booking", event, booking.public_id), follow=True)
    assert b"Your booking is cancelled." in response.content
    booking.refresh_from_db()
    assert booking.cancelled_at is not None

    printable = client.get(url("human_library_print", event)).content.decode()
    assert "Living with a disability" in printable and "events/events.css" in printable


def test_fully_booked_slot_shows_the_service_message(client, event):
    event.capacity = None
    event.save()
    slot = ReadingSlotFactory(book__event=event, capacity=1)
    services.book_slot(slot=slot, reader=registered(event))
    registered(event, login(client).person)
    assert b"fully booked" in client.get(url("human_library", event)).content
    response = client.post(url("book_slot", event, slot.public_id), follow=True)
    assert b"This reading is fully booked." in response.content


def test_event_calendar_is_icalendar_with_one_vevent_per_session(client, event):
    for _ in range(3):
        SessionFactory(event=event)
    response = client.get(url("calendar", event))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 4


def test_personal_feed_needs_the_right_token(client, event):
    user = UserFactory()
    services.register(event=event, person=user.person)
    person = user.person
    token = selectors.feed_token(person)
    good = reverse("events:person_feed", args=[person.public_id, token])
    response = client.get(good)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response.content.decode().count("BEGIN:VEVENT") == 1
    bad = reverse("events:person_feed", args=[person.public_id, "0" * 32])
    assert client.get(bad).status_code == 404
    other = reverse("events:person_feed", args=[PersonFactory().public_id, token])
    assert client.get(other).status_code == 404

    login(client, user)
    assert token in client.get(url("my_programme", event)).content.decode()


def test_my_programme_lists_registration_sessions_and_readings(client, event):
    event.capacity = None
    event.save()
    session = SessionFactory(event=event, title_en="Grant writing", needs_signup=True, capacity=5)
    slot = ReadingSlotFactory(book__event=event, book__title_en="Refugee story")
    user = login(client)
    services.register(event=event, person=user.person)
    services.signup_session(session=session, person=user.person)
    services.book_slot(slot=slot, reader=user.person)
    page = client.get(url("my_programme", event)).content.decode()
    assert "Confirmed" in page and "Grant writing" in page and "Refugee story" in page
    assert '<th scope="col">' in page
    client.logout()
    assert client.get(url("my_programme", event)).status_code == 302


def test_feedback_only_after_the_end_only_for_participants_and_only_once(client, event):
    survey = question_services.create_form(actor=None, organisation=event.organisation, title_en="Feedback")
    question = question_services.save_question(
        actor=None, form=survey, kind=Question.Kind.LONG_TEXT, label_en="What was most useful?", required=True
    )
    event.feedback_form = survey
    event.save()
    user, outsider = UserFactory(), UserFactory()
    services.register(event=event, person=user.person)
    login(client, user)
    assert b"The survey opens when the event ends" in client.get(url("feedback_survey", event)).content
    client.post(url("feedback_survey", event), {f"q_{question.pk}": "Too early"})
    assert not Response.objects.exists()

    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        client.force_login(user)  # the session from a month ago has expired
        page = client.get(url("feedback_survey", event)).content.decode()
        assert "What was most useful?" in page
        response = client.post(url("feedback_survey", event), {f"q_{question.pk}": ""})
        assert b"This field is required." in response.content and not Response.objects.exists()
        response = client.post(
            url("feedback_survey", event), {f"q_{question.pk}": "The Human Library"}, follow=True
        )
        assert b"Thank you!" in response.content
        assert b"you have answered this survey" in response.content
        client.post(url("feedback_survey", event), {f"q_{question.pk}": "Again"})
        assert Response.objects.filter(form=survey).count() == 1

        client.force_login(outsider)
        assert b"Only confirmed participants" in client.get(url("feedback_survey", event)).content
        client.logout()
        assert b"log in</a> to answer" in client.get(url("feedback_survey", event)).content

    no_survey = EventFactory()
    assert b"has no feedback survey" in client.get(url("feedback_survey", no_survey)).content


def test_anonymous_event_page_is_cached_and_any_change_shows_at_once(
    client, event, django_assert_max_num_queries
):
    session = SessionFactory(event=event, title_en="Grant writing", needs_signup=True, capacity=5)
    first = client.get(url("detail", event)).content.decode()
    assert "Grant writing" in first
    with django_assert_max_num_queries(1):  # the version only, nothing rendered
        assert client.get(url("detail", event)).content.decode() == first
    session.title_en = "Grant writing for villages"
    session.save()
    assert "Grant writing for villages" in client.get(url("detail", event)).content.decode()
    assert "5 seats left of 5" in client.get(url("detail", event)).content.decode()
    services.signup_session(session=session, person=registered(event))
    assert "4 seats left of 5" in client.get(url("detail", event)).content.decode()
