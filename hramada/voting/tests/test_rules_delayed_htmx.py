"""The organiser rules page (edit, publish and freeze, read-only once frozen), delayed counts from the
per-hour counters, and the htmx vote buttons."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory, StageFactory
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import selectors, services
from hramada.voting.models import ProjectHourCount, Vote, VotingRules

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


def login(client, stage, role):
    user = UserFactory()
    if role is not None:
        Membership.objects.create(
            organisation=stage.edition.contest.organisation, person=user.person, role=role
        )
    login_staff(client, user)
    return user


def future_stage():
    start = timezone.now() + timedelta(days=2)
    return VotingRulesFactory(stage=StageFactory(starts_at=start, ends_at=start + timedelta(days=7))).stage


def rules_url(stage):
    return reverse("voting:rules", args=[stage.edition.contest.slug, stage.edition.public_id])


RULES = {
    "action": "save",
    "votes_per_category": 3,
    "show_counts": "delayed",
    "count_delay_hours": 12,
    "allow_codes": "on",
    "require_phone": "on",
}


@pytest.mark.parametrize(
    ("role", "status"), [(None, 403), (Role.MEMBER, 403), (Role.MANAGER, 200), (Role.OWNER, 200)]
)
def test_rules_page_permissions(client, role, status):
    stage = future_stage()
    login(client, stage, role)
    assert client.get(rules_url(stage)).status_code == status
    client.post(rules_url(stage), RULES)
    assert VotingRules.objects.get(stage=stage).votes_per_category == (3 if status == 200 else 1)


def test_rules_are_edited_then_published_and_frozen(client):
    stage = future_stage()
    login(client, stage, Role.MANAGER)
    saved = client.post(rules_url(stage), RULES, follow=True)
    assert "The rules are saved" in saved.content.decode()
    rules = VotingRules.objects.get(stage=stage)
    assert (
        rules.votes_per_category,
        rules.show_counts,
        rules.count_delay_hours,
        rules.allow_codes,
        rules.require_phone,
    ) == (
        3,
        "delayed",
        12,
        True,
        True,
    )
    assert AuditEntry.objects.filter(action="voting.rules.updated").exists()
    confirm = client.post(rules_url(stage), {"action": "freeze"})
    assert "Publish and freeze the rules?" in confirm.content.decode()
    assert VotingRules.objects.get(stage=stage).frozen_at is None  # nothing yet
    client.post(rules_url(stage), {"action": "confirm"})
    rules = VotingRules.objects.get(stage=stage)
    assert rules.frozen_at is not None
    page = client.get(rules_url(stage)).content.decode()
    assert rules.fingerprint in page and "Save the rules" not in page
    assert '"version":2' in page.replace("&quot;", '"')
    client.post(rules_url(stage), {**RULES, "votes_per_category": 5})
    assert VotingRules.objects.get(stage=stage).votes_per_category == 3


def test_the_phone_check_countries_are_set_on_the_rules_page(client):
    stage = future_stage()
    login(client, stage, Role.MANAGER)
    client.post(rules_url(stage), {**RULES, "phone_countries": "by, am MD"})
    assert VotingRules.objects.get(stage=stage).phone_countries == "BY,AM,MD"
    page = client.post(rules_url(stage), {**RULES, "phone_countries": "BY, XX"}).content.decode()
    assert "not known: XX" in page
    assert VotingRules.objects.get(stage=stage).phone_countries == "BY,AM,MD"  # nothing saved
    client.post(rules_url(stage), {**RULES, "phone_countries": ""})  # left empty: unchanged
    assert VotingRules.objects.get(stage=stage).phone_countries == "BY,AM,MD"


def test_rules_page_of_an_opened_vote_is_read_only(client):
    stage = VotingRulesFactory().stage  # opened an hour ago
    login(client, stage, Role.MANAGER)
    page = client.get(rules_url(stage)).content.decode()
    assert "Save the rules" not in page and "Voting has opened" in page


def test_rules_form_errors_are_shown(client):
    stage = future_stage()
    login(client, stage, Role.MANAGER)
    page = client.post(rules_url(stage), {**RULES, "count_delay_hours": 500}).content.decode()
    assert "errorlist" in page or "Ensure this value" in page


# --- delayed counts -------------------------------------------------------------------------------------


def hour(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def test_hour_counters_follow_votes_withdrawals_and_annulments():
    rules = VotingRulesFactory()
    stage = rules.stage
    project = ProjectFactory(category=CategoryFactory(edition=stage.edition))
    now = timezone.now()
    voters = [UserFactory() for _ in range(3)]
    votes = [services.cast_vote(user=u, project=project, now=now)[0] for u in voters]
    services.withdraw_vote(user=voters[0], vote=votes[0], now=now)
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    services.annul_votes(actor=manager, stage=stage, votes=[votes[1]], reason="bots", now=now)
    row = ProjectHourCount.objects.get(project=project)
    assert row.hour == hour(now) and row.votes == 1
    assert selectors.counts_at(stage, hour(now) + timedelta(hours=1)) == {project.pk: 1}
    assert selectors.counts_at(stage, hour(now)) == {}


def test_results_show_counts_as_of_n_hours_ago():
    start = timezone.now() - timedelta(hours=10)
    stage = StageFactory(starts_at=start, ends_at=start + timedelta(days=3))
    VotingRulesFactory(stage=stage, show_counts="delayed", count_delay_hours=3)
    category = CategoryFactory(edition=stage.edition)
    early, late = (
        ProjectFactory(category=category, title="Early"),
        ProjectFactory(category=category, title="Late"),
    )
    now = timezone.now()
    for _ in range(2):
        services.cast_vote(user=UserFactory(), project=early, now=now - timedelta(hours=6))
    for _ in range(3):
        services.cast_vote(user=UserFactory(), project=late, now=now - timedelta(minutes=5))
    context = selectors.results_page(stage, now=now)
    assert context["counts_as_of"] == hour(now) - timedelta(hours=3)
    assert not context["counts_visible"]  # the live counts stay hidden
    assert [(p.title, p.shown_count) for p in context["projects"]] == [("Early", 2), ("Late", 0)]
    # Organisers still read the live counters.
    assert {p.title: p.vote_count for p in selectors.results(stage)} == {"Early": 2, "Late": 3}
    # The live counts are not public while delayed.
    assert not selectors.counts_visible(stage, now)


def test_contest_pages_show_the_delayed_counts_not_the_live_ones(client):
    start = timezone.now() - timedelta(hours=10)
    stage = StageFactory(starts_at=start, ends_at=start + timedelta(days=3))
    VotingRulesFactory(stage=stage, show_counts="delayed", count_delay_hours=2)
    category = CategoryFactory(edition=stage.edition)
    early, late = (
        ProjectFactory(category=category, title="Early bird"),
        ProjectFactory(category=category, title="Latecomer"),
    )
    now = timezone.now()
    for _ in range(2):
        services.cast_vote(user=UserFactory(), project=early, now=now - timedelta(hours=5))
    for _ in range(3):
        services.cast_vote(user=UserFactory(), project=late, now=now - timedelta(minutes=1))
    edition = stage.edition
    pages = {
        "edition": reverse("contests:edition", args=[edition.contest.slug, edition.public_id]),
        "category": reverse(
            "contests:category", args=[edition.contest.slug, edition.public_id, category.public_id]
        ),
        "early": reverse("contests:project", args=[early.public_id]),
        "late": reverse("contests:project", args=[late.public_id]),
    }
    text = {name: client.get(url).content.decode() for name, url in pages.items()}
    for name in ("edition", "category"):
        card = text[name].split(f'id="project-{early.public_id}"')[1].split("</li>")[0]
        assert "<strong>2</strong> votes" in card
        card = text[name].split(f'id="project-{late.public_id}"')[1].split("</li>")[0]
        assert "<strong>0</strong> votes" in card  # the last hours' votes are not shown yet
        assert "<strong>3</strong>" not in text[name]
        assert "Counts as of" in text[name]
    assert "<strong>2</strong> votes" in text["early"] and "<strong>0</strong> votes" in text["late"]
    # Live counts: the maintained counters, with no "as of".
    VotingRules.objects.filter(stage=stage).update(show_counts="live")
    live = client.get(pages["late"]).content.decode()
    assert "<strong>3</strong> votes" in live and "Counts as of" not in live
    # After the stage: hidden-until-closed rules show nothing while open.
    VotingRules.objects.filter(stage=stage).update(show_counts="after")
    assert "votes</p>" not in client.get(pages["edition"]).content.decode()


def test_delayed_counts_read_a_fixed_number_of_queries(client):
    start = timezone.now() - timedelta(hours=10)
    stage = StageFactory(starts_at=start, ends_at=start + timedelta(days=3))
    VotingRulesFactory(stage=stage, show_counts="delayed", count_delay_hours=1)
    category = CategoryFactory(edition=stage.edition)
    projects = [ProjectFactory(category=category) for _ in range(3)]

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.results_page(stage)
        return len(ctx.captured_queries)

    before = queries()
    for p in projects:
        for h in (2, 5, 8):
            services.cast_vote(user=UserFactory(), project=p, now=timezone.now() - timedelta(hours=h))
    assert queries() == before
    url = reverse("voting:results", args=[stage.edition.contest.slug, stage.edition.public_id])
    page = client.get(url).content.decode()
    assert "Counts as of" in page and "3</td>" in page
    ballot = reverse("voting:ballot", args=[stage.edition.contest.slug, stage.edition.public_id])
    assert client.get(ballot).status_code == 302  # the ballot waits for the final counts


# --- htmx buttons ---------------------------------------------------------------------------------------


@pytest.fixture
def project():
    stage = VotingRulesFactory(votes_per_category=1).stage
    return ProjectFactory(category=CategoryFactory(edition=stage.edition), title="Village library")


def test_htmx_vote_swaps_the_button_area_with_the_receipt(client, project):
    client.force_login(UserFactory())
    page = client.get(reverse("contests:project", args=[project.public_id])).content.decode()
    assert f'id="vote-{project.public_id}"' in page and 'hx-trigger="vote-ready"' in page
    response = client.post(reverse("voting:cast", args=[project.public_id]), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert text.startswith("<div") and f'id="vote-{project.public_id}"' in text and "<html" not in text
    code = text.split('<code class="receipt-code">')[1].split("</code>")[0]
    assert selectors.receipt_hash(code) == Vote.objects.get().receipt_hash
    assert "Withdraw my vote" in text
    again = client.post(reverse("voting:cast", args=[project.public_id]), HTTP_HX_REQUEST="true")
    assert "already voted" in again.content.decode() and Vote.objects.count() == 1


def test_htmx_withdraw_swaps_in_place(client, project):
    user = UserFactory()
    services.cast_vote(user=user, project=project)
    client.force_login(user)
    response = client.post(
        reverse("voting:withdraw", args=[project.public_id]), {"confirm": "1"}, HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200 and "is withdrawn" in text and "<html" not in text
    assert 'hx-trigger="vote-ready"' in text  # the Vote button is back


def test_without_htmx_the_vote_still_renders_the_receipt_page(client, project):
    client.force_login(UserFactory())
    response = client.post(reverse("voting:cast", args=[project.public_id]))
    assert (
        "<html" in response.content.decode()
        and "Thank you: your vote is counted" in response.content.decode()
    )


def test_the_my_votes_list_refreshes_after_an_htmx_vote_or_withdrawal(client, project):
    edition = project.edition
    user = UserFactory()
    client.force_login(user)
    page = client.get(
        reverse("contests:edition", args=[edition.contest.slug, edition.public_id])
    ).content.decode()
    mine_url = reverse("voting:my_votes", args=[edition.contest.slug, edition.public_id])
    # The list asks for itself again when a vote changes (an event the vote answers trigger).
    assert f'hx-get="{mine_url}"' in page and 'hx-trigger="vote-changed from:body"' in page
    assert "You have not voted yet." in client.get(mine_url).content.decode()

    voted = client.post(reverse("voting:cast", args=[project.public_id]), HTTP_HX_REQUEST="true")
    assert voted["HX-Trigger"] == "vote-changed"
    fragment = client.get(mine_url, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text and 'id="my-votes"' in text
    assert "Village library" in text and "no-store" in fragment["Cache-Control"]
    edition_url = reverse("contests:edition", args=[edition.contest.slug, edition.public_id])
    assert f'name="next" value="{edition_url}"' in text  # withdrawing from the list comes back to a page
    category_url = f"http://testserver{edition_url}categories/x/?q=lib"
    text = client.get(mine_url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=category_url).content.decode()
    assert f'name="next" value="{edition_url}categories/x/?q=lib"' in text
    elsewhere = client.get(mine_url, HTTP_HX_CURRENT_URL="https://evil.example/x").content.decode()
    assert "evil.example" not in elsewhere

    withdrawn = client.post(
        reverse("voting:withdraw", args=[project.public_id]), {"confirm": "1"}, HTTP_HX_REQUEST="true"
    )
    assert withdrawn["HX-Trigger"] == "vote-changed"
    assert "You have not voted yet." in client.get(mine_url).content.decode()
    # A refusal changes nothing, so it triggers nothing.
    refused = client.post(
        reverse("voting:withdraw", args=[project.public_id]), {"confirm": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "HX-Trigger" not in refused
    # Visitors who are not signed in get an empty list, never someone else's votes.
    client.logout()
    assert "Village library" not in client.get(mine_url).content.decode()


def test_a_category_whose_votes_are_used_offers_no_vote_button(client):
    stage = VotingRulesFactory(votes_per_category=1).stage
    sport, culture = CategoryFactory(edition=stage.edition), CategoryFactory(edition=stage.edition)
    chosen = ProjectFactory(category=sport, title="Marathon")
    other = ProjectFactory(category=sport, title="Chess club")
    elsewhere = ProjectFactory(category=culture, title="Film nights")
    user = UserFactory()
    services.cast_vote(user=user, project=chosen)
    client.force_login(user)
    edition = stage.edition
    page = client.get(
        reverse("contests:edition", args=[edition.contest.slug, edition.public_id])
    ).content.decode()

    def card(project):
        return page.split(f'id="vote-{project.public_id}"')[1].split("</div>")[0]

    assert "You voted for this project." in card(chosen)
    assert "You have used your vote in this category" in card(other) and "data-vote-form" not in card(other)
    assert "data-vote-form" in card(elsewhere)  # another category: still a Vote button
    # After withdrawing, the button is back.
    services.withdraw_vote(user=user, vote=Vote.objects.get())
    page = client.get(
        reverse("contests:edition", args=[edition.contest.slug, edition.public_id])
    ).content.decode()
    assert "data-vote-form" in card(other)
