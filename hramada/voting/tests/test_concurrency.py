"""Vote integrity under concurrency, proved on PostgreSQL with real simultaneous connections (threads).

One voter fires many requests at once (double-clicks, two tabs, a script): exactly the allowed number
of votes is stored and counted, never one more.

How to see these tests go red: remove the ``vote_slot_once_per_category`` constraint (or the
``vote_once_per_project`` one) from ``voting.models.Vote`` and the migration, and run
``DATABASE_URL=postgres://... pytest hramada/voting/tests/test_concurrency.py``: the exact counts
fail. ``test_without_the_slot_constraint_the_limit_is_overrun`` keeps that demonstration in the suite:
it drops the constraint for its duration and the same harness catches the extra votes.
"""

import time

import pytest
from django.db import connection

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import require_postgres, run_concurrently
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


def test_one_voter_racing_for_twenty_projects_gets_exactly_the_limit():
    stage, projects = one_category(20, votes_per_category=3)
    voter = UserFactory()
    results = run_concurrently(lambda p: services.cast_vote(user=voter, project=p), [(p,) for p in projects])
    accepted = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 3 and len(refused) == 17, results
    assert all("all 3 votes" in r.message for r in refused)
    assert Vote.objects.filter(stage=stage, withdrawn_at__isnull=True).count() == 3
    assert sorted(Vote.objects.values_list("slot", flat=True)) == [1, 2, 3]
    assert vote_totals(projects) == 3
    assert VotingRules.objects.get(stage=stage).frozen_at is not None  # frozen once, by the first racer


def test_one_voter_racing_for_the_same_project_counts_once():
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
    stage, projects = one_category(2, votes_per_category=1)
    voters = [UserFactory() for _ in range(16)]
    results = run_concurrently(
        lambda u, p: services.cast_vote(user=u, project=p),
        [(u, projects[i % 2]) for i, u in enumerate(voters)],
    )
    assert all(isinstance(r, tuple) for r in results), results
    assert [Project.objects.get(pk=p.pk).vote_count for p in projects] == [8, 8]


def test_without_the_slot_constraint_the_limit_is_overrun(monkeypatch):
    """Control: the same harness, with the slot constraint dropped, lets more than N votes through.

    Without the constraint the friendly count-then-insert is all that is left, and racing requests all
    read "no votes yet". A short sleep after the read stands for the gap every real request has.
    """
    stage, projects = one_category(20, votes_per_category=3)
    voter = UserFactory()
    constraint = next(c for c in Vote._meta.constraints if c.name == "vote_slot_once_per_category")
    real_counted = services._counted

    def slow_counted(*args):
        result = real_counted(*args)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(services, "_counted", slow_counted)
    with connection.schema_editor() as editor:
        editor.remove_constraint(Vote, constraint)
    try:
        run_concurrently(lambda p: services.cast_vote(user=voter, project=p), [(p,) for p in projects])
        stored = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True).count()
        assert stored > 3
        assert vote_totals(projects) == stored  # the counter followed the rows: the limit is what broke
    finally:
        VoteLog.objects.all().delete()  # the log protects its votes; this clean-up is test-only
        Vote.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Vote, constraint)


def test_racing_annulments_and_withdrawals_uncount_a_vote_once():
    """Ten organisers' annulments and the voter's withdrawal race for the same vote: it is uncounted
    exactly once. (Drop ``annulled_at__isnull=True`` from the conditional updates in ``annul_votes``
    and ``withdraw_vote`` to see the counter go below the truth.)"""
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
