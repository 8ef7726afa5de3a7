"""Vote integrity under concurrency, proved on PostgreSQL with real simultaneous connections (threads,
each with its own connection).

Each guard has a test that runs with the guard on and off (``guard`` parameter). "off" disables that
one guard in the test itself (drops the index in the test's own database) and asserts that the
invariant is then broken, so the harness demonstrably reaches the case the guard is for; "on" asserts
the invariant holds.

- The per-category limit is the partial unique index ``vote_slot_once_per_category`` (with
  ``slot <= limit``). ``services.cast_vote`` tries slot 1 without reading the voter's votes first and
  leaves the decision to this index, so without it a voter overruns the limit even voting one project
  after another, not only when requests race: the index is the whole guard.
- One vote per project is ``vote_once_per_project``. Most double votes are stopped by the slot index
  too (two requests for the same project pick the same free slot, and one loses), so racing ten
  identical requests cannot show what this index adds. It is needed for one interleaving, which
  ``test_one_vote_per_project_when_a_withdrawal_frees_a_slot_mid_vote`` forces: a request reads the
  voter's slots, meanwhile a withdrawal frees slot 1 and another request for the same project takes
  it, then the first request takes slot 2. Voting one after another never gets there.
"""

import pytest

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import (
    GUARD,
    Checkpoint,
    Worker,
    guard_switch,
    require_postgres,
    run_concurrently,
)
from hramada.people.tests.factories import UserFactory
from hramada.voting import services
from hramada.voting.models import Vote, VoteLog, VotingRules

from .factories import VotingRulesFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def one_category(n_projects, votes_per_category):
    rules = VotingRulesFactory(votes_per_category=votes_per_category)  # not frozen: the racers freeze it
    category = CategoryFactory(edition=rules.stage.edition)
    return rules.stage, [ProjectFactory(category=category) for _ in range(n_projects)]


def vote_totals(projects):
    return sum(Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("vote_count", flat=True))


def forget_votes():
    """Test-only clean-up before an index is put back: the log protects its votes."""
    VoteLog.objects.all().delete()
    Vote.objects.all().delete()


@GUARD
def test_one_voter_racing_for_twenty_projects_gets_exactly_the_limit(guard):
    stage, projects = one_category(20, votes_per_category=3)
    voter = UserFactory()
    with guard_switch(guard, Vote, "vote_slot_once_per_category", clean_up=forget_votes):
        results = run_concurrently(
            lambda p: services.cast_vote(user=voter, project=p), [(p,) for p in projects]
        )
        counted = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True).count()
        assert vote_totals(projects) == counted  # the counter follows the rows either way
        if guard == "off":
            assert counted > 3, results  # nothing else holds the limit
            return
    accepted = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 3 and len(refused) == 17, results
    assert all("all 3 votes" in r.message for r in refused)
    assert counted == 3
    assert sorted(Vote.objects.values_list("slot", flat=True)) == [1, 2, 3]
    assert VotingRules.objects.get(stage=stage).frozen_at is not None  # frozen once, by the first racer


@GUARD
def test_one_vote_per_project_when_a_withdrawal_frees_a_slot_mid_vote(guard, monkeypatch):
    """Forced interleaving (three connections): request B reads the voter's slots and stops there; the
    voter withdraws the vote in slot 1 and request A, for the same project as B, takes slot 1; B goes
    on and takes slot 2. Only ``vote_once_per_project`` refuses B's insert."""
    stage, (project, other, third) = one_category(3, votes_per_category=3)
    voter, sequential = UserFactory(), UserFactory()
    held, _code = services.cast_vote(user=voter, project=other)  # slot 1
    b_read = Checkpoint("B")
    real_counted = services._counted

    def counted_then_stop(*args):
        found = real_counted(*args)
        b_read.stop_here()  # B has read its slots ([other: 1]) and has not written yet
        return found

    monkeypatch.setattr(services, "_counted", counted_then_stop)
    with guard_switch(guard, Vote, "vote_once_per_project", clean_up=forget_votes):
        # Control, one request after another: without the index a double vote is still refused (the
        # slot index refuses slot 1, the read then finds the project), so what "off" breaks below is
        # the race.
        services.cast_vote(user=sequential, project=third)
        services.cast_vote(user=sequential, project=project)
        with pytest.raises(DomainError, match="already voted"):
            services.cast_vote(user=sequential, project=project)

        b = Worker("B", lambda: services.cast_vote(user=voter, project=project))
        b_read.reached()
        services.withdraw_vote(user=voter, vote=held)  # slot 1 is free again
        a_vote, _code = services.cast_vote(user=voter, project=project)  # request A takes slot 1
        assert a_vote.slot == 1
        b_read.release()
        b_result = b.result()
        counted = Vote.objects.filter(stage=stage, project=project, voter_hash=a_vote.voter_hash)
        counted = counted.filter(withdrawn_at__isnull=True)
        if guard == "off":
            assert not isinstance(b_result, Exception), b_result
            assert sorted(counted.values_list("slot", flat=True)) == [1, 2]  # one voter, two votes
            assert Project.objects.get(pk=project.pk).vote_count == 3
            return
    assert isinstance(b_result, DomainError) and "already voted" in b_result.message, b_result
    assert list(counted.values_list("slot", flat=True)) == [1]
    assert Project.objects.get(pk=project.pk).vote_count == 2  # the voter's and the control's


def test_one_voter_racing_for_the_same_project_counts_once():
    """Ten identical requests: one vote. Both indexes stand in the way here (see the module's
    docstring); dropping either one alone leaves this green."""
    stage, projects = one_category(1, votes_per_category=3)
    voter = UserFactory()
    results = run_concurrently(lambda: services.cast_vote(user=voter, project=projects[0]), [()] * 10)
    accepted = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 1 and len(refused) == 9, results
    assert all("already voted" in r.message for r in refused)
    assert Vote.objects.filter(stage=stage).count() == 1
    assert vote_totals(projects) == 1


def test_many_voters_at_once_are_all_counted():
    """No lost update of the counters: 16 voters, two projects, every vote counted."""
    stage, projects = one_category(2, votes_per_category=1)
    voters = [UserFactory() for _ in range(16)]
    results = run_concurrently(
        lambda u, p: services.cast_vote(user=u, project=p),
        [(u, projects[i % 2]) for i, u in enumerate(voters)],
    )
    assert all(isinstance(r, tuple) for r in results), results
    assert [Project.objects.get(pk=p.pk).vote_count for p in projects] == [8, 8]


def test_racing_annulments_and_withdrawals_uncount_a_vote_once():
    """Ten organisers' annulments and the voter's withdrawal race for the same vote: it is uncounted
    exactly once. The guards are the conditional updates in ``annul_votes`` and ``withdraw_vote``
    (each changes only a vote neither withdrawn nor annulled); the check constraints
    ``vote_not_withdrawn_and_annulled`` and ``vote_count >= 0`` stop the worst of a mistake. Checked
    by hand: with ``annulled_at__isnull=True`` dropped from ``annul_votes`` this goes red whenever an
    annulment wins the race (two annulments uncounted the vote); when the withdrawal wins first, the
    other condition (``withdrawn_at IS NULL``) still keeps it green, so it is not red every run."""
    from hramada.orgs.models import Membership, Role

    stage, projects = one_category(1, votes_per_category=1)
    voter = UserFactory()
    keep, _ = services.cast_vote(user=UserFactory(), project=projects[0])
    vote, _ = services.cast_vote(user=voter, project=projects[0])
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )

    def annul():
        return services.annul_votes(actor=manager, stage=stage, votes=[vote], reason="bots")

    def withdraw():
        return services.withdraw_vote(user=voter, vote=vote)

    results = run_concurrently(lambda fn: fn(), [(annul,)] * 10 + [(withdraw,)])
    done = [r for r in results if r == 1 or isinstance(r, Vote)]
    assert len(done) == 1, results
    assert vote_totals(projects) == 1
    assert Vote.objects.get(pk=keep.pk).is_counted
