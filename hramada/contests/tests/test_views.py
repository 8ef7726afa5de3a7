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

from .factories import CategoryFactory, EditionFactory, ProjectFactory, StageFactory

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
    url = reverse("contests:edition", args=[vote.edition.contest.slug, "0" * 26])
    assert client.get(url).status_code == 404
    assert client.get(url.replace("0" * 26, "NOPE")).status_code == 404  # not even an id


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
    with django_assert_max_num_queries(13):  # 13th: the news section (core.registry.related_sections)
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


def _stage(edition, kind, days_ago_start, days_ago_end):
    now = timezone.now()
    return StageFactory(
        edition=edition,
        kind=kind,
        starts_at=now - timedelta(days=days_ago_start),
        ends_at=now - timedelta(days=days_ago_end),
    )


def finished_edition(**kwargs):
    """An edition whose stages (call, public vote, results) are all over."""
    edition = EditionFactory(**kwargs)
    _stage(edition, Stage.Kind.CALL, 90, 60)
    _stage(edition, Stage.Kind.PUBLIC_VOTE, 50, 40)
    _stage(edition, Stage.Kind.RESULTS, 30, 1)
    return edition


def test_project_page_draws_the_vote_box_only_while_the_vote_is_open(client, vote):
    open_project = ProjectFactory(category=CategoryFactory(edition=vote.edition))
    page = client.get(reverse("contests:project", args=[open_project.public_id])).content.decode()
    assert 'class="box"' in page and "Log in to vote" in page

    edition = finished_edition()
    closed_project = ProjectFactory(category=CategoryFactory(edition=edition))
    page = client.get(reverse("contests:project", args=[closed_project.public_id])).content.decode()
    assert closed_project.title in page
    assert 'class="box"' not in page and "vote-area" not in page  # no empty framed box


def test_finished_edition_says_so_on_the_list_and_its_page(client):
    edition = finished_edition()
    listing = client.get(reverse("contests:list")).content.decode()
    page = client.get(edition_url(edition)).content.decode()
    for html in (listing, page):
        assert "This contest edition is finished." in html
        assert "No stage is running now." not in html
        assert "Results are published" not in html and "The results are published." not in html


def test_between_stages_an_edition_is_not_finished(client):
    edition = EditionFactory()
    _stage(edition, Stage.Kind.CALL, 20, 10)
    StageFactory(edition=edition, starts_at=timezone.now() + timedelta(days=3))  # the vote is still to come
    page = client.get(edition_url(edition)).content.decode()
    assert "No stage is running now." in page and "finished" not in page


def test_published_results_are_linked_from_the_list_and_the_edition_page(
    client, django_assert_max_num_queries
):
    from hramada.awards.tests.factories import PublicationFactory

    editions = [finished_edition() for _ in range(3)]
    for edition in editions:
        PublicationFactory(edition=edition)
    with django_assert_max_num_queries(6):  # one query for all the editions' publications, not one each
        listing = client.get(reverse("contests:list")).content.decode()
    unpublished = finished_edition()
    for edition in editions:
        results_url = reverse("awards:results", args=[edition.contest.slug, edition.public_id])
        assert f'href="{results_url}"' in listing
        page = client.get(edition_url(edition)).content.decode()
        assert "This contest edition is finished." in page
        assert "The results are published." in page and f'href="{results_url}"' in page
    assert listing.count("Results are published") == 3
    assert reverse("awards:results", args=[unpublished.contest.slug, unpublished.public_id]) not in (
        client.get(reverse("contests:list")).content.decode()
    )


# --- The community page's section -------------------------------------------------------------------------


def test_community_page_lists_its_eligible_projects_newest_first_with_a_count(client):
    from hramada.contests.selectors import COMMUNITY_PROJECTS_SHOWN
    from hramada.places.tests.factories import CommunityFactory

    community = CommunityFactory(name="Bashni village")
    old = EditionFactory(year=2014, title="4th Social Weekend, 2014", title_ru="Четвёртый Social Weekend")
    new = EditionFactory(year=2015, title="6th Social Weekend, 2015")
    ProjectFactory(category=CategoryFactory(edition=old), community=community, title="Bashni: willpower")
    for i in range(COMMUNITY_PROJECTS_SHOWN):
        ProjectFactory(category=CategoryFactory(edition=new), community=community, title=f"Sports ground {i}")
    ProjectFactory(
        category=CategoryFactory(edition=new),
        community=community,
        title="A draft",
        status=Project.Status.DRAFT,
    )
    ProjectFactory(category=CategoryFactory(edition=new), title="Somewhere else")
    url = reverse("places:community", args=[community.slug])
    page = client.get(url).content.decode()
    assert "No events, projects or local issues" not in page
    assert "Contest projects" in page
    assert page.count('class="card project-card"') == COMMUNITY_PROJECTS_SHOWN  # the newest ones
    assert "Sports ground 0" in page and "6th Social Weekend, 2015" in page
    assert "Bashni: willpower" not in page  # the oldest, beyond the few shown
    assert f"{COMMUNITY_PROJECTS_SHOWN + 1} projects" in page
    assert "A draft" not in page and "Somewhere else" not in page
    project = community.contest_projects.get(title="Sports ground 0")
    assert reverse("contests:project", args=[project.public_id]) in page


def test_community_projects_section_in_the_visitors_language(client):
    from django.utils import translation

    from hramada.places.tests.factories import CommunityFactory

    community = CommunityFactory()
    edition = EditionFactory(title="4th Social Weekend", title_ru="Четвёртый Social Weekend")
    ProjectFactory(category=CategoryFactory(edition=edition), community=community, title="Башни")
    with translation.override("ru"):
        url = reverse("places:community", args=[community.slug])
    page = client.get(url).content.decode()
    assert "Четвёртый Social Weekend" in page and "Башни" in page


def test_community_without_projects_has_no_projects_section(client):
    from hramada.places.tests.factories import CommunityFactory

    community = CommunityFactory()
    ProjectFactory(community=community, status=Project.Status.SUBMITTED)
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "Contest projects" not in page
    assert "No events, projects or local issues" in page
