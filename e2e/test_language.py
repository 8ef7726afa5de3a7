"""Journey 2: the header's language selector switches the site to Belarusian and to Russian."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Django's own translations of its password rules (shown on the sign-up page): stable, unlike the
# project's catalogues, which are being written.
NUMERIC_RULE = {
    "en": "Your password can’t be entirely numeric.",
    "be": "Ваш пароль ня можа быць цалкам лікавым.",
    "ru": "Пароль не может состоять только из цифр.",
}


def test_language_selector_switches_prefix_and_language(page, server):
    page.goto(f"{server}/en/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text(NUMERIC_RULE["en"])
    selector = page.locator("#lang-select")
    expect(selector).to_have_value("en")

    for code in ("be", "ru"):
        selector.select_option(code)  # site.js submits the form on change
        expect(page).to_have_url(f"{server}/{code}/accounts/signup/")
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(selector).to_have_value(code)
        expect(page.locator("main")).to_contain_text(NUMERIC_RULE[code])
        expect(page.locator("main")).not_to_contain_text(NUMERIC_RULE["en"])
        # The nav keeps its links, now under the new prefix.
        expect(page.locator(f"header nav a[href='/{code}/communities/']")).to_be_visible()

    # The choice is remembered: the bare address opens in Russian.
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/ru/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    # And back to English from a page with a query string: the query survives the switch.
    page.goto(f"{server}/ru/communities/?q=abc")
    page.locator("#lang-select").or_(page.locator("#lang-select")).first.select_option("en")
    expect(page).to_have_url(f"{server}/en/communities/?q=abc")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_language_names_are_shown_in_their_own_language(page, server):
    for code in ("en", "be", "ru"):
        page.goto(f"{server}/{code}/")
        options = page.locator("#lang-select option").all_inner_texts()
        assert [o.strip() for o in options] == ["Беларуская", "Русский", "English"], (code, options)
