"""Journey 5: an organisation owner is sent to enrol TOTP before organiser pages, enrols it, edits the
organisation (description and logo) and finds the change in the audit log."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from e2e.helpers import login, totp_code

pytestmark = pytest.mark.e2e

DESCRIPTION = "We run leadership schools in small towns of the Mogilev region."


@pytest.fixture
def owner(places):
    from hramada.orgs.models import Role
    from hramada.orgs.tests.factories import MembershipFactory, OrganisationFactory
    from hramada.people.tests.factories import UserFactory

    user = UserFactory(email="svetlana@example.org")
    org = OrganisationFactory(
        name="Local Leaders", name_en="Local Leaders", slug="local-leaders", description_en="Old text."
    )
    MembershipFactory(organisation=org, person=user.person, role=Role.OWNER)
    return user


@pytest.fixture
def logo_png(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (200, 30, 40)).save(path, format="PNG")
    return path


def test_owner_enrols_totp_and_edits_organisation(page, server, owner, logo_png):
    login(page, server, "svetlana@example.org")

    # Organiser pages need TOTP: the owner is sent to enrol, without typing the password again
    # straight after logging in.
    page.get_by_role("link", name="Organiser").click()
    expect(page.locator(".messages")).to_contain_text("Organiser pages need two-factor authentication.")
    expect(page).to_have_url(re.compile(r"/en/accounts/2fa/totp/activate/\?next="))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    # The recovery codes, then a way on to the page the owner asked for.
    expect(page).to_have_url(re.compile(r"/en/accounts/2fa/recovery-codes/"))
    page.get_by_role("link", name="Continue").click()

    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()

    # The dashboard opens (this session passed the second factor when enrolling) and lists the organisation.
    expect(page).to_have_url(f"{server}/en/manage/")
    expect(page.locator("h1")).to_have_text("Organiser dashboard")
    card = page.locator(".card", has_text="Local Leaders")
    expect(card).to_contain_text("owner")
    card.get_by_role("link", name="Profile").click()
    expect(page).to_have_url(f"{server}/en/manage/organisations/local-leaders/")

    # Edit: the English description and a new logo.
    page.locator("#id_description_en").fill(DESCRIPTION)
    page.locator("#id_logo").set_input_files(str(logo_png))
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{server}/en/manage/organisations/local-leaders/")
    expect(page.locator(".messages")).to_contain_text("The organisation is saved.")
    expect(page.locator("#id_description_en")).to_have_value(DESCRIPTION)

    from hramada.orgs.models import Organisation

    org = Organisation.objects.get(slug="local-leaders")
    assert org.description_en == DESCRIPTION
    assert org.logo.name.startswith("logos/") and org.logo.name.endswith(".png")

    # The audit log shows who changed what.
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(f"{server}/en/manage/organisations/local-leaders/audit/")
    row = page.locator("main tbody tr", has_text="orgs.organisation.updated")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("svetlana")
    expect(row).to_contain_text("description_en")
    expect(row).to_contain_text("logo")

    # The public page shows the new description and the logo.
    page.goto(f"{server}/en/organisations/local-leaders/")
    expect(page.locator("main")).to_contain_text(DESCRIPTION)
    expect(page.get_by_role("img", name="Logo of Local Leaders")).to_have_count(1)
