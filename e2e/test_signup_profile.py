"""Journey 1: a newcomer signs up, confirms the e-mail, fills the profile and gives, then withdraws,
consent to store a sensitive answer."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EMAIL = "olga.newcomer@example.org"
NEW_PASSWORD = "Vyasna-lipen-2026!"


def test_sign_up_confirm_profile_and_consent(page, server, places):
    from hramada.places.models import Region
    from hramada.places.tests.factories import SettlementFactory

    mogilev = Region.objects.get(code="BY-MA")
    SettlementFactory(region=mogilev, name="Mstsislaw", name_en="Mstsislaw")
    SettlementFactory(region=mogilev, name="Krychaw", name_en="Krychaw")

    # Sign up.
    page.goto(f"{server}/en/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password \*")).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/confirm-email/$"))
    expect(page.locator("h1")).to_be_visible()

    # Confirm with the link from the e-mail.
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert message.subject.startswith("[Hramada] ")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(server), f"the confirmation link points elsewhere: {link}"
    page.goto(link)
    page.locator("main form button[type=submit]").click()

    # Logged in, on the profile page.
    expect(page).to_have_url(f"{server}/en/me/")
    expect(page.locator("h1")).to_have_text("My profile")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Profile: name, home settlement through the type-ahead select, language for e-mails.
    page.get_by_label("Name shown to others").fill("Olga Navumava")
    page.get_by_label("Type to search").fill("Mstsi")
    settlement = page.locator("#id_home_settlement")
    option = settlement.locator("option", has_text="Mstsislaw")
    expect(option).to_have_count(1)
    settlement.select_option(option.get_attribute("value"))
    page.get_by_label("Language for e-mails").select_option("ru")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")
    expect(page.get_by_label("Name shown to others")).to_have_value("Olga Navumava")
    expect(settlement.locator("option:checked")).to_contain_text("Mstsislaw")
    expect(page.get_by_label("Language for e-mails")).to_have_value("ru")

    # Consent: gender is stored only with the box ticked.
    page.locator("#id_gender").select_option("woman")
    page.get_by_label("I agree that Hramada stores my gender for this purpose.").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".messages")).to_contain_text("Your choices about sensitive data are saved.")
    expect(page.locator("#id_gender")).to_have_value("woman")
    expect(page.get_by_label("I agree that Hramada stores my gender for this purpose.")).to_be_checked()

    # Withdraw: untick, save, and the answer is gone.
    page.get_by_label("I agree that Hramada stores my gender for this purpose.").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".messages")).to_contain_text("Your choices about sensitive data are saved.")
    expect(page.locator("#id_gender")).to_have_value("")
    expect(page.get_by_label("I agree that Hramada stores my gender for this purpose.")).not_to_be_checked()

    from hramada.people.models import Person

    person = Person.objects.get(user__email=EMAIL)
    assert person.display_name == "Olga Navumava"
    assert person.home_settlement.name == "Mstsislaw"
    assert person.preferred_language == "ru"
    assert person.gender == "" and person.gender_consent_at is None
    assert [(c.field, c.given) for c in person.consents.order_by("at", "id")] == [
        ("gender", True),
        ("gender", False),
    ]
