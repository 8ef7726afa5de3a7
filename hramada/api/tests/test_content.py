"""Public reads of news, programmes, initiatives, local issues and indicators: only what the apps'
public pages show (drafts, hidden, waiting and merged things never appear; no applicant, reporter or
small group can be picked out), with public ids, cursors and ETags like the other reads."""

import pytest
from django.utils import timezone

from hramada.events.tests.factories import EventFactory
from hramada.initiatives.tests.factories import BudgetLineFactory, InitiativeFactory
from hramada.local_issues.tests.factories import AuthorityFactory, IssueFactory, TimelineEntryFactory
from hramada.news.tests.factories import PostFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CommunityFactory
from hramada.programmes.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    PartnerFactory,
    ProgrammeFactory,
)
from hramada.reports.tests.factories import attended

from .test_api import assert_problem

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- News -----------------------------------------------------------------------------------------------


def test_news_detail_in_the_readers_language_with_what_it_is_about(client):
    event = EventFactory(title="Open day")
    draft_event = EventFactory(title="Secret", status="draft")
    hidden_issue = IssueFactory(hidden_at=timezone.now())
    post = PostFactory(title_ru="Новости", excerpt_ru="Коротко", body_ru="Весь **текст**")
    post.events.add(event, draft_event)
    post.issues.add(hidden_issue)
    body = client.get(f"/api/news/{post.public_id}", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["title"] == "Новости" and body["language"] == "ru"
    assert "<strong>текст</strong>" in body["body_html"]
    assert body["about"] == [
        {"kind": "event", "id": event.public_id, "title": "Open day", "url": f"/ru/events/{event.slug}/"}
    ]
    # Belarusian is not written: the nearest language is shown, and said so.
    assert client.get(f"/api/news/{post.public_id}", HTTP_ACCEPT_LANGUAGE="be").json()["language"] == "ru"


def test_news_drafts_and_scheduled_posts_never_appear(client):
    shown = PostFactory()
    draft = PostFactory(published_at=None)
    assert ids(client.get("/api/news")) == [shown.public_id]
    assert_problem(client.get(f"/api/news/{draft.public_id}"), 404)


def test_news_filters(client):
    community = CommunityFactory()
    about = PostFactory()
    about.communities.add(community)
    PostFactory()
    assert ids(client.get(f"/api/news?community={community.public_id}")) == [about.public_id]
    assert ids(client.get("/api/news?tag=no-such-tag")) == []
    assert_problem(client.get("/api/news?organisation=1"), 404)


# --- Programmes -----------------------------------------------------------------------------------------


def test_programme_shows_published_cohorts_and_no_applicant(client):
    programme = ProgrammeFactory(title="Leadership")
    ProgrammeFactory(published_at=None)
    partner = PartnerFactory(programme=programme)
    cohort = CohortFactory(programme=programme)
    CohortFactory(programme=programme, published_at=None, title="Draft cohort")
    applicant = PersonFactory(display_name="Alesia Applicant")
    ApplicationFactory(cohort=cohort, person=applicant, partner=partner)
    assert ids(client.get("/api/programmes")) == [programme.public_id]
    response = client.get(f"/api/programmes/{programme.public_id}")
    body = response.json()
    assert [c["id"] for c in body["cohorts"]] == [cohort.public_id]
    assert body["partners"][0]["organisation"] == partner.organisation.public_id
    assert "Alesia" not in response.content.decode() and applicant.public_id not in response.content.decode()


# --- Initiatives ----------------------------------------------------------------------------------------


def test_initiatives_published_only_with_budget_and_reach(client):
    shown = InitiativeFactory()
    draft = InitiativeFactory(published_at=None)
    BudgetLineFactory(initiative=shown, planned="350")
    assert ids(client.get("/api/initiatives")) == [shown.public_id]
    assert_problem(client.get(f"/api/initiatives/{draft.public_id}"), 404)
    body = client.get(f"/api/initiatives/{shown.public_id}").json()
    assert body["budget"][0]["planned"] == "350.00" and body["people_reached"]["attended"] == 0
    assert ids(client.get(f"/api/initiatives?community={shown.community.public_id}")) == [shown.public_id]
    assert ids(client.get("/api/initiatives?region=XX-00")) == []


# --- Local issues ---------------------------------------------------------------------------------------


def test_issues_never_hidden_waiting_or_merged_and_no_reporter(client):
    reporter = PersonFactory(display_name="Ryhor Reporter")
    shown = IssueFactory(reporter=reporter, show_name=True)
    IssueFactory(hidden_at=timezone.now())
    IssueFactory(published_at=None, status="waiting")
    IssueFactory(status="merged", merged_into=shown)
    response = client.get("/api/issues")
    assert ids(response) == [shown.public_id]
    detail = client.get(f"/api/issues/{shown.public_id}")
    for answer in (response, detail):
        text = answer.content.decode()
        assert "Ryhor" not in text and reporter.public_id not in text


def test_issue_detail_has_the_public_answers(client):
    authority = AuthorityFactory(name="District council")
    issue = IssueFactory(authority=authority, status="planned")
    TimelineEntryFactory(issue=issue, kind="forwarded", authority=authority)
    TimelineEntryFactory(issue=issue, kind="planned", authority=authority, text="In May.")
    body = client.get(f"/api/issues/{issue.public_id}").json()
    assert [(a["kind"], a["authority"], a["text"]) for a in body["answers"]] == [
        ("planned", "District council", "In May.")
    ]
    hidden = IssueFactory(hidden_at=timezone.now())
    assert_problem(client.get(f"/api/issues/{hidden.public_id}"), 404)


def test_issue_filters(client):
    open_one = IssueFactory(status="open")
    closed = IssueFactory(status="resolved")
    assert ids(client.get("/api/issues?state=closed")) == [closed.public_id]
    assert ids(client.get(f"/api/issues?community={open_one.community.public_id}")) == [open_one.public_id]
    assert_problem(client.get("/api/issues?state=maybe"), 422)


# --- Indicators -----------------------------------------------------------------------------------------


def test_indicators_keep_small_groups_suppressed(client):
    event = attended(PersonFactory())
    for _ in range(2):
        attended(PersonFactory(), event)
    body = client.get("/api/indicators?year=2020").json()
    reach = next(t for t in body["tables"] if t["key"] == "summary")
    assert reach["rows"][0][1] == "<5" and reach["rows"][1][1] == "<5"  # 3 people, 3 participations
    assert 3 not in [cell for table in body["tables"] for row in table["rows"] for cell in row]
    assert body["definitions"] and body["url"]


def test_indicators_bad_input_is_a_422(client):
    assert_problem(client.get("/api/indicators?year=2020&start=2020-01-01"), 422)
    assert_problem(client.get("/api/indicators?region=XX-99"), 422)
    assert_problem(client.get("/api/indicators?year=notayear"), 422)


def test_new_reads_have_etags_and_cursors(client):
    posts = [PostFactory() for _ in range(3)]
    first = client.get("/api/news?limit=2")
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    second = client.get(f"/api/news?limit=2&cursor={first.json()['next_cursor']}").json()
    listed = [p["id"] for p in first.json()["items"] + second["items"]]
    assert listed == sorted((p.public_id for p in posts), reverse=True)


@pytest.mark.parametrize("path", ["/api/news", "/api/programmes", "/api/initiatives", "/api/issues"])
def test_lists_cost_the_same_few_queries_for_many_items(client, django_assert_max_num_queries, path):
    for _ in range(6):
        post = PostFactory()
        post.tags.create(name="Roads", slug=f"roads-{post.pk}")
        PartnerFactory(programme=ProgrammeFactory())
        InitiativeFactory()
        IssueFactory()
    with django_assert_max_num_queries(6):
        assert len(ids(client.get(path))) == 6
