"""Pages of the authorities' part: who may open what (a role matrix), forms (400 with the message),
escaping of answers, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.local_issues import authorities
from hramada.local_issues.models import AuthorityArea, Backing, Issue, ResolutionCheck, TimelineEntry
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory

from .factories import AuthorityAreaFactory, AuthorityFactory, IssueFactory, ModeratorFactory

pytestmark = pytest.mark.django_db


def moderator_user():
    user = UserFactory()
    ModeratorFactory(person=user.person)
    return user


def as_actor(user):
    user.two_factor_passed = True
    return user


@pytest.fixture
def world():
    """An issue forwarded to authority P (with a district area); Q is another authority."""
    issue = IssueFactory()
    p = AuthorityAreaFactory(district=issue.settlement.district).authority
    q = AuthorityFactory()
    authorities.forward_issue(actor=as_actor(moderator_user()), issue=issue, authority=p)
    issue.refresh_from_db()
    return issue, p, q


def user_for(who, client, p, q):
    """Signs the client in as ``who`` (with the second factor unless said otherwise)."""
    if who == "anonymous":
        return None
    if who == "resident":
        return login_staff(client, UserFactory())
    if who == "moderator without second factor":
        user = moderator_user()
        client.force_login(user)
        return user
    if who == "moderator":
        return login_staff(client, moderator_user())
    if who == "authority manager":
        return login_staff(client, member_of(p, Role.MANAGER))
    if who == "other authority's manager":
        return login_staff(client, member_of(q, Role.MANAGER))
    return login_staff(client, UserFactory(is_staff=True))


WHO = [
    "anonymous",
    "resident",
    "moderator without second factor",
    "moderator",
    "authority manager",
    "other authority's manager",
    "staff",
]
# Page -> expected status per role (302: sent to log in or to the second factor).
MATRIX = {
    "authority_issues": [302, 403, 302, 200, 200, 403, 200],
    "authority_answer": [302, 403, 302, 200, 200, 403, 200],
    "forward": [302, 403, 302, 200, 403, 403, 200],
    "areas": [302, 403, 302, 200, 403, 403, 200],
    "authority_areas": [302, 403, 302, 200, 403, 403, 200],
}


def page_url(name, issue, p):
    return {
        "authority_issues": reverse("local_issues:authority_issues", args=[p.slug]),
        "authority_answer": reverse("local_issues:authority_answer", args=[p.slug, issue.public_id]),
        "forward": reverse("local_issues:forward", args=[issue.public_id]),
        "areas": reverse("local_issues:areas"),
        "authority_areas": reverse("local_issues:authority_areas", args=[p.slug]),
    }[name]


@pytest.mark.parametrize("who", WHO)
def test_role_matrix(client, world, who):
    issue, p, q = world
    user_for(who, client, p, q)
    for name, statuses in MATRIX.items():
        response = client.get(page_url(name, issue, p))
        assert response.status_code == statuses[WHO.index(who)], (name, who)


@pytest.mark.parametrize("who", WHO)
def test_actions_matrix(client, world, who):
    """Forward, escalate, send a link, revoke a link: moderators (and, for links, the authority's
    managers) only; nobody else changes anything."""
    issue, p, q = world
    user_for(who, client, p, q)
    link = authorities.open_links(issue).first()
    before = (TimelineEntry.objects.count(), AuditEntry.objects.count())
    forward = client.post(reverse("local_issues:forward", args=[issue.public_id]), {"authority": q.pk})
    expected = {"moderator": 302, "staff": 302, "anonymous": 302, "moderator without second factor": 302}
    assert forward.status_code == expected.get(who, 403), who
    revoke = client.post(reverse("local_issues:revoke_link", args=[link.public_id]))
    if who in ("moderator", "staff"):
        issue.refresh_from_db()
        assert issue.authority == q  # forwarded to Q (P's link revoked by that)
    elif who == "authority manager":
        assert revoke.status_code == 302
        link.refresh_from_db()
        assert link.revoked_at is not None
    else:
        assert revoke.status_code in (302, 403)
        assert (TimelineEntry.objects.count(), AuditEntry.objects.count()) == before
        issue.refresh_from_db()
        assert issue.authority == p and issue.status == "forwarded"
        link.refresh_from_db()
        assert link.revoked_at is None


def test_forward_page_preselects_the_suggestion_and_forwards(client, world):
    issue, p, q = world
    fresh = IssueFactory(community=issue.community)
    login_staff(client, moderator_user())
    page = client.get(reverse("local_issues:forward", args=[fresh.public_id]))
    assert page.status_code == 200
    assert f'<option value="{p.pk}" selected>' in page.content.decode()
    assert f'<option value="{q.pk}">' in page.content.decode()
    response = client.post(reverse("local_issues:forward", args=[fresh.public_id]), {"authority": q.pk})
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.authority == q and fresh.status == "forwarded"


def test_forward_refusal_is_400_with_the_message(client, world):
    issue, p, _q = world
    login_staff(client, moderator_user())
    response = client.post(reverse("local_issues:forward", args=[issue.public_id]), {"authority": p.pk})
    assert response.status_code == 400
    assert "already with this authority" in response.content.decode()
    response = client.post(reverse("local_issues:forward", args=[issue.public_id]), {"authority": "x"})
    assert response.status_code == 400


def test_escalate_and_send_a_new_link(client, world):
    issue, p, _q = world
    regional = AuthorityAreaFactory(region=issue.settlement.region).authority
    login_staff(client, moderator_user())
    assert client.post(reverse("local_issues:send_link", args=[issue.public_id])).status_code == 302
    assert AuditEntry.objects.filter(action="local_issues.link.sent").count() == 1
    page = client.get(reverse("local_issues:forward", args=[issue.public_id]))
    assert regional.name in page.content.decode()
    assert client.post(reverse("local_issues:escalate", args=[issue.public_id])).status_code == 302
    issue.refresh_from_db()
    assert issue.authority == regional
    assert issue.timeline.filter(kind="escalated").exists()


def test_the_authority_answers_from_its_account(client, world):
    issue, p, _q = world
    login_staff(client, member_of(p, Role.MANAGER))
    url = reverse("local_issues:authority_answer", args=[p.slug, issue.public_id])
    listing = client.get(reverse("local_issues:authority_issues", args=[p.slug]))
    assert issue.title in listing.content.decode()
    bad = client.post(url, {"kind": "resolved", "text": ""})
    assert bad.status_code == 400 and "Say what was done" in bad.content.decode()
    when = (timezone.localdate() + timedelta(days=20)).isoformat()
    assert client.post(url, {"kind": "planned", "planned_for": when}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == "planned"
    assert TimelineEntry.objects.get(issue=issue, kind="planned").actor.person.memberships.filter(
        organisation=p
    )


def test_other_authority_cannot_open_the_issue_through_its_own_page(client, world):
    """Q's manager on Q's page cannot reach P's issue (the issue must be with the page's authority)."""
    issue, _p, q = world
    login_staff(client, member_of(q, Role.MANAGER))
    response = client.get(reverse("local_issues:authority_answer", args=[q.slug, issue.public_id]))
    assert response.status_code == 404
    response = client.post(
        reverse("local_issues:authority_answer", args=[q.slug, issue.public_id]), {"kind": "acknowledged"}
    )
    assert response.status_code == 404
    assert not issue.timeline.filter(kind="acknowledged").exists()


def test_the_reporter_name_is_shown_to_the_authority_only_with_consent(client, world):
    issue, p, _q = world
    issue.reporter.display_name = "Alena Reporter"
    issue.reporter.save()
    login_staff(client, member_of(p, Role.MANAGER))
    url = reverse("local_issues:authority_answer", args=[p.slug, issue.public_id])
    assert "Alena Reporter" not in client.get(url).content.decode()
    Issue.objects.filter(pk=issue.pk).update(name_to_authority=True)
    assert "Alena Reporter" in client.get(url).content.decode()


def test_script_in_answers_is_escaped_everywhere(client, world):
    issue, p, _q = world
    manager = member_of(p, Role.MANAGER)
    authorities.answer(
        issue=issue, authority=p, kind="declined", text="<script>alert('x')</script>", actor=as_actor(manager)
    )
    login_staff(client, manager)
    for url in (
        reverse("local_issues:authority_answer", args=[p.slug, issue.public_id]),
        reverse("local_issues:authority_issues", args=[p.slug]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert('x')" not in body
    body = client.get(
        reverse("local_issues:authority_answer", args=[p.slug, issue.public_id])
    ).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_areas_page(client, world):
    issue, p, _q = world
    login_staff(client, moderator_user())
    url = reverse("local_issues:authority_areas", args=[p.slug])
    bad = client.post(url, {"answer_days": "10"})
    assert bad.status_code == 400 and "Choose one place" in bad.content.decode()
    ok = client.post(url, {"region": issue.settlement.region_id, "answer_days": "20"})
    assert ok.status_code == 302
    area = AuthorityArea.objects.get(authority=p, region=issue.settlement.region)
    assert area.answer_days == 20
    assert client.get(reverse("local_issues:areas")).status_code == 200
    remove = client.post(reverse("local_issues:area_remove", args=[p.slug, area.pk]))
    assert remove.status_code == 302 and not AuthorityArea.objects.filter(pk=area.pk).exists()


def test_authority_list_query_count_does_not_grow(client, world):
    issue, p, _q = world
    manager = member_of(p, Role.MANAGER)
    login_staff(client, manager)
    url = reverse("local_issues:authority_issues", args=[p.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    mod = as_actor(moderator_user())
    for _ in range(8):
        authorities.forward_issue(actor=mod, issue=IssueFactory(), authority=p)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("/manage/issues/authority/") >= 9
    assert len(many) == len(few)


# --- "Is it fixed?" ----------------------------------------------------------------------------------------


@pytest.fixture
def asked(world):
    """P answered "resolved" 29 days ago and the reporter and backers were asked."""
    issue, p, _q = world
    past = timezone.now() - timedelta(days=29)
    authorities.answer(
        issue=issue,
        authority=p,
        kind="resolved",
        text="Done.",
        actor=as_actor(member_of(p, Role.MANAGER)),
        now=past,
    )
    backer = UserFactory()
    Backing.objects.create(issue=issue, person=backer.person)
    authorities.ask_if_fixed()
    issue.refresh_from_db()
    assert issue.confirmation_asked_at is not None
    return issue, backer


def test_fixed_page_for_backers_only(client, asked):
    issue, backer = asked
    url = reverse("local_issues:fixed", args=[issue.public_id])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"fixed": "no"}).status_code == 404
    client.force_login(backer)
    page = client.get(url)
    assert page.status_code == 200 and "Done." in page.content.decode()
    assert client.post(url, {"fixed": "maybe"}).status_code == 400
    assert client.post(url, {"fixed": "no"}).status_code == 302
    check = ResolutionCheck.objects.get(issue=issue)
    assert check.person == backer.person and check.fixed is False
    again = client.post(url, {"fixed": "yes"})
    assert again.status_code == 302 and ResolutionCheck.objects.count() == 1
    assert "not fixed" in client.get(url).content.decode()


def test_dashboard_sections(client, world):
    issue, p, _q = world
    waiting = IssueFactory(title="Waiting to be forwarded")
    dashboard = reverse("core:manage")
    login_staff(client, moderator_user())
    body = client.get(dashboard).content.decode()
    assert reverse("local_issues:forward", args=[waiting.public_id]) in body
    assert reverse("local_issues:forward", args=[issue.public_id]) not in body  # already with P
    assert reverse("local_issues:areas") in body
    client.logout()
    login_staff(client, member_of(p, Role.MANAGER))
    body = client.get(dashboard).content.decode()
    assert reverse("local_issues:authority_issues", args=[p.slug]) in body
    assert "1 issue waits for an answer" in body
    assert reverse("local_issues:areas") not in body
    client.logout()
    login_staff(client, UserFactory())
    body = client.get(dashboard).content.decode()
    assert reverse("local_issues:areas") not in body and p.slug not in body


def test_a_region_s_moderator_sees_the_issues_of_their_region_to_forward(client, world):
    from hramada.places.tests.factories import RegionFactory

    issue, _p, _q = world
    waiting = IssueFactory(community=issue.community)
    elsewhere = ModeratorFactory(
        person=UserFactory().person, region=RegionFactory(code="BY-BR", name="Brest")
    )
    login_staff(client, elsewhere.person.user)
    body = client.get(reverse("core:manage")).content.decode()
    assert reverse("local_issues:forward", args=[waiting.public_id]) not in body
    assert client.get(reverse("local_issues:forward", args=[waiting.public_id])).status_code == 403
    client.logout()
    here = ModeratorFactory(person=UserFactory().person, region=issue.settlement.region)
    login_staff(client, here.person.user)
    body = client.get(reverse("core:manage")).content.decode()
    assert reverse("local_issues:forward", args=[waiting.public_id]) in body
