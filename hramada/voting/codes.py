"""One-time voting codes: batches made by organisers, handed out by partner organisations.

A code is 15 Crockford base32 characters (75 random bits), shown once when its batch is made and
stored only as a keyed hash. Votes with a code are cast under a voter hash derived from the code's
hash and the edition, so a code has the votes per category of an account and the same database
constraints hold it. Nothing links a code to the person who received it.
"""

import secrets

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.contests.models import Stage
from hramada.contests.services import require_manager
from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash
from hramada.orgs.models import Organisation

from .models import VotingCode, VotingCodeBatch

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 15  # 15 x 5 bits = 75 random bits: guessing one of even a million codes is hopeless
MAX_BATCH = 2000
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(chars[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def normalise_code(code: str) -> str:
    """Codes are read from paper and retyped: case, spaces and dashes do not matter, O/0 and I/L/1 neither."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum()).translate(_READ_AS)


def code_hash(code: str) -> str:
    return keyed_hash(normalise_code(code), purpose="voting-code")


def code_voter_hash(code_row: VotingCode, stage: Stage) -> str:
    """The voter as stored in the vote table for a code: a keyed hash of the code's hash and the edition."""
    return keyed_hash(code_row.code_hash, str(stage.edition_id), purpose="code-voter")


def looks_like_code(code: str) -> bool:
    normalised = normalise_code(code)
    return len(normalised) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in normalised)


def find_code(stage: Stage, code: str) -> VotingCode | None:
    """The stored code of this vote matching a typed code, or None (revoked codes included)."""
    if not looks_like_code(code):
        return None
    return VotingCode.objects.filter(code_hash=code_hash(code), batch__stage=stage).first()


def _scope(stage: Stage):
    return (Organisation, stage.edition.contest.organisation_id)


# The two writes that decide between a vote with a code and the code's revocation. Each is one
# conditional UPDATE of the code's row: the row lock makes the second wait for the first to commit,
# and PostgreSQL then checks the condition again on the committed row, so whichever commits first wins
# and the other changes nothing (tests/test_codes_concurrency.py races them).


def use_code(code_id: int, now) -> bool:
    """Mark a code used (its first use keeps its time) unless it has been revoked; False if revoked.
    Runs in the vote's transaction, so the row stays locked until the vote is written."""
    return bool(
        VotingCode.objects.filter(pk=code_id, revoked_at__isnull=True).update(
            first_used_at=Coalesce(F("first_used_at"), Value(now))
        )
    )


def revoke_unused(batch_id: int, now) -> int:
    """Revoke a batch's codes that are neither used nor revoked; returns how many."""
    return VotingCode.objects.filter(
        batch_id=batch_id, first_used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)


def create_code_batch(
    *, actor, stage: Stage, partner: str, size: int, now=None
) -> tuple[VotingCodeBatch, list[str]]:
    """Organisers make a batch of one-time codes for a partner to hand out; the codes are returned once
    and only their keyed hashes are stored."""
    if stage.kind != Stage.Kind.PUBLIC_VOTE:
        raise DomainError(_("Voting codes belong to a public-vote stage."))
    require_manager(actor, stage.edition.contest)
    now = now or timezone.now()
    partner = (partner or "").strip()
    if not partner:
        raise DomainError(_("Name the partner organisation that hands out these codes."), field="partner")
    if not 1 <= int(size) <= MAX_BATCH:
        raise DomainError(_("A batch has between 1 and %(max)s codes.") % {"max": MAX_BATCH}, field="size")
    if now >= stage.closes_at:
        raise DomainError(_("The vote has closed: new codes would be of no use."))
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < size:  # a repeat of 75 random bits will not happen; the set keeps it certain
        code = new_code()
        digest = code_hash(code)
        if digest not in hashes:
            hashes.add(digest)
            codes.append(code)
    with transaction.atomic():
        batch = VotingCodeBatch.objects.create(
            stage=stage, partner=partner[:200], size=size, created_by=getattr(actor, "person", None)
        )
        VotingCode.objects.bulk_create(
            [VotingCode(batch=batch, code_hash=digest) for digest in hashes], batch_size=500
        )
        audit.record(
            actor=actor,
            action="voting.codes.created",
            target=batch,
            scope=_scope(stage),
            data={"stage": stage.public_id, "partner": batch.partner, "count": size},
        )
    return batch, codes


def revoke_code_batch(*, actor, batch: VotingCodeBatch, now=None) -> int:
    """Organisers revoke a batch's unused codes (lost, or handed out wrongly); used codes keep working.

    A code being used at the same moment is either used first (and kept) or revoked first (and its
    vote refused): both are conditional updates of the same row. Returns how many were revoked.
    """
    stage = Stage.objects.select_related("edition__contest").get(pk=batch.stage_id)
    require_manager(actor, stage.edition.contest)
    now = now or timezone.now()
    with transaction.atomic():
        revoked = revoke_unused(batch.pk, now)
        VotingCodeBatch.objects.filter(pk=batch.pk).update(revoked_at=now, updated_at=now)
        audit.record(
            actor=actor,
            action="voting.codes.revoked",
            target=batch,
            scope=_scope(stage),
            data={"stage": stage.public_id, "partner": batch.partner, "count": revoked},
        )
    batch.revoked_at = now
    return revoked
