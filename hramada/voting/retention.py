"""How long the public vote's anti-fraud traces live (periodic jobs of ``manage.py run_periodic``).

The vote log's network hashes exist to find bot-like bursts while a vote can still be reviewed; once
the vote has been closed for ``VOTE_LOG_NETWORK_DAYS`` days they are blanked (the rest of the log —
browser family, account age, time — stays, so annulments remain explainable). Phone checks that
were never completed are deleted a day after their code expired; verified numbers (hashes) stay
bound to their voter for as long as the vote's results stand.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hramada.contests.models import Stage

from .models import PhoneCheck, VoteLog


def forget_networks(*, now=None) -> int:
    """Blank the network hashes of votes closed more than VOTE_LOG_NETWORK_DAYS ago; returns how many rows."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VOTE_LOG_NETWORK_DAYS)
    closed = Stage.objects.filter(kind=Stage.Kind.PUBLIC_VOTE).filter(
        Q(ends_at__lt=cutoff) | Q(closed_early_at__lt=cutoff)
    )
    # The one sanctioned change to the append-only log: forgetting, never rewriting.
    return VoteLog.objects.filter(stage__in=closed).exclude(network_hash="").update(network_hash="")


def forget_phone_checks(*, now=None) -> int:
    """Delete phone checks whose code expired more than a day ago without being verified."""
    now = now or timezone.now()
    deleted, _ = PhoneCheck.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return deleted
