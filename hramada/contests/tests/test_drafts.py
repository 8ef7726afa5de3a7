"""Editions start as drafts: only their organisers see them until they publish them, after checks.

The visibility matrix: a draft is absent from every public place (the contest list, the home page, its own
pages, its projects' pages and files, community pages, the vote and results pages, sponsors' pledge
list), is shown to its organisers and platform staff as a preview, and refuses new projects.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests import selectors, services, submissions
from hramada.contests.models import Edition, Stage
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory
from hramada.voting.tests.factories import VotingRulesFactory

from .factories import (
    CategoryFactory,
    ContestFactory,
    EditionFactory,
    ProjectFactory,
    StageFactory,
    open_call,
)

pytestmark = pytest.mark.django_db


def eurl(name, edition, *args):
    return reverse(f"contests:{name}", args=[edition.contest.slug, edition.public_id, *args])


def ready_draft(**kwargs) -> Edition:
    """A draft with what publishing needs: a category and an open call for projects."""
    edition = EditionFactory(published_at=None, **kwargs)
    CategoryFactory(edition=edition, title_en="We build the world", title="We build the world")
    open_call(edition)
    return edition


def manager_of(edition):
    return member_of(edition.contest.organisation, Role.MANAGER)


# --- The service ----------------------------------------------------------------------------------------


def test_a_new_edition_is_a_draft():
    contest = ContestFactory()
    edition = services.create_edition(
        actor=manager_of(EditionFactory(contest=contest)), contest=contest, year=2027, title_en="7th"
    )
    assert edition.published_at is None and not edition.is_published


def test_publishing_sets_the_moment_and_is_audited():
    edition = ready_draft()
    manager = manager_of(edition)
    now = timezone.now()
    services.publish_edition(actor=manager, edition=edition, now=now)
    edition.refresh_from_db()
    assert edition.published_at == now
    entry = AuditEntry.objects.get(action="contests.edition.published")
    assert entry.actor == manager and entry.target_id == str(edition.pk)
    assert entry.data["categories"] == 1 and entry.data["stages"] == ["call"]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.MEMBER, None])
def test_only_the_contests_organisers_publish(role):
    edition = ready_draft()
    user = member_of(edition.contest.organisation, role) if role else UserFactory()
    with pytest.raises(DomainError):
        services.publish_edition(actor=user, edition=edition)
    edition.refresh_from_db()
    assert edition.published_at is None


def test_publishing_needs_a_category():
    edition = EditionFactory(published_at=None)
    open_call(edition)
    with pytest.raises(DomainError, match="at least one category"):
        services.publish_edition(actor=manager_of(edition), edition=edition)
    assert Edition.objects.get(pk=edition.pk).published_at is None


def test_publishing_needs_a_call_for_projects():
    edition = EditionFactory(published_at=None)
    CategoryFactory(edition=edition)
    with pytest.raises(DomainError, match="call for projects stage"):
        services.publish_edition(actor=manager_of(edition), edition=edition)


def test_publishing_refuses_a_vote_that_starts_before_the_call_ends():
    edition = ready_draft()
    call = edition.stages.get(kind=Stage.Kind.CALL)
    StageFactory(edition=edition, kind=Stage.Kind.PUBLIC_VOTE, starts_at=call.ends_at - timedelta(days=1))
    with pytest.raises(DomainError, match="public vote starts before the call"):
        services.publish_edition(actor=manager_of(edition), edition=edition)


def test_an_edition_is_published_once():
    edition = ready_draft()
    manager = manager_of(edition)
    services.publish_edition(actor=manager, edition=edition)
    with pytest.raises(DomainError, match="already published"):
        services.publish_edition(actor=manager, edition=edition)
    assert AuditEntry.objects.filter(action="contests.edition.published").count() == 1


def test_checks_warn_about_a_past_call_a_missing_form_and_missing_languages():
    edition = EditionFactory(published_at=None, title_en="7th", title_be="", title_ru="Седьмой")
    CategoryFactory(edition=edition)
    StageFactory(
        edition=edition,
        kind=Stage.Kind.CALL,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=1),
    )
    problems, warnings = selectors.publication_checks(
        selectors.managed_edition(edition.contest.slug, edition.public_id)
    )
    assert problems == []
    text = " ".join(str(w) for w in warnings)
    assert "already over" in text and "no submission form" in text
    assert "“7th” has no title in Belarusian" in text


def test_teams_cannot_start_a_project_in_a_draft():
    edition = ready_draft()
    with pytest.raises(DomainError, match="not published yet"):
        submissions.create_draft(user=UserFactory(), category=edition.categories.get(), title="Bashni")
    services.publish_edition(actor=manager_of(edition), edition=edition)
    edition.refresh_from_db()
    assert submissions.create_draft(user=UserFactory(), category=edition.categories.get(), title="Bashni")


def test_a_draft_is_not_announced_when_its_vote_opens():
    edition = EditionFactory(published_at=None)
    CategoryFactory(edition=edition)
    now = timezone.now()
    StageFactory(
        edition=edition,
        kind=Stage.Kind.CALL,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=2),
    )
    VotingRulesFactory(stage__edition=edition)  # the vote opened an hour ago
    assert services.announce_open_votes() == 0
    services.publish_edition(actor=manager_of(edition), edition=edition)
    assert services.announce_open_votes() == 1


# --- Who sees a draft -----------------------------------------------------------------------------------


@pytest.fixture
def draft():
    edition = ready_draft(title_en="Secret edition", title="Secret edition")
    StageFactory(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=timezone.now() + timedelta(days=20),
        ends_at=timezone.now() + timedelta(days=30),
    )
    return edition


PUBLIC_PAGES = ["edition", "category", "start_project", "vote_results", "results"]


def public_url(page, edition):
    if page == "category":
        return eurl("category", edition, edition.categories.get().public_id)
    if page == "vote_results":
        return reverse("voting:results", args=[edition.contest.slug, edition.public_id])
    if page == "results":
        return reverse("awards:results", args=[edition.contest.slug, edition.public_id])
    return eurl(page, edition)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "expert", "member"])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_draft_is_hidden_from_the_public(client, draft, who, page):
    if page == "start_project" and who == "anonymous":
        response = client.get(public_url(page, draft))  # asks to log in first, as for any edition
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if who == "citizen":
        client.force_login(UserFactory())
    elif who != "anonymous":
        client.force_login(
            member_of(draft.contest.organisation, Role.EXPERT if who == "expert" else Role.MEMBER)
        )
    assert client.get(public_url(page, draft)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "citizen", "manager"])
def test_a_draft_is_in_no_list(client, draft, who):
    if who == "citizen":
        client.force_login(UserFactory())
    elif who == "manager":
        client.force_login(manager_of(draft))
    for url in (reverse("contests:list"), reverse("core:home")):
        page = client.get(url).content.decode()
        assert "Secret edition" not in page, url
    assert draft not in selectors.public_editions() and draft not in selectors.open_editions()


@pytest.mark.parametrize("who", ["manager", "owner", "staff"])
def test_organisers_preview_a_draft(client, draft, who):
    if who == "staff":
        client.force_login(UserFactory(is_staff=True))
    else:
        client.force_login(
            member_of(draft.contest.organisation, Role.MANAGER if who == "manager" else Role.OWNER)
        )
    for url in (public_url("edition", draft), public_url("category", draft)):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Only the organisers see this page until the edition is published." in page
        assert "Submit a project" not in page
        assert "no-store" in response["Cache-Control"]


def test_once_published_everyone_sees_it(client, draft):
    services.publish_edition(actor=manager_of(draft), edition=draft)
    response = client.get(public_url("edition", draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret edition" in page and "Only the organisers see" not in page
    assert "Submit a project" in page  # the call is open
    assert "Secret edition" in client.get(reverse("contests:list")).content.decode()
    assert "Secret edition" in client.get(reverse("core:home")).content.decode()  # its call is running


def test_projects_of_a_draft_are_nowhere_public(client):
    """Belt and braces: a draft cannot get projects (``create_draft`` refuses), and if one had any, no
    public read would show them: the project page, its cover, the community page."""
    community = CommunityFactory(is_published=True)
    edition = EditionFactory(published_at=None)
    project = ProjectFactory(
        category=CategoryFactory(edition=edition), title="Hidden project", community=community
    )
    assert selectors.public_project(project.public_id) is None
    assert client.get(reverse("contests:project", args=[project.public_id])).status_code == 404
    assert client.get(reverse("contests:cover", args=[project.public_id])).status_code == 404
    assert selectors.community_section(community) is None
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "Hidden project" not in page
    Edition.objects.filter(pk=edition.pk).update(published_at=timezone.now())
    assert selectors.public_project(project.public_id) is not None
    assert "Hidden project" in client.get(reverse("places:community", args=[community.slug])).content.decode()


def test_sponsors_cannot_pledge_to_a_draft(draft):
    from hramada.awards.selectors import open_editions_for_pledges

    published = EditionFactory()
    editions = list(open_editions_for_pledges())
    assert published in editions and draft not in editions


# --- Organiser pages ------------------------------------------------------------------------------------


def test_the_overview_says_draft_and_the_publish_page_publishes(client, draft):
    manager = login_staff(client, manager_of(draft))
    overview = client.get(eurl("edition_manage", draft)).content.decode()
    assert "Draft." in overview and eurl("edition_publish", draft) in overview
    page = client.get(eurl("edition_publish", draft)).content.decode()
    assert "Publish now" in page and "Before you can publish" not in page
    response = client.post(eurl("edition_publish", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert AuditEntry.objects.get(action="contests.edition.published").actor == manager
    assert "Draft." not in client.get(eurl("edition_manage", draft)).content.decode()


def test_the_publish_page_lists_what_is_missing_and_offers_no_button(client):
    edition = EditionFactory(published_at=None)
    login_staff(client, manager_of(edition))
    page = client.get(eurl("edition_publish", edition)).content.decode()
    assert "Before you can publish" in page and "Add at least one category" in page
    assert "Publish now" not in page
    response = client.post(eurl("edition_publish", edition), follow=True)
    assert response.status_code == 200 and "Add at least one category" in response.content.decode()
    edition.refresh_from_db()
    assert edition.published_at is None


@pytest.mark.parametrize("role", [Role.EXPERT, Role.MEMBER])
def test_only_organisers_reach_the_publish_page(client, draft, role):
    login_staff(client, member_of(draft.contest.organisation, role))
    assert client.get(eurl("edition_publish", draft)).status_code == 403
    assert client.post(eurl("edition_publish", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.published_at is None
