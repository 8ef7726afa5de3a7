"""Journey 4: a participant downloads their data, then deletes their account; afterwards they cannot
log in and their name is gone from every page where it appeared."""

import json
import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import PASSWORD, login

pytestmark = pytest.mark.e2e

NAME = "Hanna Leaving"


@pytest.fixture
def world(places):
    """Hanna: a manager of an organisation (shown in its public team), a publicly shown community
    leader, with consent history; Ivan: the organisation's owner, with TOTP."""
    from hramada.core.tests.helpers import enrol_totp
    from hramada.orgs import services as org_services
    from hramada.orgs.models import Role
    from hramada.orgs.tests.factories import MembershipFactory, OrganisationFactory
    from hramada.people import services as people_services
    from hramada.people.tests.factories import UserFactory
    from hramada.places import services as place_services
    from hramada.places.tests.factories import CommunityFactory

    hanna = UserFactory(email="hanna@example.org")
    hanna.person.display_name = NAME
    hanna.person.save()
    people_services.set_sensitive_field(
        person=hanna.person, actor=hanna, field="birth_year", value=1990, consent=True
    )
    ivan = UserFactory(email="ivan@example.org")
    org = OrganisationFactory(name="Rural Futures", name_en="Rural Futures", slug="rural-futures")
    MembershipFactory(organisation=org, person=ivan.person, role=Role.OWNER)
    membership = MembershipFactory(organisation=org, person=hanna.person, role=Role.MEMBER)
    org_services.change_role(actor=ivan, membership=membership, role=Role.MANAGER)
    community = CommunityFactory(name="Krychaw", name_en="Krychaw", slug="krychaw")
    place_services.set_leader(
        actor=ivan, community=community, person=hanna.person, role="Chair", shown_publicly=True
    )
    return {"org": org, "community": community, "ivan": ivan, "ivan_secret": enrol_totp(ivan)}


def test_download_my_data_then_delete_account(page, server, world, new_context):
    # Before: Hanna is visible on the community page; the organisation's public page names nobody.
    page.goto(f"{server}/en/communities/krychaw/")
    expect(page.locator("aside")).to_contain_text(f"{NAME} — Chair")
    page.goto(f"{server}/en/organisations/rural-futures/")
    expect(page.locator("body")).not_to_contain_text(NAME)

    login(page, server, "hanna@example.org")
    expect(page).to_have_url(f"{server}/en/me/")

    # Download my data.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"hramada-my-data-\d{8}\.json", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as fh:
        data = json.load(fh)
    assert data["format"] == "hramada-personal-data/1"
    assert data["person"]["name"] == NAME
    assert data["person"]["birth_year"] == 1990
    history = data["person"]["consent_history"]
    assert [(c["field"], c["given"]) for c in history] == [("birth_year", True)]
    assert history[0]["purpose"] and history[0]["at"]
    assert data["account"]["login_email"] == "hanna@example.org"
    assert data["memberships"][0]["organisation"] == "Rural Futures"
    assert data["community_roles"] == [{"community": "Krychaw", "role": "Chair", "shown_publicly": True}]

    # Delete the account: the wrong password and a missing tick are refused first.
    page.get_by_role("link", name="Delete my account").click()
    expect(page).to_have_url(f"{server}/en/me/delete/")
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator("main")).to_contain_text("That is not your password.")
    expect(page.locator("main")).to_contain_text("This field is required.")  # the unticked box
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label(re.compile(r"^I understand: my login is removed for good")).check()
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page).to_have_url(f"{server}/en/")
    expect(page.locator(".messages")).to_contain_text("Your account is deleted.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    # The login no longer works.
    login(page, server, "hanna@example.org")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    expect(page.locator("main")).to_contain_text("not correct")

    # The name is gone from the public pages.
    page.goto(f"{server}/en/communities/krychaw/")
    expect(page.locator("body")).not_to_contain_text(NAME)
    page.goto(f"{server}/en/organisations/rural-futures/")
    expect(page.locator("body")).not_to_contain_text(NAME)

    from hramada.people.models import Person

    person = Person.objects.get(erased_at__isnull=False)
    assert str(person) == "Former participant"
    assert person.user is None and person.email == "" and person.birth_year is None

    # The owner's view: the members page no longer lists her; the audit log keeps the change itself.
    owner = new_context().new_page()
    login(owner, server, "ivan@example.org", totp_secret=world["ivan_secret"])
    owner.goto(f"{server}/en/manage/organisations/rural-futures/members/")
    expect(owner.locator("h1")).to_contain_text("members")
    expect(owner.locator("main table")).to_contain_text(re.compile(r"ivan"))
    expect(owner.locator("main table")).not_to_contain_text(NAME)
    owner.goto(f"{server}/en/manage/organisations/rural-futures/audit/")
    expect(owner.locator("main table")).to_contain_text("orgs.member.role_changed")


def test_erased_person_is_not_named_in_the_organisation_audit_log(page, server, world):
    from hramada.people.models import User
    from hramada.people.services import erase_account

    erase_account(user=User.objects.get(email="hanna@example.org"))
    login(page, server, "ivan@example.org", totp_secret=world["ivan_secret"])
    page.goto(f"{server}/en/manage/organisations/rural-futures/audit/")
    table = page.locator("main table")
    expect(table).to_contain_text("orgs.member.role_changed")
    assert NAME not in table.inner_text()
