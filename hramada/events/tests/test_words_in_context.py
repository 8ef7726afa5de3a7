"""The same English word in two roles is two messages (a context tells them apart), so Belarusian and
Russian say each one right: the event's organiser ("Арганізатар") is not the menu link to the organiser
pages ("Арганізатару", "for the organiser"), and the Human Library's button signs up for a reading
("Запісацца", as the rest of the page says) instead of naming a book ("Кніга").

The pages are rendered in be and ru and their words are checked as a reader sees them.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory

from .factories import EventFactory, ReadingSlotFactory, SessionFactory, registered

pytestmark = pytest.mark.django_db

# (be, ru) as a reader expects them
ORGANISER_OF_EVENT = ("Арганізатар", "Организатор")
ORGANISER_MENU = ("Арганізатару", "Организатору")
BOOK_BUTTON = ("Запісацца", "Записаться")  # as the page says: "запішыцеся на размову"
BOOK_NOUN = ("Кніга", "Книга")
SIGN_UP_FOR_SESSION = ("Запісацца", "Записаться")
REGISTER_ONESELF = ("Зарэгістравацца", "Зарегистрироваться")
CANCEL_BOOKING = ("Адмяніць", "Отменить")


def words(html: str) -> str:
    """The text a reader sees, tags stripped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def get(client, language, name, *args) -> str:
    with translation.override(language):
        url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def event():
    organisation = OrganisationFactory(name="OEEC", name_en="OEEC", name_be="OEEC", name_ru="OEEC")
    return EventFactory(organisation=organisation, capacity=100)


@pytest.mark.parametrize(("language", "i"), [("be", 0), ("ru", 1)])
def test_the_event_page_names_its_organiser_and_the_header_links_the_organiser_pages(
    client, event, language, i
):
    manager = member_of(event.organisation, Role.MANAGER)
    client.force_login(manager)
    html = get(client, language, "events:detail", event.slug)
    main = words(html.split('<main id="main"', 1)[1])
    assert f"{ORGANISER_OF_EVENT[i]} OEEC" in main
    assert ORGANISER_MENU[i] not in main
    with translation.override(language):
        manage = reverse("core:manage")
    assert f'<a href="{manage}">{ORGANISER_MENU[i]}</a>' in html


@pytest.mark.parametrize(("language", "i"), [("be", 0), ("ru", 1)])
def test_the_register_button_registers_oneself(client, event, language, i):
    client.force_login(UserFactory())
    html = get(client, language, "events:detail", event.slug)
    assert re.search(rf"<button[^>]*>\s*{REGISTER_ONESELF[i]}\s*</button>", html)


@pytest.mark.parametrize(("language", "i"), [("be", 0), ("ru", 1)])
def test_the_session_button_takes_a_seat(client, event, language, i):
    user = UserFactory()
    registered(event, user.person)
    SessionFactory(event=event, needs_signup=True, capacity=30)
    client.force_login(user)
    html = get(client, language, "events:detail", event.slug)
    assert re.search(rf"<button[^>]*>{SIGN_UP_FOR_SESSION[i]}<span", html)


@pytest.mark.parametrize(("language", "i"), [("be", 0), ("ru", 1)])
def test_the_human_library_books_a_reading_and_names_the_book(client, event, language, i):
    from hramada.events import services

    user = UserFactory()
    registered(event, user.person)
    booked = ReadingSlotFactory(book__event=event, capacity=3)
    ReadingSlotFactory(book__event=event, capacity=3)  # still free to book
    services.book_slot(slot=booked, reader=user.person)
    client.force_login(user)

    library = get(client, language, "events:human_library", event.slug)
    assert re.search(rf"<button type=\"submit\">{BOOK_BUTTON[i]}<span", library)
    assert not re.search(rf"<button type=\"submit\">{BOOK_NOUN[i]}<span", library)
    assert re.search(rf"<button type=\"submit\" class=\"secondary small\">{CANCEL_BOOKING[i]}<span", library)

    my = get(client, language, "events:my_programme", event.slug)
    assert re.search(rf"<th scope=\"col\">{BOOK_NOUN[i]}</th>", my)  # the column of the book's titles
    assert re.search(rf"<button type=\"submit\" class=\"secondary small\">{CANCEL_BOOKING[i]}<span", my)
