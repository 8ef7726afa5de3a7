"""Journey 6: on a phone (390×844) the public pages do not scroll sideways and the menu is reachable."""

import os
import tempfile

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.helpers import PHONE

pytestmark = pytest.mark.e2e

# Screenshots for a human to look at; never inside the repository.
SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "hramada-e2e"))

NO_SIDEWAYS_SCROLL_JS = """
() => ({
  scrollWidth: document.scrollingElement.scrollWidth,
  innerWidth: window.innerWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")),
})
"""


def assert_no_sideways_scroll(page):
    m = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
    assert m["scrollWidth"] <= m["innerWidth"], f"{page.url} scrolls sideways: {m}"


def test_phone_layout_home_and_community(new_context, server, places):
    from hramada.places.models import Community

    call_command("load_demo", verbosity=0)
    # The richest community of the demo: the one with the most text.
    community = max(Community.objects.filter(is_published=True), key=lambda c: len(c.description or ""))

    page = new_context(**PHONE).new_page()
    page.set_default_timeout(10_000)
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)

    page.goto(f"{server}/en/")
    expect(page.locator("h1")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/phone-home.png", full_page=True)

    # The main menu is folded behind "Menu", so the page starts near the top of the screen; one tap
    # opens it, and its links are on screen and usable with a tap.
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name="Communities")
    menu = page.get_by_role("button", name="Menu")
    expect(link).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 844 / 6, f"the folded header takes {header['height']} px of the screen"
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(link).to_be_in_viewport()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    expect(page.locator("#lang-select")).to_be_in_viewport()
    link.tap()
    expect(page).to_have_url(f"{server}/en/communities/")
    assert_no_sideways_scroll(page)

    page.goto(f"{server}/en/communities/{community.slug}/")
    expect(page.locator("h1")).to_have_text(community.name)
    assert_no_sideways_scroll(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/phone-community.png", full_page=True)
    menu = page.get_by_role("button", name="Menu")
    menu.tap()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations")
    ).to_be_visible()
    menu.tap()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations")
    ).to_be_hidden()


CHART_TEXT_JS = """
() => [...document.querySelectorAll("svg.chart text")].map((t) => t.getBoundingClientRect().height)
"""


def test_phone_report_charts_are_readable(new_context, server, places):
    """The impact page's bar charts are scaled to the phone's width; their labels and values must stay
    readable (they were 5 px high when the labels stood beside 640-unit-wide bars)."""
    call_command("load_demo", verbosity=0)
    page = new_context(**PHONE).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/ru/reports/?year=2016")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_no_sideways_scroll(page)
    heights = page.evaluate(CHART_TEXT_JS)
    assert len(heights) >= 8, heights
    assert min(heights) >= 11, f"chart text {min(heights):.1f} px high on a 390 px phone"
    page.screenshot(path=f"{SCREENSHOT_DIR}/phone-report.png", full_page=True)


@pytest.mark.parametrize(
    "context",
    [{"viewport": {"width": 1280, "height": 800}}, {**PHONE, "java_script_enabled": False}],
    ids=["wide screen", "phone without JavaScript"],
)
def test_main_menu_open_without_a_toggle(new_context, server, places, context):
    """The menu folds only on a phone with site.js running: on a wide screen, or with JavaScript off,
    every link is there and no "Menu" button is."""
    page = new_context(**context).new_page()
    page.goto(f"{server}/en/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
