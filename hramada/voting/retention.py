"""How long the public vote's anti-fraud traces live (periodic jobs of ``manage.py run_periodic``).

The vote log's network hashes exist to find bot-like bursts while a vote can still be reviewed; once
the vote has been closed for ``VOTE_LOG_NETWORK_DAYS`` days they are blanked (the rest of the log —
browser family, account age, time — stays, so annulments remain explainable). Phone checks that
were never completed are deleted a day after their code expired; verified numbers (hashes) stay
bound to their voter for as long as the vote's results stand. Voting codes' hashes, which tie a
printed card to its votes, are deleted ``VOTING_CODE_DAYS`` days after the vote closed; each batch
keeps how many of its codes were used and revoked.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from hramada.contests.models import Stage
from hramada.core import audit

from .models import PhoneCheck, VoteLog, VotingCode, VotingCodeBatch


def _closed_before(cutoff):
    return Stage.objects.filter(kind=Stage.Kind.PUBLIC_VOTE).filter(
        Q(ends_at__lt=cutoff) | Q(closed_early_at__lt=cutoff)
    )


def forget_networks(*, now=None) -> int:
    """Blank the network hashes of votes closed more than VOTE_LOG_NETWORK_DAYS ago; returns how many rows."""
    now = now or timezone.now()
    closed = _closed_before(now - timedelta(days=settings.VOTE_LOG_NETWORK_DAYS))
    # The one sanctioned change to the append-only log: forgetting, never rewriting.
    return VoteLog.objects.filter(stage__in=closed).exclude(network_hash="").update(network_hash="")


def forget_phone_checks(*, now=None) -> int:
    """Delete phone checks whose code expired more than a day ago without being verified."""
    now = now or timezone.now()
    deleted, _ = PhoneCheck.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return deleted


def forget_voting_codes(*, now=None) -> int:
    """Delete the code hashes of votes closed more than VOTING_CODE_DAYS ago, keeping each batch's
    counts of used and revoked codes; returns how many codes were deleted."""
    now = now or timezone.now()
    closed = _closed_before(now - timedelta(days=settings.VOTING_CODE_DAYS))
    batches = VotingCodeBatch.objects.filter(stage__in=closed, codes_forgotten_at__isnull=True)
    deleted = forgotten = 0
    with transaction.atomic():
        for batch in batches.select_for_update():  # a revocation racing this waits, or goes first
            codes = VotingCode.objects.filter(batch=batch)
            counts = codes.aggregate(
                used=Count("id", filter=Q(first_used_at__isnull=False)),
                revoked=Count("id", filter=Q(revoked_at__isnull=False)),
            )
            batch.used_count, batch.revoked_count = counts["used"], counts["revoked"]
            batch.codes_forgotten_at = now
            batch.save(update_fields=["used_count", "revoked_count", "codes_forgotten_at", "updated_at"])
            deleted += codes.delete()[0]
            forgotten += 1
        if forgotten:
            audit.record(
                actor=None,
                action="voting.codes.forgotten",
                data={"batches": forgotten, "codes": deleted},
            )
    return deleted
