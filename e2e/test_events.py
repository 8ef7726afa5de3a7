"""Events journeys: an organiser builds an event and its programme; participants register, wait, cancel
and accept a freed place; staff check people in on a phone (also offline); the attendance report and
its CSV export; the Belarusian event pages load without console errors or CSP violations."""

import csv
import io
import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from e2e import helpers
from e2e.helpers import FMT, PHONE, login

pytestmark = pytest.mark.e2e


# --- set-up helpers -----------------------------------------------------------------------------------


def make_organiser(email, org_slug, org_name="Local Leaders"):
    return helpers.make_organiser(email, org_slug, org_name)


def named_user(email, name):
    """A participant with a login and a readable name."""
    from hramada.people.tests.factories import UserFactory

    user = UserFactory(email=email)
    user.person.display_name = name
    user.person.save(update_fields=["display_name"])
    return user


def local_day(days_ahead: int) -> datetime:
    """Midnight (Europe/Minsk) some days from now, so typed times read the same in the browser and here."""
    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def watch_console(page) -> list[str]:
    """Console errors, CSP violations and uncaught exceptions of the page, as they happen."""
    problems: list[str] = []

    def on_console(msg):
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


# --- 1. The organiser builds an event ----------------------------------------------------------------


def test_organiser_creates_event_with_programme_and_library(page, server, transactional_db):
    from hramada.events.models import Book, Event, Session

    user, org, secret = make_organiser("svetlana@example.org", "local-leaders")
    day = local_day(40)
    at = lambda h, m=0: (day + timedelta(hours=h, minutes=m)).strftime(FMT)  # noqa: E731

    problems = watch_console(page)
    login(page, server, "svetlana@example.org", totp_secret=secret)
    page.goto(f"{server}/en/manage/organisations/local-leaders/events/")
    expect(page.locator("h1")).to_have_text("Local Leaders: events")
    expect(page.locator("main")).to_contain_text("No events yet.")

    # A new event: saved as a draft first.
    page.get_by_role("link", name="New event").click()
    expect(page).to_have_url(f"{server}/en/manage/organisations/local-leaders/events/new/")
    page.locator("#id_title_en").fill("Spring Forum")
    page.locator("#id_summary_en").fill("Two days for local leaders.")
    page.locator("#id_starts_at").fill(at(10))
    page.locator("#id_ends_at").fill(at(24 + 18))
    page.locator("#id_venue_en").fill("Town hall")
    page.locator("#id_capacity").fill("50")
    expect(page.locator("#id_status")).to_have_value("draft")
    page.locator("main form").get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The event is saved as draft.")
    event = Event.objects.get(organisation=org)
    assert event.status == Event.Status.DRAFT
    expect(page).to_have_url(f"{server}/en/manage/events/{event.slug}/")
    expect(page.locator("h1")).to_have_text("Spring Forum")

    # The organisation's events page lists it.
    page.goto(f"{server}/en/manage/organisations/local-leaders/events/")
    expect(page.locator("main tbody tr", has_text="Spring Forum")).to_contain_text("draft")
    page.get_by_role("link", name="Spring Forum").click()

    # Publish it.
    nav = page.get_by_role("navigation", name="Event")
    nav.get_by_role("link", name="Details").click()
    page.locator("#id_status").select_option("published")
    page.locator("main form").get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The event is saved.")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    expect(nav.get_by_role("link", name="Public page")).to_be_visible()

    # An anonymous visitor sees the published event, with no programme yet (the page is cached for them).
    anon = page.context.browser.new_context(locale="en-GB")
    visitor = anon.new_page()
    visitor.goto(f"{server}/en/events/{event.slug}/")
    expect(visitor.locator("h1")).to_have_text("Spring Forum")
    expect(visitor.locator("#programme")).to_contain_text("The programme is not published yet.")

    # A track, then two sessions in it.
    nav.get_by_role("link", name="Programme").click()
    page.locator("#id_track-name_en").fill("Main hall")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Track added.")
    expect(page.locator("details.card summary")).to_contain_text("Main hall")

    def add_session(title, fmt, start, end, *, capacity=None, signup=False):
        page.get_by_role("link", name="Add a session").click()
        page.locator("#id_title_en").fill(title)
        page.locator("#id_format").select_option(fmt)
        page.locator("#id_track").select_option(label="Main hall")
        page.locator("#id_starts_at").fill(start)
        page.locator("#id_ends_at").fill(end)
        if capacity is not None:
            page.locator("#id_capacity").fill(str(capacity))
        if signup:
            page.locator("#id_needs_signup").check()
        page.locator("main form").filter(has=page.locator("#id_title_en")).get_by_role(
            "button", name="Save"
        ).click()
        expect(page.locator(".messages")).to_contain_text("Session saved.")
        expect(page.locator("h1")).to_have_text(title)
        page.get_by_role("link", name="Back to the programme").click()

    add_session("Opening talk", "presentation", at(11), at(12))
    add_session("Budget workshop", "master_class", at(13), at(14, 30), capacity=1, signup=True)
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Budget workshop")
    expect(rows.nth(1)).to_contain_text("0 / 1")
    expect(rows.nth(1)).to_contain_text("sign-up")
    master = Session.objects.get(event=event, title_en="Budget workshop")
    assert (master.format, master.capacity, master.needs_signup) == ("master_class", 1, True)
    assert master.track.name_en == "Main hall"

    # A Human Library book, told by someone new, with one reading time.
    nav.get_by_role("link", name="Human Library").click()
    page.locator("#id_who-new_name").fill("Ales Dudar")
    page.locator("#id_book-title_en").fill("Leaving the city")
    page.locator("#id_book-description_en").fill("Why I moved back to my village.")
    page.get_by_role("button", name="Add book").click()
    expect(page.locator(".messages")).to_contain_text("Book added. Now add its reading times.")
    expect(page.locator("h1")).to_have_text("Leaving the city")
    page.locator("#id_slot-starts_at").fill(at(15))
    page.locator("#id_slot-ends_at").fill(at(15, 30))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Reading time added.")
    expect(page.locator("#h-slots + ul")).to_contain_text("0 of 1 readers booked")
    book = Book.objects.get(event=event)
    assert book.person.display_name == "Ales Dudar" and book.slots.count() == 1

    # The public page shows the programme; the library shows the book and its time.
    nav.get_by_role("link", name="Public page").click()
    expect(page).to_have_url(f"{server}/en/events/{event.slug}/")
    expect(page.locator("h1")).to_have_text("Spring Forum")
    programme = page.locator("#programme")
    opening = programme.locator("article.session", has_text="Opening talk")
    expect(opening).to_contain_text("11:00–12:00")
    expect(opening).to_contain_text("Main hall")
    expect(opening).to_contain_text("presentation")
    workshop = programme.locator("article.session", has_text="Budget workshop")
    expect(workshop).to_contain_text("13:00–14:30")
    expect(workshop).to_contain_text("master class")
    expect(workshop).to_contain_text("1 seat left of 1")
    expect(workshop.get_by_role("button", name="Sign up")).to_be_visible()
    page.get_by_role("link", name="Human Library: book a conversation").click()
    card = page.locator("li.book", has_text="Leaving the city")
    expect(card).to_contain_text("Why I moved back to my village.")
    expect(card.locator("table.slots tbody tr")).to_have_count(1)
    expect(card.locator("table.slots tbody tr")).to_contain_text("15:00–15:30")
    expect(card.locator("table.slots tbody tr")).to_contain_text("1 of 1")
    expect(card).not_to_contain_text("Ales Dudar")  # the name is hidden unless chosen

    # The anonymous visitor's cached copy is replaced: they see the same programme now.
    visitor.reload()
    expect(visitor.locator("#programme article.session")).to_have_count(2)
    expect(visitor.locator("#programme")).to_contain_text("Log in to sign up")
    expect(visitor.get_by_role("link", name="Human Library: book a conversation")).to_be_visible()
    anon.close()
    assert problems == []


# --- 2. Register, wait, cancel, accept ---------------------------------------------------------------


@pytest.fixture
def small_event(transactional_db):
    """A published event with one place and a Human Library book with one reading."""
    from hramada.events.tests.factories import BookFactory, EventFactory, ReadingSlotFactory

    event = EventFactory(title="Small Forum", title_en="Small Forum", slug="small-forum", capacity=1)
    book = BookFactory(event=event, title="Leaving the city", title_en="Leaving the city")
    ReadingSlotFactory(book=book)
    return event


def test_participants_register_wait_cancel_and_accept(page, new_context, server, small_event):
    from hramada.events.models import Registration, SlotBooking

    named_user("anna@example.org", "Anna Kaval")
    named_user("boris@example.org", "Boris Lis")
    url = f"{server}/en/events/small-forum/"

    # An anonymous visitor sees the one place (and is served a cached copy from now on).
    anon = new_context()
    visitor = anon.new_page()
    visitor.goto(url)
    expect(visitor.locator("#registration")).to_contain_text("1 place left.")

    # Anna takes the only place.
    problems = watch_console(page)
    login(page, server, "anna@example.org")
    page.goto(url)
    box = page.locator("#registration")
    expect(box).to_contain_text("1 place left.")
    box.get_by_role("button", name="Register").click()
    expect(page.locator(".messages")).to_contain_text("You are registered.")
    expect(box).to_contain_text("You are registered.")

    # Her ticket has a QR code.
    box.get_by_role("link", name="Show my ticket").click()
    expect(page).to_have_url(re.compile(r"/en/events/small-forum/ticket/[^/]+/$"))
    expect(page.locator(".ticket-name")).to_have_text("Anna Kaval")
    expect(page.locator(".ticket .status")).to_have_text("Confirmed")
    expect(page.locator(".ticket .qr svg")).to_be_visible()
    anna_reg = Registration.objects.get(event=small_event, person__user__email="anna@example.org")
    expect(page.locator(".ticket-code")).to_have_text(anna_reg.ticket_code)

    # She books the Human Library reading.
    page.get_by_role("link", name="Event page").click()
    page.get_by_role("link", name="Human Library: book a conversation").click()
    page.locator("li.book", has_text="Leaving the city").get_by_role(
        "button", name=re.compile("^Book")
    ).click()
    expect(page.locator(".messages")).to_contain_text("Booked: “Leaving the city”")
    expect(page.locator("#my-bookings")).to_contain_text("Leaving the city")
    expect(page.locator("table.slots")).to_contain_text("Booked by you")

    # The anonymous visitor's copy is not stale: the place is gone.
    visitor.reload()
    expect(visitor.locator("#registration")).to_contain_text("All places are taken.")
    anon.close()

    # Boris comes second: the waiting list, number 1.
    boris = new_context().new_page()
    login(boris, server, "boris@example.org")
    boris.goto(url)
    boris_box = boris.locator("#registration")
    expect(boris_box).to_contain_text("All places are taken. You can join the waiting list.")
    boris_box.get_by_role("button", name="Join the waiting list").click()
    expect(boris.locator(".messages")).to_contain_text(
        "All places are taken: you are on the waiting list. We will write if a place frees up."
    )
    expect(boris_box).to_contain_text("You are on the waiting list: number 1.")
    boris_reg = Registration.objects.get(event=small_event, person__user__email="boris@example.org")
    assert boris_reg.status == "waitlisted"
    boris_box.get_by_role("link", name="My programme").click()
    expect(boris.locator("#my-registration + p")).to_have_text(
        "On the waiting list — number 1 on the waiting list"
    )
    boris.get_by_role("link", name="My ticket").click()
    expect(boris.locator(".ticket")).to_contain_text("On the waiting list: number 1.")
    expect(boris.locator(".ticket svg")).to_have_count(0)

    # Anna cancels through the confirmation page.
    page.goto(url)
    box.get_by_role("link", name="Cancel my registration").click()
    expect(page).to_have_url(f"{url}cancel/")
    expect(page.locator("h1")).to_have_text("Cancel registration")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.locator(".messages")).to_contain_text("Your registration is cancelled.")
    anna_reg.refresh_from_db()
    assert anna_reg.status == "cancelled"
    # Without a place, her reading is released too.
    assert not SlotBooking.objects.filter(reader=anna_reg.person, cancelled_at__isnull=True).exists()

    # Her ticket is no longer valid.
    page.goto(f"{url}ticket/{anna_reg.ticket_code}/")
    expect(page.locator(".ticket .status")).to_have_text("Cancelled")
    expect(page.locator(".ticket")).to_contain_text("This ticket is not valid.")
    expect(page.locator(".ticket svg")).to_have_count(0)

    # Boris is offered the place: his ticket says so (no QR code yet) ...
    boris_reg.refresh_from_db()
    assert boris_reg.status == "offered"
    boris.goto(f"{url}ticket/{boris_reg.ticket_code}/")
    expect(boris.locator(".ticket .status")).to_have_text("Place offered, to be confirmed")
    expect(boris.locator(".ticket")).to_contain_text("A place is held for you until")
    expect(boris.locator(".ticket svg")).to_have_count(0)
    expect(boris.get_by_role("button", name="Accept the place")).to_be_visible()
    # ... and he accepts it on the event page.
    boris.goto(url)
    expect(boris_box).to_contain_text("A place has freed up for you!")
    boris_box.get_by_role("button", name="Accept the place").click()
    expect(boris.locator(".messages")).to_contain_text("The place is yours.")
    expect(boris).to_have_url(f"{url}ticket/{boris_reg.ticket_code}/")
    expect(boris.locator(".ticket .status")).to_have_text("Confirmed")
    expect(boris.locator(".ticket .qr svg")).to_be_visible()
    boris_reg.refresh_from_db()
    assert boris_reg.status == "confirmed"
    small_event.refresh_from_db()
    assert small_event.confirmed_count == 1
    assert problems == []


# --- 3. Check-in on a phone, online and offline ------------------------------------------------------


@pytest.fixture
def checkin_event(transactional_db):
    from hramada.events import services
    from hramada.events.tests.factories import EventFactory
    from hramada.people.tests.factories import PersonFactory

    user, org, secret = make_organiser("olga@example.org", "open-hands", "Open Hands")
    event = EventFactory(organisation=org, title="Gathering", title_en="Gathering", slug="gathering")
    regs = {
        name: services.register(event=event, person=PersonFactory(display_name=name))
        for name in ("Hanna Zhuk", "Mikola Bury", "Zmitser Ivanou")
    }
    return {"event": event, "secret": secret, "regs": regs}


def test_checkin_on_phone_by_name_and_offline_queue(new_context, server, checkin_event):
    from hramada.events.models import CheckIn, Registration

    regs = checkin_event["regs"]
    context = new_context(**PHONE)
    page = context.new_page()
    problems = watch_console(page)
    login(page, server, "olga@example.org", totp_secret=checkin_event["secret"])
    page.goto(f"{server}/en/manage/events/gathering/checkin/")
    expect(page.locator(".checkin-count")).to_contain_text("0 of 3 confirmed people checked in")
    expect(page.locator("[data-checkin]")).to_be_visible()  # checkin.js is running
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the check-in page scrolls sideways on a phone: {width}"

    # Search by name (htmx swaps the list in) and check Hanna in with her button.
    page.get_by_label("Name", exact=True).fill("Hanna")
    people = page.locator("#checkin-list li")
    expect(people).to_have_count(1)
    expect(people).to_contain_text("Hanna Zhuk")
    people.get_by_role("button", name="Check in Hanna Zhuk").click()
    expect(people.locator(".badge")).to_contain_text("checked in at")
    expect(page.locator("[data-recent]")).to_contain_text("Hanna Zhuk is checked in.")
    expect(page.locator("[data-count]")).to_have_text("1")
    assert Registration.objects.get(pk=regs["Hanna Zhuk"].pk).checked_in_at is not None

    # The server-rendered list says so too.
    page.reload()
    page.get_by_label("Name", exact=True).fill("Hanna")
    expect(page.locator("#checkin-list li .badge")).to_contain_text("checked in at")

    # Offline: a typed ticket code is queued on the phone, not lost.
    mikola = regs["Mikola Bury"]
    context.set_offline(True)
    page.get_by_label("Code printed under the QR code").fill(mikola.ticket_code)
    page.locator("#h-code + form").get_by_role("button", name="Check in").click()
    queue = page.locator("[data-queue]")
    expect(queue).to_be_visible()
    expect(queue.locator("[data-queue-list] li")).to_have_count(1)
    expect(queue.locator("[data-queue-list] li")).to_contain_text(f"…{mikola.ticket_code[-6:]}")
    expect(queue.locator("[data-queue-list] li")).to_contain_text("waiting to be sent")
    expect(page.locator("[data-sync-status]")).to_contain_text("No connection.")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('hramada.checkin.gathering') || '[]')")
    assert [item["code"] for item in stored] == [mikola.ticket_code]
    assert Registration.objects.get(pk=mikola.pk).checked_in_at is None

    # Back online: the queue is sent and emptied; the server has Mikola checked in, once.
    context.set_offline(False)
    expect(queue).to_be_hidden(timeout=20_000)
    expect(page.locator("[data-recent]")).to_contain_text("Mikola Bury is checked in.")
    expect(page.locator("[data-count]")).to_have_text("2")
    mikola.refresh_from_db()
    assert mikola.checked_in_at is not None
    assert CheckIn.objects.filter(registration=mikola).count() == 1
    assert page.evaluate("() => localStorage.getItem('hramada.checkin.gathering')") == "[]"
    assert Registration.objects.get(pk=regs["Zmitser Ivanou"].pk).checked_in_at is None

    # Chromium may log the request that failed while offline (net::ERR_INTERNET_DISCONNECTED);
    # any other console error, CSP violation or script error is a failure.
    unexpected = [p for p in problems if "ERR_INTERNET_DISCONNECTED" not in p]
    assert unexpected == []


# --- 4. Attendance report and CSV export -------------------------------------------------------------


def test_attendance_report_counts_places_and_exports_csv(page, server, transactional_db):
    from hramada.events import services
    from hramada.events.tests.factories import EventFactory
    from hramada.people import services as people_services
    from hramada.places.tests.factories import SettlementFactory

    user, org, secret = make_organiser("olga@example.org", "open-hands", "Open Hands")
    event = EventFactory(organisation=org, title="Gathering", title_en="Gathering", slug="gathering")
    towns = [SettlementFactory(name=n, name_en=n) for n in ("Hlusk", "Kruhlae", "Byalynichy")]
    names = {
        "Hanna Zhuk": 0,
        "Mikola Bury": 0,
        "Alesia Kupala": 1,
        "Pavel Hrom": 1,
        "Rygor Siniy": 2,
        "Tatsiana Leu": 2,
    }
    for name, town in names.items():
        person = people_services.create_person(actor=user, display_name=name, home_settlement=towns[town])
        registration = services.register(event=event, person=person)
        services.check_in(
            actor=user, event=event, ticket_code=registration.ticket_code, client_id=uuid.uuid4().hex
        )
    # Confirmed but absent, from a fourth place: once check-in has started, only those who came count.
    absent_town = SettlementFactory(name="Shklou", name_en="Shklou")
    absent = people_services.create_person(
        actor=user, display_name="Yanka Absent", home_settlement=absent_town
    )
    services.register(event=event, person=absent)

    problems = watch_console(page)
    login(page, server, "olga@example.org", totp_secret=secret)
    page.goto(f"{server}/en/manage/events/gathering/attendance/")
    expect(page.locator("p.lead")).to_contain_text("6 participants from 3 locations")
    expect(page.locator("main")).to_contain_text("Counted from check-ins: 6 of 7 confirmed people came.")

    with page.expect_download() as info:
        page.get_by_role("link", name="Participant list (CSV)").click()
    download = info.value
    assert re.fullmatch(r"gathering-participants-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert rows[0] == ["Name", "Settlement", "Region", "Status", "Checked in"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == set(names) | {"Yanka Absent"}
    for name, town in names.items():
        assert by_name[name][1] == towns[town].name_en
        assert by_name[name][3] == "confirmed"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", by_name[name][4]), by_name[name]
    assert by_name["Yanka Absent"][1:] == ["Shklou", by_name["Yanka Absent"][2], "confirmed", ""]
    assert problems == []


# --- 5. Belarusian pages -----------------------------------------------------------------------------


def test_belarusian_event_and_library_pages_are_clean(page, new_context, server, transactional_db):
    from hramada.events.tests.factories import (
        BookFactory,
        EventFactory,
        ReadingSlotFactory,
        SessionFactory,
        registered,
    )

    event = EventFactory(
        title="Spring Forum",
        title_en="Spring Forum",
        title_be="Веснавы форум",
        summary_be="Два дні для мясцовых лідараў.",
        slug="spring-forum",
        capacity=20,
    )
    SessionFactory(event=event, title_be="Майстар-клас па бюджэце", capacity=5, needs_signup=True)
    book = BookFactory(event=event, title_be="Вяртанне ў вёску", title_en="Back to the village")
    ReadingSlotFactory(book=book)
    reader = named_user("reader@example.org", "Ганна")
    registered(event, reader.person)

    pages = {
        "event": "/be/events/spring-forum/",
        "library": "/be/events/spring-forum/library/",
    }

    def visit_all(p, who):
        problems = watch_console(p)
        for name, path in pages.items():
            response = p.goto(f"{server}{path}")
            assert response.status == 200, (who, name, response.status)
            p.wait_for_load_state("networkidle")
            expect(p.locator("html")).to_have_attribute("lang", "be")
            if name == "event":
                expect(p.locator("h1")).to_have_text("Веснавы форум")
                expect(p.locator("#programme")).to_contain_text("Майстар-клас па бюджэце")
            else:
                expect(p.locator("li.book")).to_contain_text("Вяртанне ў вёску")
        assert problems == [], (who, problems)

    visit_all(page, "anonymous")
    participant = new_context().new_page()
    login(participant, server, "reader@example.org")
    visit_all(participant, "registered participant")
