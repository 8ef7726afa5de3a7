"""Reach by settlement on the impact page, in Chromium on a phone: the map draws a circle per
settlement with coordinates (the outline map, no tiles), a legend, markers reachable with the keyboard
whose figures say "<5" for a small place; the table beneath lists every settlement; nothing is fetched
from anywhere but this site (the live server on 127.0.0.1) and the CSP is never violated. Without JavaScript the table
alone is there."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE, same_origin

pytestmark = pytest.mark.e2e
LOOPBACK = ("127.0.0.1", "localhost")


@pytest.fixture
def reach(places):
    from hramada.events.tests.factories import EventFactory
    from hramada.people.tests.factories import PersonFactory
    from hramada.places.models import Region
    from hramada.places.tests.factories import SettlementFactory
    from hramada.reports.tests.factories import attended, moment

    def settlement(code, name, lat=None, lng=None):
        return SettlementFactory(
            region=Region.objects.get(code=code), name=name, name_en=name, latitude=lat, longitude=lng
        )

    for place, people in [
        (settlement("BY-MA", "Mstsislau", "54.01900", "31.72600"), 12),
        (settlement("BY-BR", "Pinsk", "52.11500", "26.10300"), 3),  # "<5"
        (settlement("BY-HR", "Lida", "53.88300", "25.30200"), 7),
        (settlement("BY-MI", "Kletsk"), 6),  # no coordinates: the table only
    ]:
        event = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=place)
        for _ in range(people):
            attended(PersonFactory(), event)


def test_the_map_and_the_table_on_a_phone(browser, server, reach):
    context = browser.new_context(**PHONE, locale="en-GB")
    page = context.new_page()
    requests, violations = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{server}/en/reports/?year=2020&country=BY")
    area = page.locator("[data-reach-map]")
    area.scroll_into_view_if_needed()
    expect(area).to_be_visible()
    markers = area.locator(".reach-marker")
    expect(markers).to_have_count(3)  # Kletsk has no coordinates
    expect(area.locator("svg path").first).to_be_attached()  # the countries' outlines, drawn
    expect(page.locator("[data-reach-legend]")).to_be_visible()
    expect(page.locator("[data-reach-legend-samples] li").first).to_have_text("<5")

    # The small place's circle says "<5" and is the smallest; Tab reaches it, Enter opens its figures.
    pinsk = area.locator(".reach-marker[aria-label^='Pinsk']")
    expect(pinsk).to_have_attribute("aria-label", "Pinsk: People reached <5")
    assert (
        pinsk.bounding_box()["width"]
        < area.locator(".reach-marker[aria-label^='Mstsislau']").bounding_box()["width"]
    )
    pinsk.focus()
    page.keyboard.press("Enter")
    popup = area.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("People reached: <5")
    expect(popup).to_contain_text("Participations: <5")
    assert "3" not in popup.inner_text().replace("Pinsk", "")

    rows = page.locator("table[data-table=by_settlement] tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Kletsk")).to_contain_text("no")
    expect(rows.filter(has_text="Pinsk")).to_contain_text("<5")

    page.wait_for_load_state("networkidle")
    assert requests
    # Only this site, which is the loopback live server: nothing leaves the machine.
    assert urlsplit(server).hostname in LOOPBACK
    foreign = [url for url in requests if not same_origin(url, server)]
    assert foreign == [], foreign
    assert any(url.endswith("/en/reports/reach.geojson?year=2020&country=BY") for url in requests)
    assert violations == [], violations
    context.close()


def test_without_javascript_the_table_is_there(browser, server, reach):
    context = browser.new_context(**PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server}/en/reports/?year=2020&country=BY")
    expect(page.locator("[data-reach-map]")).to_be_hidden()
    rows = page.locator("table[data-table=by_settlement] tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Mstsislau")).to_contain_text("12")
    context.close()
