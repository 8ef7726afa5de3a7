"""One voting code used from many devices at once (PostgreSQL, real simultaneous connections): the
code's votes are held by the same slot constraints as an account's, so exactly the allowed number
counts.

To see these go red: drop the ``vote_slot_once_per_category`` constraint as
``test_concurrency.test_without_the_slot_constraint_the_limit_is_overrun`` does (the code path uses the
same count-then-insert as accounts, and only the constraint stops the racers).
"""

import pytest

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import require_postgres, run_concurrently
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import codes, services
from hramada.voting.models import Vote, VotingCode

from .factories import VotingRulesFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def setup(n_projects):
    rules = VotingRulesFactory(votes_per_category=1, allow_codes=True)
    category = CategoryFactory(edition=rules.stage.edition)
    projects = [ProjectFactory(category=category) for _ in range(n_projects)]
    manager = UserFactory()
    Membership.objects.create(
        organisation=rules.stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    batch, (code,) = codes.create_code_batch(actor=manager, stage=rules.stage, partner="Library", size=1)
    return rules.stage, projects, code, manager, batch


def test_one_code_from_ten_simultaneous_requests_votes_once():
    stage, projects, code, _manager, _batch = setup(1)
    results = run_concurrently(lambda: services.cast_vote(code=code, project=projects[0]), [()] * 10)
    accepted = [r for r in results if isinstance(r, tuple)]
    assert len(accepted) == 1, results
    assert all(
        isinstance(r, DomainError) and "already voted" in r.message for r in results if r not in accepted
    )
    assert Vote.objects.filter(stage=stage).count() == 1
    assert Project.objects.get(pk=projects[0].pk).vote_count == 1


def test_one_code_racing_for_ten_projects_gets_its_one_vote():
    stage, projects, code, _manager, _batch = setup(10)
    results = run_concurrently(lambda p: services.cast_vote(code=code, project=p), [(p,) for p in projects])
    assert len([r for r in results if isinstance(r, tuple)]) == 1, results
    assert Vote.objects.filter(stage=stage, withdrawn_at__isnull=True).count() == 1
    assert (
        sum(Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("vote_count", flat=True)) == 1
    )


def test_revocation_racing_first_use_leaves_a_consistent_code():
    """Either the vote wins (the code is used, not revoked) or the revocation wins (no vote)."""
    stage, projects, code, manager, batch = setup(1)
    results = run_concurrently(
        lambda fn: fn(),
        [
            (lambda: services.cast_vote(code=code, project=projects[0]),),
            (lambda: codes.revoke_code_batch(actor=manager, batch=batch),),
        ],
    )
    row = VotingCode.objects.get(batch=batch)
    voted = Vote.objects.filter(stage=stage).count()
    assert (row.first_used_at is not None, row.revoked_at is None) == (bool(voted), bool(voted)), results
