"""On a 390 px phone the organiser's registration list fits the screen, one card per registration, in
every language; cancelling asks once; flash messages are a list inside a status region.

A visually hidden text inside a table that scrolls sideways used to stretch the whole page to 550-600 px:
it was positioned against the page, not the scrolling box.
"""

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE, login, make_organiser

pytestmark = pytest.mark.e2e


def test_registration_list_fits_a_phone_as_cards(new_context, server, transactional_db):
    from hramada.events import services
    from hramada.events.tests.factories import EventFactory
    from hramada.people.tests.factories import PersonFactory
    from hramada.places.tests.factories import SettlementFactory

    organiser, org, secret = make_organiser("alena@example.org", "oeec", "OEEC")
    event = EventFactory(organisation=org, slug="march-meetings", capacity=2)
    for name in ("Aliaksandra Bahdanava-Kavalenka", "Hanna Zhuk", "Mikalai Shcharbakou"):
        person = PersonFactory(display_name=name, email=f"{name.split()[0].lower()}@example.org")
        person.home_settlement = SettlementFactory(name="Maladzechna", name_en="Maladzechna")
        person.save()
        services.register(event=event, person=person, actor=organiser, staff_entry=True)

    page = new_context(**PHONE).new_page()
    login(page, server, "alena@example.org", totp_secret=secret)
    for language in ("be", "ru", "en"):
        page.goto(f"{server}/{language}/manage/events/march-meetings/registrations/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, language
        cards = page.locator("table.table-stack tbody tr")
        expect(cards).to_have_count(3)
        first = cards.first.bounding_box()
        assert first["x"] >= 0 and first["x"] + first["width"] <= 390, language
        # Each line keeps its label beside it: the place and its region stay in one column.
        place = cards.first.locator("td").first
        expect(place).to_have_attribute(
            "data-label", ("Адкуль", "Откуда", "From")[("be", "ru", "en").index(language)]
        )

    # Cancelling asks once (the page's script used to ask twice, and the second question, answered
    # "Cancel" by habit or by a test, silently stopped what the first "OK" allowed).
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.goto(f"{server}/en/manage/events/march-meetings/registrations/")
    page.get_by_role("button", name="Cancel registration").first.click()
    # The flash message: a list of messages inside one status region (the list keeps its list role).
    region = page.get_by_role("status").filter(has=page.locator("ul.messages"))
    expect(region).to_have_count(1)
    expect(region.get_by_role("list")).to_have_count(1)
    expect(region.get_by_role("listitem")).to_contain_text("is cancelled.")
    assert questions == ["Cancel this registration?"]
