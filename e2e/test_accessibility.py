"""Journey 8: accessibility basics on the main public pages: labelled controls, one <h1>, a language
on <html>, and a "Skip to content" link that is the first thing the keyboard reaches."""

import pytest

from e2e.helpers import EMPTY_DESCRIPTIONS_JS, UNLABELLED_CONTROLS_JS

pytestmark = pytest.mark.e2e

PAGES = {
    "home": "/en/",
    "communities": "/en/communities/",
    "community": "/en/communities/smilavichy/",
    "organisations": "/en/organisations/",
    "organisation": "/en/organisations/open-hands/",
    "login": "/en/accounts/login/",
    "signup": "/en/accounts/signup/",
    "password reset": "/en/accounts/password/reset/",
    "privacy": "/en/privacy/",
}


@pytest.fixture
def content(places):
    from hramada.orgs.tests.factories import OrganisationFactory
    from hramada.places.tests.factories import CommunityFactory

    OrganisationFactory(name="Open Hands", name_en="Open Hands", slug="open-hands")
    CommunityFactory(name="Smilavichy", name_en="Smilavichy", slug="smilavichy")


def check_page(page) -> list[str]:
    problems = []
    unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
    if unlabelled:
        problems.append(f"controls without a label: {unlabelled}")
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{h1_count} <h1> elements")
    if not (page.locator("html").get_attribute("lang") or "").strip():
        problems.append("<html> has no lang")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({cls: document.activeElement.className, text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    if first != {"cls": "skip", "text": "Skip to content", "href": "#main"}:
        problems.append(f"first focusable element is {first}")
    else:
        # Following the link moves the focus to the main content.
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.id") != "main":
            problems.append("the skip link does not move focus to <main>")
    return problems


def test_public_pages_accessibility_basics(page, server, content):
    report = {}
    for name, path in PAGES.items():
        response = page.goto(f"{server}{path}")
        assert response.status == 200, (name, response.status)
        if problems := check_page(page):
            report[name] = problems
    assert report == {}


def test_profile_page_accessibility_basics(page, server, places):
    """The profile form has the type-ahead settlement picker and the consent checkboxes."""
    from e2e.helpers import login
    from hramada.people.tests.factories import UserFactory

    UserFactory(email="reader@example.org")
    login(page, server, "reader@example.org")
    assert page.url == f"{server}/en/me/"
    assert check_page(page) == []


def test_signup_field_descriptions_are_not_empty(page, server):
    page.goto(f"{server}/en/accounts/signup/")
    assert page.evaluate(EMPTY_DESCRIPTIONS_JS) == []
