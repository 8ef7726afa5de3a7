"""Journey 3: browse communities, filter by region (with and without JavaScript), open one, and see
only the leaders who agreed to be shown."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def communities(places):
    from hramada.people.tests.factories import PersonFactory
    from hramada.places import services
    from hramada.places.models import Region
    from hramada.places.tests.factories import CommunityFactory

    mogilev, brest = Region.objects.get(code="BY-MA"), Region.objects.get(code="BY-BR")
    mstislavl = CommunityFactory(
        name="Mstislavl Together", name_en="Mstislavl Together", slug="mstislavl", settlement__region=mogilev
    )
    CommunityFactory(
        name="Pinsk Riverside", name_en="Pinsk Riverside", slug="pinsk", settlement__region=brest
    )
    shown = PersonFactory(display_name="Alena Shown")
    hidden = PersonFactory(display_name="Pavel Private")
    services.set_leader(
        actor=None, community=mstislavl, person=shown, role="Coordinator", shown_publicly=True
    )
    services.set_leader(
        actor=None, community=mstislavl, person=hidden, role="Treasurer", shown_publicly=False
    )
    return mstislavl


def card_titles(page):
    return [t.strip() for t in page.locator("#results .card h2").all_inner_texts()]


def test_filter_by_region_open_community_and_leaders(page, server, communities, new_context):
    # With JavaScript: changing the region refreshes the results through htmx, without a page load.
    page.goto(f"{server}/en/communities/")
    expect(page.locator("h1")).to_have_text("Communities")
    expect(page.locator("#results")).to_contain_text("2 communities")
    assert card_titles(page) == ["Mstislavl Together", "Pinsk Riverside"]
    expect(page.get_by_role("button", name="Filter")).to_be_hidden()  # htmx does the filtering
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Region").select_option("BY-MA")
    expect(page.locator("#results")).to_contain_text("1 community")
    assert card_titles(page) == ["Mstislavl Together"]
    expect(page).to_have_url(re.compile(r"[?&]region=BY-MA\b"))  # the filtered list can be bookmarked
    assert page.evaluate("window.__sameDocument") is True, "the filter reloaded the whole page"

    # Without JavaScript: the same form works as a plain GET with its submit button.
    no_js = new_context(java_script_enabled=False).new_page()
    no_js.goto(f"{server}/en/communities/")
    no_js.get_by_label("Region").select_option("BY-BR")
    filter_button = no_js.get_by_role("button", name="Filter")
    expect(filter_button).to_be_visible()
    filter_button.click()
    expect(no_js).to_have_url(re.compile(r"/en/communities/\?.*region=BY-BR"))
    expect(no_js.locator("#results")).to_contain_text("1 community")
    assert card_titles(no_js) == ["Pinsk Riverside"]
    expect(no_js.get_by_label("Region")).to_have_value("BY-BR")

    # Open the community page from the filtered list.
    page.get_by_role("link", name="Mstislavl Together").click()
    expect(page).to_have_url(f"{server}/en/communities/mstislavl/")
    expect(page.locator("h1")).to_have_text("Mstislavl Together")
    leaders = page.locator("aside")
    expect(leaders.get_by_role("heading", name="Leaders")).to_be_visible()
    expect(leaders).to_contain_text("Alena Shown — Coordinator")
    expect(page.locator("body")).not_to_contain_text("Pavel Private")
    expect(page.locator("body")).not_to_contain_text("Treasurer")
