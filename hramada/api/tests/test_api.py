"""The public API: reads (drafts and hidden things never appear), pagination, ETags, problem details,
tokens (scopes, revocation, rate limits, organisation tokens) and the actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.api import services
from hramada.api.models import ApiToken
from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, EditionFactory, ProjectFactory
from hramada.core.models import AuditEntry
from hramada.events.models import Event, Registration
from hramada.events.tests.factories import EventFactory
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting.models import Vote
from hramada.voting.tests.factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user=None, scopes=("read",), organisation=None, actor=None):
    user = user or UserFactory()
    _token, raw = services.create_token(
        actor=actor or user, name="script", scopes=list(scopes), organisation=organisation
    )
    return raw


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    return body


@pytest.fixture
def vote():
    stage = VotingRulesFactory().stage
    category = CategoryFactory(edition=stage.edition)
    projects = [ProjectFactory(category=category, title=f"Project {n}") for n in range(3)]
    return stage, projects


def test_projects_list_hides_drafts_and_screened_out(client, vote):
    stage, projects = vote
    ProjectFactory(category=projects[0].category, status=Project.Status.DRAFT, title="Draft one")
    response = client.get(f"/api/editions/{stage.edition.public_id}/projects")
    assert response.status_code == 200
    assert {p["id"] for p in response.json()["items"]} == {p.public_id for p in projects}
    assert all("pk" not in p and isinstance(p["id"], str) for p in response.json()["items"])


def test_draft_edition_is_not_found(client):
    draft = EditionFactory(published_at=None)
    assert_problem(client.get(f"/api/editions/{draft.public_id}"), 404)
    assert_problem(client.get(f"/api/editions/{draft.public_id}/projects"), 404)
    assert draft.public_id not in client.get("/api/editions").content.decode()


def test_draft_event_and_hidden_organisation_never_appear(client):
    draft = EventFactory(status=Event.Status.DRAFT, title="Secret draft")
    shown = EventFactory(title="Open day")
    hidden = OrganisationFactory(is_public=False)
    listed = client.get("/api/events").json()["items"]
    assert [e["id"] for e in listed] == [shown.public_id]
    assert_problem(client.get(f"/api/events/{draft.public_id}"), 404)
    assert_problem(client.get(f"/api/organisations/{hidden.public_id}"), 404)
    assert client.get(f"/api/events/{shown.public_id}").json()["sessions"] == []


def test_events_filter_by_date(client):
    soon = EventFactory(starts_at=timezone.now() + timedelta(days=2))
    EventFactory(starts_at=timezone.now() + timedelta(days=60))
    day = (timezone.now() + timedelta(days=10)).date().isoformat()
    items = client.get(f"/api/events?starts_before={day}").json()["items"]
    assert [e["id"] for e in items] == [soon.public_id]
    assert_problem(client.get("/api/events?starts_before=yesterday"), 422)


def test_cursor_pagination_is_stable(client):
    orgs = [OrganisationFactory() for _ in range(5)]
    first = client.get("/api/organisations?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    # An organisation created between two pages does not shift the next page.
    OrganisationFactory()
    second = client.get(f"/api/organisations?limit=2&cursor={first['next_cursor']}").json()
    ids = [o["id"] for o in first["items"] + second["items"]]
    assert ids == sorted(o.public_id for o in orgs)[:4]
    assert_problem(client.get("/api/organisations?cursor=not-a-cursor"), 400)


def test_etag_and_304(client):
    OrganisationFactory()
    response = client.get("/api/organisations")
    assert response["Cache-Control"] == "public, max-age=60"
    etag = response["ETag"]
    again = client.get("/api/organisations", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    OrganisationFactory()
    assert client.get("/api/organisations", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_accept_language_picks_the_translation(client):
    org = OrganisationFactory(name_be="Суполка", name_en="Society", name_ru="Общество")
    body = client.get(f"/api/organisations/{org.public_id}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert body.json()["name"] == "Society" and body["Content-Language"] == "en"
    assert (
        client.get(f"/api/organisations/{org.public_id}", HTTP_ACCEPT_LANGUAGE="ru").json()["name"]
        == "Общество"
    )


def test_problem_details_for_unknown_token_and_bad_id(client):
    assert_problem(client.get("/api/me"), 401)
    body = assert_problem(client.get("/api/me", HTTP_ACCEPT_LANGUAGE="en", **bearer("hrm_nope")), 401)
    assert "revoked" in body["detail"]
    assert_problem(client.get("/api/projects/%00bad"), 404)


def test_read_token_is_refused_a_vote(client, vote):
    _stage, projects = vote
    raw = token(scopes=["read"])
    body = assert_problem(
        client.post(
            f"/api/projects/{projects[0].public_id}/vote", {}, content_type="application/json", **bearer(raw)
        ),
        403,
    )
    assert body["type"].endswith("insufficient-scope")
    assert not Vote.objects.exists()


def test_vote_and_withdraw_with_a_token(client, vote, settings):
    settings.VOTING_POW_REQUIRED = True
    from hramada.voting import antifraud

    stage, projects = vote
    raw = token(scopes=["read", "vote"])
    target = projects[0].public_id
    challenge = client.get(f"/api/projects/{target}/challenge", **bearer(raw)).json()
    # Without the proof of work the vote is refused, with the site's message.
    refused = assert_problem(
        client.post(f"/api/projects/{target}/vote", {}, content_type="application/json", **bearer(raw)), 422
    )
    assert refused["detail"]
    solved = antifraud.solve({"parameters": challenge["parameters"], "signature": challenge["signature"]})
    response = client.post(
        f"/api/projects/{target}/vote", {"altcha": solved}, content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 201, response.content
    assert response.json()["receipt"]
    assert Vote.objects.filter(project=projects[0], withdrawn_at__isnull=True).count() == 1
    # The same solution again is a replay.
    assert_problem(
        client.post(
            f"/api/projects/{target}/vote", {"altcha": solved}, content_type="application/json", **bearer(raw)
        ),
        422,
    )
    withdrawn = client.delete(f"/api/projects/{target}/vote", **bearer(raw))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    assert not Vote.objects.filter(withdrawn_at__isnull=True).exists()


def test_organisation_token_cannot_vote_and_exports_only_its_own(client):
    owner = UserFactory()
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=owner.person, role=Role.OWNER)
    raw = token(user=owner, scopes=["read", "exports"], organisation=org)
    mine = EventFactory(organisation=org)
    other = EventFactory()
    response = client.get(f"/api/events/{mine.public_id}/attendance.csv", **bearer(raw))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_problem(client.get(f"/api/events/{other.public_id}/attendance.csv", **bearer(raw)), 404)
    assert AuditEntry.objects.filter(action="api.event.attendance_exported").count() == 1


def test_only_owners_create_organisation_tokens():
    manager = UserFactory()
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=manager.person, role=Role.MANAGER)
    from hramada.core.errors import DomainError

    with pytest.raises(DomainError):
        services.create_token(actor=manager, name="x", scopes=["read"], organisation=org)


def test_register_and_cancel(client):
    event = EventFactory()
    raw = token(scopes=["register"])
    response = client.post(f"/api/events/{event.public_id}/registration", **bearer(raw))
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    assert_problem(client.post(f"/api/events/{event.public_id}/registration", **bearer(raw)), 422)
    cancelled = client.delete(f"/api/events/{event.public_id}/registration", **bearer(raw))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get().status == "cancelled"
    assert AuditEntry.objects.filter(action__startswith="api.event.").count() == 2


def test_revoked_and_expired_tokens_stop_working(client):
    user = UserFactory()
    raw = token(user=user)
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    found = ApiToken.objects.get(user=user)
    assert found.last_used_at is not None and found.secret_hash != raw and raw.startswith(found.prefix)
    services.revoke_token(actor=user, token=found)
    assert_problem(client.get("/api/me", **bearer(raw)), 401)
    raw2 = token(user=user)
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(client.get("/api/me", **bearer(raw2)), 401)
    assert AuditEntry.objects.filter(action="api.token.created").count() == 2
    assert AuditEntry.objects.filter(action="api.token.revoked").count() == 1


def test_rate_limit_per_token(client, settings, time_machine):
    time_machine.move_to("2026-05-01 12:00:10", tick=False)  # one fixed window, whenever the test runs
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    raw = token()
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    response = client.get("/api/me", **bearer(raw))
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert client.get("/api/me", **bearer(token())).status_code == 200  # another token has its own


def test_anonymous_reads_are_limited_per_address(client, settings, time_machine):
    time_machine.move_to("2026-05-01 12:00:10", tick=False)
    settings.API_ANONYMOUS_RATE_LIMIT_PER_MINUTE = 2
    assert client.get("/api/organisations").status_code == 200
    assert client.get("/api/news", REMOTE_ADDR="127.0.0.1").status_code == 200
    response = client.get("/api/organisations", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 429)
    assert response["Retry-After"] == "50" and "address" in body["detail"]
    # Another address has its own count, and so does a reader with a token (the token's limit).
    assert client.get("/api/organisations", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/api/organisations", **bearer(token())).status_code == 200
    # The next minute starts a new count.
    time_machine.move_to("2026-05-01 12:01:00", tick=False)
    assert client.get("/api/organisations").status_code == 200


def test_addresses_are_kept_hashed():
    key = services.address_key("192.0.2.7")
    assert "192.0.2" not in key and len(key) == 64
    # One IPv6 household (a /64) is one address; another /64 is another.
    assert services.address_key("2001:db8::1") == services.address_key("2001:db8::ffff")
    assert services.address_key("2001:db8::1") != services.address_key("2001:db8:0:1::1")
    assert services.address_key("not an address") == ""


def test_unknown_paths_and_wrong_methods_are_problem_documents(client):
    for path in ("/api/", "/api/nothing-here", "/api/events/01J0000000000000000000000/extra"):
        body = assert_problem(client.get(path, HTTP_ACCEPT_LANGUAGE="en"), 404)
        assert body["instance"] == path and "/api/docs" in body["detail"]
    response = client.delete("/api/organisations", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 405)
    assert response["Allow"] == "GET" and body["type"].endswith("method-not-allowed")
    assert_problem(client.post("/api/news", {}), 405)
    # Outside /api/ the site's HTML 404 stays.
    page = client.get("/en/nothing-here/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_token_pages_show_the_secret_once_and_revoke(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("api:tokens"), {"name": "my script", "scopes": ["read", "vote"]})
    assert (
        response.status_code == 200
        and response["Cache-Control"].startswith("no-store")
        or "no-store" in response["Cache-Control"]
    )
    found = ApiToken.objects.get(user=user)
    secret = response.context["created"]["secret"]
    assert secret.startswith(found.prefix) and secret in response.content.decode()
    assert secret not in client.get(reverse("api:tokens")).content.decode()
    client.post(reverse("api:revoke", args=[found.public_id]))
    found.refresh_from_db()
    assert found.revoked_at is not None


def test_other_people_cannot_revoke_or_open_org_tokens(client):
    owner, stranger = UserFactory(), UserFactory()
    found = ApiToken.objects.get(
        pk=ApiToken.objects.none().count()
        or services.create_token(actor=owner, name="x", scopes=["read"])[0].pk
    )
    client.force_login(stranger)
    assert client.post(reverse("api:revoke", args=[found.public_id])).status_code == 404
    org = OrganisationFactory()
    assert client.get(reverse("api:org_tokens", args=[org.slug])).status_code in (302, 403)


def test_results_show_rules_fingerprint(client, vote):
    stage, _projects = vote
    body = client.get(f"/api/editions/{stage.edition.public_id}/results").json()
    assert len(body["fingerprint"]) == 64 and body["rules"]["stage"] == stage.public_id
    assert body["counts_visible"] is False and body["projects"] == []


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
    assert "<script>" not in html  # the page's scripts are files, as the CSP requires
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1") and "/api/editions/{edition_id}/projects" in schema["paths"]
