"""Public contest pages: the list of editions, an edition's page and a project's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.models import Project, Stage
from hramada.people.tests.factories import UserFactory
from hramada.voting import services as voting_services
from hramada.voting.models import VotingRules
from hramada.voting.tests.factories import VotingRulesFactory

from .factories import CategoryFactory, ProjectFactory, StageFactory

pytestmark = pytest.mark.django_db


def edition_url(edition):
    return reverse("contests:edition", args=[edition.contest.slug, edition.public_id])


@pytest.fixture
def vote():
    """An open public vote with live counts, and two categories."""
    return VotingRulesFactory(show_counts=VotingRules.ShowCounts.LIVE, votes_per_category=2).stage


def test_list_shows_editions_with_their_current_stage(client, vote):
    edition = vote.edition
    StageFactory(
        edition=edition,
        kind=Stage.Kind.CALL,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=10),
    )
    page = client.get(reverse("contests:list")).content.decode()
    assert edition.title in page and edition_url(edition) in page
    assert "Now: public vote" in page


def test_nav_link_and_home_section(client, vote):
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("contests:list")}"' in page
    assert vote.edition.title in page


def test_edition_page_lists_eligible_projects_stages_and_live_counts(client, vote):
    category = CategoryFactory(edition=vote.edition, title_en="We build the world")
    shown = ProjectFactory(category=category, title="Village library")
    ProjectFactory(category=category, title="Hidden draft", status=Project.Status.SUBMITTED)
    voting_services.cast_vote(user=UserFactory(), project=shown)
    response = client.get(edition_url(vote.edition))
    page = response.content.decode()
    assert response.status_code == 200
    assert "We build the world" in page and "Village library" in page and "Hidden draft" not in page
    assert 'aria-current="step"' in page  # the public vote is the current stage
    assert "<strong>1</strong> vote" in page
    assert "Log in to vote" in page  # anonymous: sees projects, must log in to vote


def test_counts_hidden_on_edition_page_while_rules_say_after(client):
    stage = VotingRulesFactory(show_counts=VotingRules.ShowCounts.AFTER).stage
    project = ProjectFactory(category=CategoryFactory(edition=stage.edition))
    voting_services.cast_vote(user=UserFactory(), project=project)
    page = client.get(edition_url(stage.edition)).content.decode()
    assert project.title in page and "<strong>1</strong> vote" not in page


def test_unknown_edition_is_404(client, vote):
    assert (
        client.get(reverse("contests:edition", args=[vote.edition.contest.slug, "NOPE"])).status_code == 404
    )


def test_project_page_has_social_meta_and_short_link(client, vote):
    project = ProjectFactory(
        category=CategoryFactory(edition=vote.edition), title="Clean river", summary="We clean the river."
    )
    response = client.get(reverse("contests:project", args=[project.public_id]))
    page = response.content.decode()
    assert '<meta property="og:title" content="Clean river">' in page
    assert '<meta property="og:description" content="We clean the river.">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert f"/projects/{project.public_id}/" in page


def test_project_page_of_a_not_eligible_project_is_404(client, vote):
    project = ProjectFactory(category=CategoryFactory(edition=vote.edition), status=Project.Status.SUBMITTED)
    assert client.get(reverse("contests:project", args=[project.public_id])).status_code == 404


def test_edition_page_query_count_does_not_grow_with_projects(client, vote, django_assert_max_num_queries):
    categories = [CategoryFactory(edition=vote.edition) for _ in range(2)]
    projects = [ProjectFactory(category=categories[i % 2]) for i in range(20)]
    user = UserFactory()
    voting_services.cast_vote(user=user, project=projects[0])
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(edition_url(vote.edition))
    assert response.content.count(b'class="card project-card"') == 20
    assert b"Withdraw my vote" in response.content


def test_edition_page_shows_the_first_projects_of_each_category_and_links_to_all(
    client, vote, django_assert_max_num_queries
):
    from hramada.contests.selectors import PREVIEW_PER_CATEGORY

    big, small = CategoryFactory(edition=vote.edition), CategoryFactory(edition=vote.edition)
    for i in range(PREVIEW_PER_CATEGORY + 3):
        ProjectFactory(category=big, title=f"Project {i:02d}")
    ProjectFactory(category=small, title="Lonely project")
    with django_assert_max_num_queries(11):
        page = client.get(edition_url(vote.edition)).content.decode()
    assert page.count('class="card project-card"') == PREVIEW_PER_CATEGORY + 1
    assert f"See all {PREVIEW_PER_CATEGORY + 3} projects in “{big.title}”" in page
    assert "Project 11" in page and "Project 12" not in page  # the first ones by title
    category_url = reverse(
        "contests:category", args=[vote.edition.contest.slug, vote.edition.public_id, big.public_id]
    )
    assert category_url in page

    second = client.get(category_url, {"page": 1}).content.decode()
    assert second.count('class="card project-card"') == PREVIEW_PER_CATEGORY + 3  # one page of 24
    found = client.get(category_url, {"q": "project 14"}).content.decode()
    assert found.count('class="card project-card"') == 1 and "Project 14" in found
    none = client.get(category_url, {"q": "nothing like it"}).content.decode()
    assert "No project title in this category contains" in none
    other_edition = CategoryFactory()
    wrong = reverse(
        "contests:category", args=[vote.edition.contest.slug, vote.edition.public_id, other_edition.public_id]
    )
    assert client.get(wrong).status_code == 404
