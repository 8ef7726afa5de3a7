"""The vote's anti-fraud traces do not outlive their use: network hashes and stale phone checks go."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting import retention, services
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
