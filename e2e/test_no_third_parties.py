"""Journey 7: public pages load nothing from other sites, and every page carries a strict CSP."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import same_origin

pytestmark = pytest.mark.e2e


@pytest.fixture
def community(places):
    from hramada.orgs.tests.factories import OrganisationFactory
    from hramada.places.tests.factories import CommunityFactory

    OrganisationFactory(name="Open Hands", name_en="Open Hands", website="https://openhands.example.org")
    return CommunityFactory(name="Hlusk", name_en="Hlusk", slug="hlusk", description_en="A town.")


def test_public_pages_request_only_this_site(page, server, community):
    requests, csp_violations = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on(
        "console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None
    )

    pages = {
        "home": "/en/",
        "communities": "/en/communities/",
        "community": "/en/communities/hlusk/",
        "login": "/en/accounts/login/",
    }
    for name, path in pages.items():
        response = page.goto(f"{server}{path}")
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("networkidle")
        csp = response.headers.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert directives.get("default-src") == ["'self'"], (name, csp)
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (name, csp)
        assert directives.get("frame-ancestors") == ["'none'"], (name, csp)

    # htmx also fetches from this site only: filter the list once.
    page.goto(f"{server}/en/communities/")
    page.get_by_label("Search by name or place").fill("Hlu")
    expect(page.locator("#results")).to_contain_text("1 community")

    assert requests, "no request was recorded"
    foreign = [url for url in requests if not same_origin(url, server)]
    assert foreign == [], f"requests to other sites: {foreign}"
    assert csp_violations == [], csp_violations


def test_members_page_has_no_csp_violations(page, server, places):
    from e2e.helpers import login
    from hramada.core.tests.helpers import enrol_totp
    from hramada.orgs import services as org_services
    from hramada.orgs.models import Role
    from hramada.orgs.tests.factories import MembershipFactory, OrganisationFactory
    from hramada.people.tests.factories import UserFactory

    owner = UserFactory(email="owner@example.org")
    org = OrganisationFactory(slug="open-hands")
    MembershipFactory(organisation=org, person=owner.person, role=Role.OWNER)
    org_services.invite_member(actor=owner, organisation=org, email="newcomer@example.org")
    secret = enrol_totp(owner)

    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, server, "owner@example.org", totp_secret=secret)
    page.goto(f"{server}/en/manage/organisations/open-hands/members/")
    expect(page.locator("main")).to_contain_text("newcomer@example.org")
    page.wait_for_load_state("networkidle")
    assert violations == []
