"""The map of local issues in Chromium: a resident clicks the outline map to set the point of a new
issue (the fields fill in), the issue's page shows the point; nothing is fetched from another site,
no CSP violation; without JavaScript the map stays hidden and the plain fields work."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.helpers import PASSWORD, login, same_origin

pytestmark = pytest.mark.e2e


@pytest.fixture
def resident(places):
    from django.utils import timezone

    from hramada.people.tests.factories import UserFactory
    from hramada.places.models import Region
    from hramada.places.tests.factories import CommunityFactory, DistrictFactory, SettlementFactory

    region = Region.objects.get(code="BY-MA")
    settlement = SettlementFactory(
        region=region,
        district=DistrictFactory(region=region),
        name="Bashni",
        name_en="Bashni",
        latitude="53.90000",
        longitude="30.33000",
    )
    from hramada.local_issues.models import Category

    # The migration's categories are gone once an earlier browser test emptied the tables.
    Category.objects.get_or_create(code="roads", defaults={"title": "Roads", "title_en": "Roads", "order": 1})
    CommunityFactory(settlement=settlement, name="Bashni", name_en="Bashni", slug="bashni")
    return UserFactory(email="olga@example.org", date_joined=timezone.now() - timedelta(days=60))


def _roads() -> int:
    from hramada.local_issues.models import Category

    return Category.objects.get(code="roads").pk


def test_click_the_map_to_set_the_point(page, server, resident):
    requests, violations = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, server, "olga@example.org", PASSWORD)
    page.goto(f"{server}/en/issues/new/?community=bashni")
    area = page.locator("[data-issue-map]")
    expect(area).to_be_visible()
    # The outline of the countries, drawn once the boundaries file has loaded (asynchronously: wait for
    # it rather than counting the paths drawn so far).
    page.wait_for_function("document.querySelectorAll('[data-issue-map] svg path').length > 20")
    area.click()  # scrolled into view, at its centre: inside Belarus
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^5\d\.\d{6}$"))  # Belarus
    expect(page.locator("#id_longitude")).to_have_value(re.compile(r"^(2|3)\d\.\d{6}$"))
    page.locator("#id_category").select_option(value=str(_roads()))
    page.locator("#id_title").fill("Pothole at the bus stop")
    page.locator("#id_description").fill("Deep, and full of water after rain.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/en/issues/[0-9a-z]{26}/$"))
    shown = page.locator("[data-issue-map]")
    expect(shown).to_be_visible()
    expect(shown.locator("path.leaflet-interactive")).to_have_count(1)  # the issue's point
    page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if not same_origin(url, server)]
    assert foreign == [], foreign
    assert violations == [], violations


def test_without_javascript_the_fields_are_enough(browser, server, resident):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    login(page, server, "olga@example.org", PASSWORD)
    page.goto(f"{server}/en/issues/new/?community=bashni")
    expect(page.locator("[data-issue-map]")).to_be_hidden()
    page.locator("#id_category").select_option(value=str(_roads()))
    page.locator("#id_title").fill("Broken street light")
    page.locator("#id_description").fill("Dark at night near the school.")
    page.locator("#id_latitude").fill("53.901")
    page.locator("#id_longitude").fill("30.331")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/en/issues/[0-9a-z]{26}/$"))
    expect(page.locator("main")).to_contain_text("53.90100")
    context.close()
