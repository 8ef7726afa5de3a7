import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hramada.contests.models import Project, Stage
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory, StageFactory
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import selectors, services
from hramada.voting.models import Vote, VotingRules

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    return VotingRulesFactory(votes_per_category=2)


@pytest.fixture
def stage(rules):
    return rules.stage


@pytest.fixture
def category(stage):
    return CategoryFactory(edition=stage.edition)


@pytest.fixture
def projects(category):
    return [ProjectFactory(category=category) for _ in range(4)]


@pytest.fixture
def voter():
    return UserFactory()


@pytest.fixture
def manager(stage):
    user = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=user.person, role=Role.MANAGER
    )
    return user


def counts(*projects):
    return [Project.objects.get(pk=p.pk).vote_count for p in projects]


# --- Rules --------------------------------------------------------------------------------------------


def future_vote_rules(**kwargs):
    now = timezone.now()
    stage = StageFactory(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=8))
    return VotingRulesFactory(stage=stage, **kwargs)


def test_fingerprint_is_stable_and_changes_with_the_rules():
    rules = future_vote_rules()
    first = selectors.rules_fingerprint(rules)
    assert len(first) == 64 and first == rules.fingerprint
    assert selectors.rules_fingerprint(VotingRules.objects.get(pk=rules.pk)) == first  # reloaded: same
    rules.votes_per_category = 3
    assert selectors.rules_fingerprint(rules) != first
    rules.votes_per_category = 1
    rules.show_counts = VotingRules.ShowCounts.LIVE
    assert selectors.rules_fingerprint(rules) != first
    # It is the SHA-256 of the canonical JSON anyone can rebuild from the published document.
    document = selectors.rules_document(rules)
    assert (
        selectors.rules_fingerprint(rules)
        == hashlib.sha256(selectors.canonical_json(document).encode()).hexdigest()
    )
    assert selectors.canonical_json(dict(reversed(document.items()))) == selectors.canonical_json(document)


def test_organisers_set_rules_before_voting_then_frozen_rules_refuse_change():
    rules = future_vote_rules()
    stage = rules.stage
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.OWNER
    )
    with pytest.raises(DomainError, match="organisers"):
        services.update_rules(actor=UserFactory(), stage=stage, votes_per_category=3)
    with pytest.raises(DomainError, match="between 1 and"):
        services.update_rules(actor=manager, stage=stage, votes_per_category=0)
    updated = services.update_rules(actor=manager, stage=stage, votes_per_category=3, show_counts="live")
    assert updated.votes_per_category == 3 and updated.fingerprint != rules.fingerprint
    frozen = services.freeze_rules(stage=stage, actor=manager)
    assert frozen.frozen_at is not None and frozen.fingerprint == selectors.rules_fingerprint(frozen)
    with pytest.raises(DomainError, match="frozen"):
        services.update_rules(actor=manager, stage=stage, votes_per_category=5)
    assert services.freeze_rules(stage=stage, actor=manager).frozen_at == frozen.frozen_at  # idempotent
    assert list(
        AuditEntry.objects.filter(action__startswith="voting.rules").values_list("action", flat=True)
    ) == [
        "voting.rules.frozen",
        "voting.rules.updated",
    ]


def test_rules_cannot_change_once_voting_has_opened_even_before_the_first_vote(stage, manager):
    with pytest.raises(DomainError, match="frozen"):
        services.update_rules(actor=manager, stage=stage, votes_per_category=5)


def test_rules_belong_to_a_public_vote_stage(manager, stage):
    call = StageFactory(edition=stage.edition, kind=Stage.Kind.CALL)
    with pytest.raises(DomainError, match="public-vote"):
        services.update_rules(actor=manager, stage=call, votes_per_category=2)


def test_the_system_freezes_rules_when_the_vote_opens():
    rules = future_vote_rules()
    with pytest.raises(DomainError, match="not opened"):
        services.freeze_rules(stage=rules.stage)
    assert services.freeze_due_rules() == 0
    later = rules.stage.starts_at + timedelta(minutes=1)
    assert services.freeze_due_rules(now=later) == 1
    rules.refresh_from_db()
    assert rules.frozen_at == later
    assert services.freeze_due_rules(now=later) == 0
    entry = AuditEntry.objects.get(action="voting.rules.frozen")
    assert entry.actor is None and entry.data["fingerprint"] == rules.fingerprint


def test_a_vote_without_rules_uses_the_published_defaults(voter):
    project = ProjectFactory(category=CategoryFactory(edition=StageFactory().edition))
    services.cast_vote(user=voter, project=project)
    rules = VotingRules.objects.get(stage__edition=project.edition)
    assert rules.votes_per_category == 1 and rules.frozen_at is not None


# --- Casting votes ------------------------------------------------------------------------------------


def test_first_vote_freezes_the_rules_and_stores_no_user_id(rules, stage, projects, voter):
    vote, code = services.cast_vote(user=voter, project=projects[0])
    rules.refresh_from_db()
    assert rules.frozen_at is not None
    assert vote.slot == 1 and vote.limit == 2 and vote.category_id == projects[0].category_id
    assert vote.voter_hash == selectors.voter_hash(voter, stage)
    assert not any(getattr(f, "related_model", None) is type(voter) for f in Vote._meta.get_fields())
    assert counts(projects[0]) == [1]
    entry = AuditEntry.objects.get(action="voting.vote.cast")
    assert entry.actor is None and entry.actor_label == ""
    assert entry.data == {"project": projects[0].public_id, "stage": stage.public_id}
    assert vote.voter_hash not in str(entry.data)


def test_the_voter_hash_is_per_edition_and_per_user(stage, voter):
    other_stage = StageFactory()
    assert selectors.voter_hash(voter, stage) != selectors.voter_hash(voter, other_stage)
    assert selectors.voter_hash(voter, stage) != selectors.voter_hash(UserFactory(), stage)


def test_n_votes_per_category_then_refusal(projects, voter):
    services.cast_vote(user=voter, project=projects[0])
    services.cast_vote(user=voter, project=projects[1])
    with pytest.raises(DomainError, match="You have used all 2 votes in this category"):
        services.cast_vote(user=voter, project=projects[2])
    assert counts(*projects) == [1, 1, 0, 0]
    # Another category has its own votes.
    elsewhere = ProjectFactory(category=CategoryFactory(edition=projects[0].edition))
    services.cast_vote(user=voter, project=elsewhere)
    assert counts(elsewhere) == [1]


def test_one_vote_per_project(projects, voter):
    services.cast_vote(user=voter, project=projects[0])
    with pytest.raises(DomainError, match="already voted for this project"):
        services.cast_vote(user=voter, project=projects[0])
    assert counts(projects[0]) == [1]


def test_database_holds_the_limits_even_if_the_service_is_bypassed(stage, projects, voter):
    vote, _code = services.cast_vote(user=voter, project=projects[0])
    base = {"stage": stage, "category_id": vote.category_id, "voter_hash": vote.voter_hash, "limit": 2}
    with pytest.raises(IntegrityError), transaction.atomic():  # the same project twice
        Vote.objects.create(project=projects[0], slot=2, receipt_hash="a", **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # the same slot twice
        Vote.objects.create(project=projects[1], slot=1, receipt_hash="b", **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # a slot beyond the limit
        Vote.objects.create(project=projects[1], slot=3, receipt_hash="c", **base)


def test_unverified_email_is_refused(projects):
    with pytest.raises(DomainError, match="Confirm your e-mail"):
        services.cast_vote(user=UserFactory(verified=False), project=projects[0])
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError, match="Sign in"):
        services.cast_vote(user=AnonymousUser(), project=projects[0])
    assert not Vote.objects.exists()


def test_closed_or_not_yet_open_vote_is_refused(stage, projects, voter, manager):
    with pytest.raises(DomainError, match="Voting is not open"):
        services.cast_vote(user=voter, project=projects[0], now=stage.starts_at - timedelta(seconds=1))
    with pytest.raises(DomainError, match="Voting is not open"):
        services.cast_vote(user=voter, project=projects[0], now=stage.ends_at)
    from hramada.contests.services import close_stage_early

    close_stage_early(actor=manager, stage=stage)
    with pytest.raises(DomainError, match="Voting is not open"):
        services.cast_vote(user=voter, project=projects[0])
    assert not Vote.objects.exists()


def test_only_eligible_projects_with_a_vote_stage_take_votes(projects, voter):
    for status in (Project.Status.SUBMITTED, Project.Status.NOT_ELIGIBLE, Project.Status.DRAFT):
        project = ProjectFactory(category=projects[0].category, status=status)
        with pytest.raises(DomainError, match="not taking part"):
            services.cast_vote(user=voter, project=project)
    no_vote_edition = ProjectFactory()  # its edition has no public-vote stage
    with pytest.raises(DomainError, match="Voting is not open"):
        services.cast_vote(user=voter, project=no_vote_edition)


# --- Withdrawing, my votes, receipts, results ---------------------------------------------------------


def test_withdraw_frees_the_slot_and_the_counter(stage, projects, voter):
    first, _ = services.cast_vote(user=voter, project=projects[0])
    services.cast_vote(user=voter, project=projects[1])
    assert [v.project for v in selectors.my_votes(voter, stage)] == projects[:2]
    with pytest.raises(DomainError, match="not your vote"):
        services.withdraw_vote(user=UserFactory(), vote=first)
    services.withdraw_vote(user=voter, vote=first)
    assert counts(*projects[:2]) == [0, 1]
    with pytest.raises(DomainError, match="already been withdrawn"):
        services.withdraw_vote(user=voter, vote=Vote.objects.get(pk=first.pk))
    again, _ = services.cast_vote(user=voter, project=projects[2])
    assert again.slot == 1  # the freed slot is used again
    assert {v.project for v in selectors.my_votes(voter, stage)} == {projects[1], projects[2]}
    # Withdrawing and voting again for the same project is allowed.
    services.withdraw_vote(user=voter, vote=again)
    services.cast_vote(user=voter, project=projects[0])
    assert counts(*projects) == [1, 1, 0, 0]
    assert AuditEntry.objects.filter(action="voting.vote.withdrawn", actor=None).count() == 2


def test_withdrawal_only_while_the_vote_is_open(stage, projects, voter):
    vote, _ = services.cast_vote(user=voter, project=projects[0])
    with pytest.raises(DomainError, match="closed"):
        services.withdraw_vote(user=voter, vote=vote, now=stage.ends_at + timedelta(minutes=1))
    assert counts(projects[0]) == [1]


def test_receipts_are_verifiable_by_hashing_the_code(stage, projects, voter):
    vote, code = services.cast_vote(user=voter, project=projects[0])
    assert len(code) == 19 and code.count("-") == 3
    assert vote.receipt_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in str(Vote.objects.values().get(pk=vote.pk))  # the code itself is not stored
    assert selectors.check_receipt(stage, code.lower().replace("-", " ")) == vote
    assert selectors.check_receipt(stage, "0000-0000-0000-0000") is None
    line = next(row for row in csv.DictReader(io.StringIO(selectors.ballot_csv(stage))))
    assert line["receipt_hash"] == hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def test_ballot_csv_has_no_voter_hash_and_recounts_to_the_counters(stage, projects, voter):
    voters = [voter, UserFactory(), UserFactory()]
    for user in voters:
        services.cast_vote(user=user, project=projects[0])
        services.cast_vote(user=user, project=projects[1])
    withdrawn = selectors.my_votes(voters[1], stage).get(project=projects[1])
    services.withdraw_vote(user=voters[1], vote=withdrawn)
    text = selectors.ballot_csv(stage)
    for vote in Vote.objects.all():
        assert vote.voter_hash not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["receipt_hash", "project", "hour_utc", "status"]
    assert [r["receipt_hash"] for r in rows] == sorted(r["receipt_hash"] for r in rows)  # not arrival order
    assert all(r["hour_utc"].endswith(":00Z") for r in rows)  # the hour only, never the second
    tally = {}
    for r in rows:
        if r["status"] == "counted":
            tally[r["project"]] = tally.get(r["project"], 0) + 1
    assert [r["status"] for r in rows].count("withdrawn") == 1
    for project in selectors.results(stage):
        assert tally.get(project.public_id, 0) == project.vote_count
    assert counts(*projects) == [3, 2, 0, 0]


def test_results_read_the_counters_in_one_query(stage, projects, voter, django_assert_num_queries):
    services.cast_vote(user=voter, project=projects[2])
    with django_assert_num_queries(1):
        ranked = list(selectors.results(stage))
    assert ranked[0] == projects[2] and ranked[0].vote_count == 1 and len(ranked) == 4


def test_counts_are_shown_live_only_if_the_rules_say_so(stage, manager):
    assert not selectors.counts_visible(stage)
    assert selectors.counts_visible(stage, now=stage.ends_at)
    VotingRules.objects.filter(stage=stage).update(show_counts=VotingRules.ShowCounts.LIVE)
    assert selectors.counts_visible(stage)
