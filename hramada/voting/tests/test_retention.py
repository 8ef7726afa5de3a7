"""The vote's anti-fraud traces do not outlive their use: network hashes and stale phone checks go."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting import retention, selectors, services
from hramada.voting.antifraud import RequestMeta
from hramada.voting.models import PhoneCheck, VoteLog

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


def test_network_hashes_are_forgotten_once_the_vote_has_been_closed_long_enough(settings):
    settings.VOTE_LOG_NETWORK_DAYS = 90
    stage = VotingRulesFactory().stage
    project = ProjectFactory(category=CategoryFactory(edition=stage.edition))
    user = UserFactory()
    user_type = type(user)
    user_type.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    services.cast_vote(user=user, project=project, request_meta=RequestMeta(ip="203.0.113.7", user_agent="x"))
    entry = VoteLog.objects.get()
    assert entry.network_hash

    assert retention.forget_networks(now=stage.ends_at + timedelta(days=89)) == 0
    entry.refresh_from_db()
    assert entry.network_hash, "kept while the vote can still be reviewed"

    assert retention.forget_networks(now=stage.ends_at + timedelta(days=91)) == 1
    entry.refresh_from_db()
    assert entry.network_hash == "" and entry.vote_id and entry.ua_family, "only the network is forgotten"
    assert retention.forget_networks(now=stage.ends_at + timedelta(days=92)) == 0


def test_stale_phone_checks_are_deleted_a_day_after_their_code_expired():
    stage = VotingRulesFactory().stage
    now = timezone.now()
    stale = PhoneCheck.objects.create(
        stage=stage, voter_hash="a" * 64, phone_hash="b" * 64, code_hash="c" * 64,
        expires_at=now - timedelta(days=2), last_sent_at=now - timedelta(days=2),
    )  # fmt: skip
    fresh = PhoneCheck.objects.create(
        stage=stage, voter_hash="d" * 64, phone_hash="e" * 64, code_hash="f" * 64,
        expires_at=now - timedelta(hours=1), last_sent_at=now - timedelta(hours=1),
    )  # fmt: skip
    assert retention.forget_phone_checks(now=now) == 1
    assert list(PhoneCheck.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not PhoneCheck.objects.filter(pk=stale.pk).exists()


def test_voting_codes_are_forgotten_once_the_vote_has_been_closed_long_enough(settings):
    """A code's hash ties a printed card to its votes; after the vote (and its review) nobody needs
    that link, so the hashes go and the batch keeps only its counts."""
    from hramada.core.models import AuditEntry
    from hramada.orgs.models import Membership, Role
    from hramada.voting import codes
    from hramada.voting.models import Vote, VotingCode, VotingCodeBatch

    settings.VOTING_CODE_DAYS = 90
    stage = VotingRulesFactory(allow_codes=True).stage
    project = ProjectFactory(category=CategoryFactory(edition=stage.edition))
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    batch, made = codes.create_code_batch(actor=manager, stage=stage, partner="Library", size=4)
    other, _ = codes.create_code_batch(actor=manager, stage=stage, partner="School", size=2)
    services.cast_vote(code=made[0], project=project)
    services.cast_vote(code=made[1], project=project)
    codes.revoke_code_batch(actor=manager, batch=batch)

    assert retention.forget_voting_codes(now=stage.ends_at + timedelta(days=89)) == 0
    assert VotingCode.objects.count() == 6, "kept while the vote can still be reviewed"

    assert retention.forget_voting_codes(now=stage.ends_at + timedelta(days=91)) == 6
    assert not VotingCode.objects.exists()
    batch.refresh_from_db()
    assert batch.codes_forgotten_at is not None and (batch.used_count, batch.revoked_count) == (2, 2)
    assert (
        Vote.objects.filter(project=project).count() == 2 and project.__class__.objects.get().vote_count == 2
    )
    entry = AuditEntry.objects.get(action="voting.codes.forgotten")
    assert entry.data == {"batches": 2, "codes": 6}
    assert retention.forget_voting_codes(now=stage.ends_at + timedelta(days=92)) == 0
    # The organisers' page still shows each batch's counts.
    rows = {b.partner: (b.size, b.n_used, b.n_revoked) for b in selectors.code_batches(stage)}
    assert rows == {"Library": (4, 2, 2), "School": (2, 0, 0)}
    assert VotingCodeBatch.objects.get(pk=other.pk).used_count == 0
    # A forgotten code no longer votes (it is unknown), in a later vote of the same edition or anywhere.
    assert codes.find_code(stage, made[2]) is None


def test_the_voting_code_job_is_registered():
    from hramada.core.registry import periodic_jobs

    assert "voting.forget_voting_codes" in {name for name, _fn in periodic_jobs}
