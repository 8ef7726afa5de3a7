"""Voting codes under concurrency (PostgreSQL, real simultaneous connections); each guard's test runs
with the guard on and disabled (``guard`` parameter) and asserts the invariant is broken without it.

- A code's votes are held by the same indexes as an account's (the code's voter hash takes the
  slots): one code used from many devices at once votes at most its limit.
- A code and its revocation race on the code's row. Two layers keep a code from being both used and
  revoked: the conditional UPDATEs (``codes.use_code``: not if revoked; ``codes.revoke_unused``: not
  if used), whose row lock makes the later one wait while PostgreSQL then checks its condition again
  on the committed row, so the loser gets a clean answer; and the check constraint
  ``voting_code_not_used_and_revoked``, the last guard. ``guard="check-only"`` replaces the
  conditional UPDATE with what a naive version would do (trust the earlier read): the constraint
  still holds the invariant, but the loser fails with a database error instead of an answer.
  ``guard="off"`` also drops the constraint in the test's database: the invariant breaks. Both races
  are a few statements wide, so the tests force them: a request stops at a checkpoint inside its
  work while the other side runs. Each has a sequential control: the naive version is right one
  request after another, so what breaks is the race.
"""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, OperationalError, transaction

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import (
    GUARD,
    Checkpoint,
    Worker,
    constraint_dropped,
    guard_switch,
    index_exists,
    require_postgres,
    run_concurrently,
    wait_for_lock_wait,
)
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import codes, services, writes
from hramada.voting.models import Vote, VoteLog, VotingCode

from .factories import VotingRulesFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def setup(n_projects, n_codes=1):
    rules = VotingRulesFactory(votes_per_category=1, allow_codes=True)
    category = CategoryFactory(edition=rules.stage.edition)
    projects = [ProjectFactory(category=category) for _ in range(n_projects)]
    manager = UserFactory()
    Membership.objects.create(
        organisation=rules.stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    batch, plain = codes.create_code_batch(actor=manager, stage=rules.stage, partner="Library", size=n_codes)
    return rules.stage, projects, plain, manager, batch


def row_of(code):
    return VotingCode.objects.get(code_hash=codes.code_hash(code))


def forget_votes():
    VoteLog.objects.all().delete()
    Vote.objects.all().delete()


CODE_GUARDS = pytest.mark.parametrize("guard", ["on", "check-only", "off"])
NOT_USED_AND_REVOKED = "voting_code_not_used_and_revoked"


@contextmanager
def code_guards(guard, monkeypatch, name, unguarded):
    """ "on": both layers; "check-only": ``codes.<name>`` replaced by ``unguarded``; "off": the check
    constraint dropped as well."""
    if guard == "on":
        assert index_exists(NOT_USED_AND_REVOKED)
    else:
        monkeypatch.setattr(codes, name, unguarded)
    if guard != "off":
        yield
        return
    # Put back after the test: its votes and codes go first (the constraint would refuse them).
    with constraint_dropped(
        VotingCode, NOT_USED_AND_REVOKED, clean_up=lambda: (forget_votes(), VotingCode.objects.all().delete())
    ):
        yield


def test_one_code_from_ten_simultaneous_requests_votes_once():
    """Ten identical requests: one vote (both vote indexes stand in the way; see test_concurrency)."""
    stage, projects, (code,), _manager, _batch = setup(1)
    results = run_concurrently(lambda: services.cast_vote(code=code, project=projects[0]), [()] * 10)
    accepted = [r for r in results if isinstance(r, tuple)]
    assert len(accepted) == 1, results
    assert all(
        isinstance(r, DomainError) and "already voted" in r.message for r in results if r not in accepted
    )
    assert Vote.objects.filter(stage=stage).count() == 1
    assert Project.objects.get(pk=projects[0].pk).vote_count == 1


@GUARD
def test_one_code_racing_for_ten_projects_gets_its_one_vote(guard):
    stage, projects, (code,), _manager, _batch = setup(10)
    with guard_switch(guard, Vote, "vote_slot_once_per_category", clean_up=forget_votes):
        results = run_concurrently(
            lambda p: services.cast_vote(code=code, project=p), [(p,) for p in projects]
        )
        counted = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True).count()
        if guard == "off":
            assert counted > 1, results  # one code, several votes in a one-vote category
            return
    assert len([r for r in results if isinstance(r, tuple)]) == 1, results
    assert counted == 1
    assert (
        sum(Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("vote_count", flat=True)) == 1
    )


def unguarded_use_code(code_id, now):
    """What ``use_code`` would be without its condition: trust that the code was not revoked when
    ``voting_code`` read it."""
    VotingCode.objects.filter(pk=code_id, first_used_at__isnull=True).update(first_used_at=now)
    return True


@CODE_GUARDS
def test_a_revocation_between_reading_a_code_and_voting_with_it_wins(guard, monkeypatch):
    """The vote reads the code (unrevoked) and stops; the organisers revoke the batch; the vote goes
    on. With the guard the vote is refused ("revoked"); with the check alone it fails with a database
    error; with neither, a revoked code votes."""
    stage, (project, other), (code, spare), manager, batch = setup(2, n_codes=2)
    read = Checkpoint("vote")
    real_find = codes.find_code

    def find_then_stop(*args):
        found = real_find(*args)
        read.stop_here()
        return found

    monkeypatch.setattr(codes, "find_code", find_then_stop)
    with code_guards(guard, monkeypatch, "use_code", unguarded_use_code):
        vote = Worker("vote", lambda: services.cast_vote(code=code, project=project))
        read.reached()
        assert codes.revoke_code_batch(actor=manager, batch=batch) == 2  # neither code was used yet
        read.release()
        result = vote.result()
        row = row_of(code)
        assert row.revoked_at is not None
        # Control, one request after another: a code read after its revocation is refused, guard or not.
        with pytest.raises(DomainError, match="revoked"):
            services.cast_vote(code=spare, project=other)
        if guard == "off":
            assert isinstance(result, tuple), result
            assert row.first_used_at is not None and Vote.objects.filter(stage=stage).count() == 1
            return
    if guard == "check-only":
        assert isinstance(result, IntegrityError), result
    else:
        assert isinstance(result, DomainError) and "revoked" in result.message, result
    assert row.first_used_at is None
    assert not Vote.objects.exists() and Project.objects.get(pk=project.pk).vote_count == 0


def unguarded_revoke_unused(batch_id, now):
    """What ``revoke_unused`` would be as a read, then a write: the codes unused when read are revoked."""
    unused = list(
        VotingCode.objects.filter(
            batch_id=batch_id, first_used_at__isnull=True, revoked_at__isnull=True
        ).values_list("pk", flat=True)
    )
    return VotingCode.objects.filter(pk__in=unused).update(revoked_at=now)


@CODE_GUARDS
def test_a_code_used_while_its_batch_is_revoked_stays_used(guard, monkeypatch):
    """The vote has marked the code used (row locked, not committed) and stops; the revocation starts
    and waits for the row; the vote commits. With the guard the revocation skips the now used code;
    with the check alone the whole revocation fails with a database error; with neither, it revokes a
    code whose vote counts."""
    stage, (project, other), (code, used_before), manager, batch = setup(2, n_codes=2)
    services.cast_vote(code=used_before, project=other)  # a code used earlier, one request after another
    writing = Checkpoint("vote")
    real_record = writes.record_vote

    def stop_then_record(*args, **kwargs):
        writing.stop_here()  # use_code has run in this transaction: the code's row is locked
        return real_record(*args, **kwargs)

    monkeypatch.setattr(writes, "record_vote", stop_then_record)
    with code_guards(guard, monkeypatch, "revoke_unused", unguarded_revoke_unused):
        vote = Worker("vote", lambda: services.cast_vote(code=code, project=project))
        writing.reached()
        # The lock is really taken: another connection cannot lock the code's row now.
        with pytest.raises(OperationalError), transaction.atomic():
            VotingCode.objects.select_for_update(nowait=True).get(pk=row_of(code).pk)
        revoke = Worker("revoke", lambda: codes.revoke_code_batch(actor=manager, batch=batch))
        wait_for_lock_wait()  # the revocation waits for the code's row
        writing.release()
        assert isinstance(vote.result(), tuple)
        revoked = revoke.result()
        row = row_of(code)
        assert row.first_used_at is not None and Vote.objects.filter(project=project).count() == 1
        # Control: the code used one request before the revocation is not revoked, guard or not.
        assert row_of(used_before).revoked_at is None
        if guard == "off":
            assert revoked == 1 and row.revoked_at is not None  # a used code, its vote counted, revoked
            return
    if guard == "check-only":
        assert isinstance(revoked, IntegrityError), revoked  # the organisers' revocation fails
    else:
        assert revoked == 0
    assert row.revoked_at is None
