"""Every change to the public vote: its rules, votes and withdrawals.

Integrity rule (never more votes than allowed): the database holds it. A counted vote takes one
numbered slot 1..limit of its voter in its category, and two partial unique indexes (one counted vote
per voter and project; one counted vote per voter, category and slot) plus ``slot <= limit`` make an
extra vote impossible, however many requests race. The service checks first for a friendly message,
takes the lowest free slot, and on a unique violation re-reads and tries the next free slot.

Privacy rule: the vote table and the audit log never hold the voter's identity; the voter is a keyed
hash of the user and the edition (``selectors.voter_hash``).
"""

import secrets
from contextlib import nullcontext
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hramada.contests.models import Project, Stage
from hramada.contests.services import require_manager
from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.orgs.models import Organisation

from . import antifraud, codes, writes
from .models import UsedChallenge, Vote, VoteLog, VoterPhone, VotingCode, VotingRules
from .selectors import _RECEIPT_ALPHABET, receipt_hash, rules_fingerprint, voter_hash

MAX_VOTES_PER_CATEGORY = 100


def new_receipt_code() -> str:
    """A one-time receipt shown to the voter once: 80 random bits as XXXX-XXXX-XXXX-XXXX."""
    bits = int.from_bytes(secrets.token_bytes(10))
    chars = "".join([_RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(16)])
    return f"{chars[0:4]}-{chars[4:8]}-{chars[8:12]}-{chars[12:16]}"


def _scope(stage: Stage):
    return (Organisation, stage.edition.contest.organisation_id)


def _require_vote_stage(stage: Stage) -> None:
    if stage.kind != Stage.Kind.PUBLIC_VOTE:
        raise DomainError(_("Voting rules belong to a public-vote stage."))


def _locked_rules(stage: Stage) -> VotingRules:
    """The stage's rules row, created with the defaults if missing, locked until the transaction ends."""
    rules = VotingRules.objects.select_for_update().filter(stage=stage).first()
    if rules is None:
        try:
            with transaction.atomic():
                rules = VotingRules(stage=stage)
                rules.fingerprint = rules_fingerprint(rules)
                rules.save()
        except IntegrityError:
            pass  # created by a concurrent request: lock theirs
        rules = VotingRules.objects.select_for_update().get(stage=stage)
    rules.stage = stage
    return rules


RULE_FIELDS = (
    "votes_per_category",
    "show_counts",
    "count_delay_hours",
    "allow_codes",
    "require_phone",
    "phone_countries",
)


def _phone_countries(codes: list[str]) -> list[str]:
    import phonenumbers

    codes = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    unknown = [code for code in codes if code not in phonenumbers.SUPPORTED_REGIONS]
    if unknown or not 1 <= len(codes) <= 10:
        raise DomainError(
            _("Give one to ten two-letter country codes, for example BY, AM, MD (not known: %(codes)s).")
            % {"codes": ", ".join(unknown) or "-"},
            field="phone_countries",
        )
    return codes


@transaction.atomic
def update_rules(
    *,
    actor,
    stage: Stage,
    votes_per_category: int | None = None,
    show_counts: str | None = None,
    count_delay_hours: int | None = None,
    allow_codes: bool | None = None,
    require_phone: bool | None = None,
    phone_countries: list[str] | None = None,
    now=None,
) -> VotingRules:
    """Organisers set the rules of a public vote; once voting has opened (or the rules were frozen) they cannot change."""
    _require_vote_stage(stage)
    require_manager(actor, stage.edition.contest)
    now = now or timezone.now()
    rules = _locked_rules(stage)
    if rules.frozen_at is not None or now >= stage.starts_at:
        raise DomainError(
            _(
                "The voting rules are frozen: they cannot change once voting has opened or the rules "
                "were published (fingerprint %(fingerprint)s)."
            )
            % {"fingerprint": rules.fingerprint[:12]}
        )
    before = {name: getattr(rules, name) for name in RULE_FIELDS}
    if votes_per_category is not None:
        if not 1 <= votes_per_category <= MAX_VOTES_PER_CATEGORY:
            raise DomainError(
                _("A voter has between 1 and %(max)s votes per category.") % {"max": MAX_VOTES_PER_CATEGORY},
                field="votes_per_category",
            )
        rules.votes_per_category = votes_per_category
    if show_counts is not None:
        if show_counts not in VotingRules.ShowCounts.values:
            raise DomainError(_("Choose when vote counts are shown."), field="show_counts")
        rules.show_counts = show_counts
    if count_delay_hours is not None:
        if not 1 <= count_delay_hours <= 168:
            raise DomainError(
                _("The delay of the counts is between 1 and 168 hours (a week)."), field="count_delay_hours"
            )
        rules.count_delay_hours = count_delay_hours
    if allow_codes is not None:
        rules.allow_codes = bool(allow_codes)
    if require_phone is not None:
        rules.require_phone = bool(require_phone)
    if phone_countries is not None:
        rules.phone_countries = ",".join(_phone_countries(phone_countries))
    rules.fingerprint = rules_fingerprint(rules)
    rules.save()
    audit.record(
        actor=actor,
        action="voting.rules.updated",
        target=rules,
        scope=_scope(stage),
        data={
            "before": before,
            "after": {name: getattr(rules, name) for name in RULE_FIELDS},
            "fingerprint": rules.fingerprint,
        },
    )
    return rules


@transaction.atomic
def freeze_rules(*, stage: Stage, actor=None, now=None) -> VotingRules:
    """Freeze and fingerprint a vote's rules: organisers publish them, or the vote opening does it.

    Without ``actor`` (the system) it only freezes a stage that has opened; idempotent either way.
    """
    _require_vote_stage(stage)
    now = now or timezone.now()
    if actor is not None:
        require_manager(actor, stage.edition.contest)
    elif now < stage.starts_at:
        raise DomainError(_("Voting has not opened yet."))
    rules = _locked_rules(stage)
    if rules.frozen_at is not None:
        return rules
    rules.frozen_at = now
    rules.fingerprint = rules_fingerprint(rules)
    rules.save(update_fields=["frozen_at", "fingerprint", "updated_at"])
    audit.record(
        actor=actor,
        action="voting.rules.frozen",
        target=rules,
        scope=_scope(stage),
        data={"fingerprint": rules.fingerprint, "votes_per_category": rules.votes_per_category},
    )
    return rules


def freeze_due_rules(*, now=None) -> int:
    """Freeze the rules of every public vote that has opened (for a periodic task); returns how many."""
    now = now or timezone.now()
    due = Stage.objects.filter(kind=Stage.Kind.PUBLIC_VOTE, starts_at__lte=now).exclude(
        voting_rules__frozen_at__isnull=False
    )
    count = 0
    for stage in due.select_related("edition__contest"):
        freeze_rules(stage=stage, now=now)
        count += 1
    return count


def _frozen_rules(stage: Stage, now) -> VotingRules:
    relation = Stage._meta.get_field("voting_rules")
    if relation.is_cached(stage):  # read with the stage (selectors.vote_target)
        rules = relation.get_cached_value(stage)
    else:
        rules = VotingRules.objects.filter(stage=stage).first()
    if rules is not None and rules.frozen_at is not None:
        return rules
    return freeze_rules(stage=stage, now=now)  # the first vote freezes the rules of a vote that opened


def _counted(stage: Stage, category_id: int, voter: str) -> list[tuple[int, int]]:
    """(project id, slot) of the voter's counted votes in a category."""
    return list(
        Vote.objects.filter(
            stage=stage, category_id=category_id, voter_hash=voter, withdrawn_at__isnull=True
        ).values_list("project_id", "slot")
    )


def _hour(now):
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _all_used(limit: int) -> DomainError:
    return DomainError(
        ngettext(
            "You have used your %(n)s vote in this category. Withdraw it to vote for another project.",
            "You have used all %(n)s votes in this category. Withdraw one to vote for another project.",
            limit,
        )
        % {"n": limit}
    )


def _already_voted() -> DomainError:
    return DomainError(_("You have already voted for this project."))


def _log_refusal(stage, project, outcome, meta, facts, now, via_code=False) -> None:
    VoteLog.objects.create(
        via_code=via_code,
        stage=stage,
        project=project,
        outcome=outcome,
        network_hash=antifraud.network_hash(meta.ip),
        ua_family=antifraud.ua_family(meta.user_agent),
        account_age_seconds=facts.age_seconds,
        disposable_email=facts.disposable,
        aliased_email=facts.aliased,
        at=now,
    )


def purge_challenges(*, now=None) -> int:
    """Forget spent challenges that have expired anyway (a periodic job); returns how many."""
    deleted, _by_model = UsedChallenge.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def _replayed_refusal() -> DomainError:
    return DomainError(
        _("This browser check was already used. Reload the page and vote again."), field="altcha"
    )


def _check_challenge(
    *, payload: str, required_level: int, stage, project, meta, facts, now, via_code=False
) -> antifraud.CheckedChallenge:
    """Check the proof of work (signature, expiry, solution, project, level). It is spent later, in
    the vote's own transaction (``UsedChallenge``, unique nonce): a challenge is good for one vote
    only, and only for the project it was issued for."""
    checked = antifraud.check_challenge(payload)
    if checked is None:
        _log_refusal(stage, project, VoteLog.Outcome.CHALLENGE_FAILED, meta, facts, now, via_code)
        raise DomainError(
            _("The browser check did not complete. Wait for the check to finish, then press Vote again."),
            field="altcha",
        )
    if checked.project != project.public_id:
        _log_refusal(stage, project, VoteLog.Outcome.CHALLENGE_FAILED, meta, facts, now, via_code)
        raise DomainError(
            _("This browser check was made for another project. Reload the page and vote again."),
            field="altcha",
        )
    if checked.level < required_level:
        raise DomainError(
            _(
                "Many votes came from your network just now, so the browser check takes a little longer. "
                "Please press Vote again."
            ),
            field="altcha",
        )
    return checked


def _friction(
    *, stage, project, voter: str, network: str, meta, challenge: str | None, facts, now, via_code=False
) -> antifraud.CheckedChallenge | None:
    """Rate limits and the proof of work, for votes that arrive over the web (``request_meta`` given).

    Returns the checked challenge for the vote's transaction to spend (None when no proof of work
    is required)."""
    level, broken = antifraud.vote_attempt(
        account=voter, network=network, account_age=facts.age_seconds, stage=stage, now=now
    )
    if broken is not None:
        _log_refusal(stage, project, VoteLog.Outcome.RATE_LIMITED, meta, facts, now, via_code)
        if broken == "network":
            raise DomainError(_("Too many votes from your network right now. Please try again in a minute."))
        raise DomainError(_("You are voting very fast. Please wait a minute and try again."))
    if not antifraud.pow_required():
        return None
    return _check_challenge(
        payload=challenge or "",
        required_level=level,
        stage=stage,
        project=project,
        meta=meta,
        facts=facts,
        now=now,
        via_code=via_code,
    )


def _open_stage(project: Project, now) -> Stage:
    """The project's open public-vote stage; already loaded on a project from ``selectors.vote_target``."""
    if project.status != Project.Status.ELIGIBLE:
        raise DomainError(_("This project is not taking part in the vote."))
    if hasattr(project, "vote_stage"):
        stage = project.vote_stage
    else:
        stage = (
            Stage.objects.filter(edition_id=project.edition_id, kind=Stage.Kind.PUBLIC_VOTE)
            .select_related("edition__contest")
            .first()
        )
    if stage is None or not stage.is_open(now):
        raise DomainError(_("Voting is not open."))
    return stage


def _code_refused(revoked: bool) -> DomainError:
    if revoked:
        return DomainError(
            _("This voting code was revoked by the organisers. Ask the partner who gave it to you."),
            field="code",
        )
    return DomainError(
        _("This voting code is not valid for this vote. Check that you typed it as printed."), field="code"
    )


def voting_code(
    *, stage: Stage, code: str, meta: antifraud.RequestMeta, project=None, now=None
) -> VotingCode:
    """The stored code of this vote for a typed code; wrong codes are counted per network and refused
    for the rest of the hour above the limit, so codes cannot be guessed at scale."""
    now = now or timezone.now()
    network = antifraud.network_hash(meta.ip)
    facts = antifraud.AccountFacts(age_seconds=None, disposable=False, aliased=False)
    if antifraud.hourly_count("badcode", network, now) >= antifraud.limits()["network_bad_codes_per_hour"]:
        if project is not None:
            _log_refusal(stage, project, VoteLog.Outcome.RATE_LIMITED, meta, facts, now, via_code=True)
        raise DomainError(
            _("Too many wrong voting codes were tried from your network. Please try again in an hour."),
            field="code",
        )
    row = codes.find_code(stage, code)
    if row is None or row.revoked_at is not None:
        antifraud.bump_hourly("badcode", network, now)
        if project is not None:
            _log_refusal(stage, project, VoteLog.Outcome.BAD_CODE, meta, facts, now, via_code=True)
        raise _code_refused(revoked=row is not None)
    return row


def has_verified_phone(stage: Stage, voter: str) -> bool:
    return VoterPhone.objects.filter(stage=stage, voter_hash=voter).exists()


def cast_vote(
    *,
    user=None,
    project: Project,
    code: str | None = None,
    now=None,
    request_meta: antifraud.RequestMeta | None = None,
    challenge: str | None = None,
) -> tuple[Vote, str]:
    """A voter with a verified, non-disposable e-mail (and a verified phone when the rules ask for
    one), or a holder of a valid voting code when the rules allow codes, supports an eligible project
    while the vote is open, within the per-category limit.

    Votes arriving over the web pass ``request_meta`` (client address and user agent): they are rate
    limited and must carry a solved, unused proof-of-work ``challenge``. Without it (internal callers:
    demo data, tests) those gates are skipped. Every accepted vote is written to the append-only log.
    Returns the vote and its receipt code, which is shown once and stored only as a hash.
    """
    now = now or timezone.now()
    meta = request_meta or antifraud.RequestMeta()
    code_row = None
    if code is not None:
        stage = _open_stage(project, now)
        rules = _frozen_rules(stage, now)
        if not rules.allow_codes:
            raise DomainError(_("This vote does not accept voting codes."), field="code")
        code_row = voting_code(stage=stage, code=code, meta=meta, project=project, now=now)
        voter = codes.code_voter_hash(code_row, stage)
        facts = antifraud.AccountFacts(age_seconds=None, disposable=False, aliased=False)
    else:
        if user is None or not user.is_authenticated:
            raise DomainError(_("Sign in to vote."))
        # One read of the verified addresses, unless the vote's lookup brought them along.
        facts = antifraud.account_facts(user, now, getattr(project, "voter_emails", None))
        if not facts.verified:
            raise DomainError(_("Confirm your e-mail address to vote: open the link we sent you."))
        stage = _open_stage(project, now)
        if facts.disposable:
            _log_refusal(stage, project, VoteLog.Outcome.DISPOSABLE, meta, facts, now)
            raise DomainError(
                _(
                    "Addresses from throw-away e-mail services cannot vote. Add an address you keep "
                    "on your account page, confirm it, and vote again."
                )
            )
        rules = _frozen_rules(stage, now)
        voter = voter_hash(user, stage)
        if rules.require_phone and not has_verified_phone(stage, voter):
            raise DomainError(
                _("This vote asks every voter to confirm a phone number once. Confirm yours, then vote."),
                field="phone",
            )
    limit = rules.votes_per_category
    network = antifraud.network_hash(meta.ip)
    checked = None
    if request_meta is not None:
        checked = _friction(
            stage=stage,
            project=project,
            voter=voter,
            network=network,
            meta=meta,
            challenge=challenge,
            facts=facts,
            now=now,
            via_code=code_row is not None,
        )

    # The first pass does not read: it tries slot 1, free for a voter's first vote in the category
    # (the usual case, and the only one with the default limit of 1). The constraints refuse it
    # otherwise, and each later pass reads the voter's votes first: a unique violation means the voter
    # has a vote there (a concurrent request's included: PostgreSQL makes the loser wait for the
    # winner's commit), so the next read sees it. Every pass returns, refuses, or finds a slot taken.
    free = [1]
    for attempt in range(limit + 2):
        if attempt:
            counted = _counted(stage, project.category_id, voter)
            if any(project_id == project.pk for project_id, _slot in counted):
                raise _already_voted()
            taken = {slot for _project_id, slot in counted}
            free = [slot for slot in range(1, limit + 1) if slot not in taken]
            if not free:
                raise _all_used(limit)
        receipt = new_receipt_code()
        accepted = writes.AcceptedVote(
            stage_id=stage.pk,
            project_id=project.pk,
            category_id=project.category_id,
            voter_hash=voter,
            slot=free[0],
            limit=limit,
            receipt_hash=receipt_hash(receipt),
            at=now,
            hour=_hour(now),
            network_hash=network,
            ua_family=antifraud.ua_family(meta.user_agent),
            account_age_seconds=facts.age_seconds,
            disposable_email=facts.disposable,
            aliased_email=facts.aliased,
            via_code=code_row is not None,
            # No actor and no voter hash: the audit log shows that a vote was cast, not by whom.
            audit_row=audit.entry_row(
                actor=None,
                action="voting.vote.cast",
                target=project,
                scope=_scope(stage),
                data={"project": project.public_id, "stage": stage.public_id},
                now=now,
            ),
            # The challenge is spent with the vote, all or nothing: an accepted vote always spends
            # one, a refused or failed vote never does (see docs/contests.md), and a replay (or a
            # double-click racing this request) hits the unique nonce and is refused.
            challenge_nonce=checked.nonce if checked is not None else None,
            challenge_expires_at=checked.expires_at if checked is not None else None,
        )
        try:
            with transaction.atomic() if code_row is not None else nullcontext():
                if code_row is not None and not codes.use_code(code_row.pk, now):
                    # Revoked since it was read: the revocation committed first, so the code stays unused.
                    raise _code_refused(revoked=True)
                vote_id = writes.record_vote(accepted)
        except writes.VoteRefused as refused:
            if not refused.replay:
                continue
            _log_refusal(
                stage, project, VoteLog.Outcome.CHALLENGE_FAILED, meta, facts, now, code_row is not None
            )
            raise _replayed_refusal() from None
        vote = Vote(
            pk=vote_id,
            stage=stage,
            project=project,
            category_id=project.category_id,
            voter_hash=voter,
            slot=free[0],
            limit=limit,
            receipt_hash=accepted.receipt_hash,
            created_at=now,
        )
        vote._state.adding = False
        if code_row is None:
            antifraud.count_new_account_vote(
                stage=stage, network=network, account_age=facts.age_seconds, now=now
            )
        return vote, receipt
    if Vote.objects.filter(
        stage=stage, project=project, voter_hash=voter, withdrawn_at__isnull=True
    ).exists():
        raise _already_voted()
    raise _all_used(limit)


def withdraw_vote(*, user=None, vote: Vote, code: str | None = None, now=None, request_meta=None) -> Vote:
    """A voter (or a code holder) withdraws their own vote while the vote is open; the slot and the
    project's count are freed."""
    now = now or timezone.now()
    stage = Stage.objects.select_related("edition__contest").get(pk=vote.stage_id)
    if code is not None:
        code_row = voting_code(stage=stage, code=code, meta=request_meta or antifraud.RequestMeta(), now=now)
        owner = codes.code_voter_hash(code_row, stage)
    elif user is not None and user.is_authenticated:
        owner = voter_hash(user, stage)
    else:
        owner = None
    if owner is None or vote.voter_hash != owner:
        raise DomainError(_("This is not your vote."))
    if not stage.is_open(now):
        raise DomainError(_("Voting has closed: votes can no longer be withdrawn."))
    with transaction.atomic():
        # Conditional update: of two simultaneous withdrawals (or a withdrawal and an annulment) only
        # one changes the vote and decrements the count.
        changed = Vote.objects.filter(pk=vote.pk, withdrawn_at__isnull=True, annulled_at__isnull=True).update(
            withdrawn_at=now
        )
        if not changed:
            if Vote.objects.filter(pk=vote.pk, annulled_at__isnull=False).exists():
                raise DomainError(_("This vote was annulled by the organisers; it cannot be withdrawn."))
            raise DomainError(_("This vote has already been withdrawn."))
        writes.change_count(stage_id=stage.pk, project_id=vote.project_id, hour=_hour(now), delta=-1)
        audit.record(
            actor=None,
            action="voting.vote.withdrawn",
            target=vote.project,
            scope=_scope(stage),
            data={"project": vote.project.public_id, "stage": stage.public_id},
        )
    vote.withdrawn_at = now
    return vote


def annul_votes(*, actor, stage: Stage, votes, reason: str, now=None) -> int:
    """Organisers annul counted votes of their vote with a reason; each is uncounted exactly once.

    The votes stay in the table, the log and the ballot (as "annulled"), and keep their slots: an
    annulled vote is not given back to the voter to spend again. Returns how many were annulled now.
    """
    now = now or timezone.now()
    _require_vote_stage(stage)
    require_manager(actor, stage.edition.contest)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for annulling these votes: it is kept with them."), field="reason")
    if len(reason) > 500:
        raise DomainError(_("Keep the reason under 500 characters."), field="reason")
    ids = sorted({vote.pk if isinstance(vote, Vote) else int(vote) for vote in votes})
    if not ids:
        raise DomainError(_("Select the votes to annul."))
    person = getattr(actor, "person", None)
    annulled: dict[int, int] = {}
    with transaction.atomic():
        rows = Vote.objects.filter(pk__in=ids, stage=stage).order_by("id").values_list("id", "project_id")
        for vote_id, project_id in rows:
            # Conditional update, as for withdrawals: of two racing annulments (or an annulment and a
            # withdrawal) only one uncounts the vote.
            changed = Vote.objects.filter(
                pk=vote_id, withdrawn_at__isnull=True, annulled_at__isnull=True
            ).update(annulled_at=now, annul_reason=reason, annulled_by=person)
            if changed:
                annulled[project_id] = annulled.get(project_id, 0) + 1
        for project_id, n in sorted(annulled.items()):
            writes.change_count(stage_id=stage.pk, project_id=project_id, hour=_hour(now), delta=-n)
        total = sum(annulled.values())
        if total:
            projects = dict(Project.objects.filter(pk__in=annulled).values_list("id", "public_id"))
            audit.record(
                actor=actor,
                action="voting.vote.annulled",
                target=stage,
                scope=_scope(stage),
                data={
                    "stage": stage.public_id,
                    "reason": reason,
                    "count": total,
                    "projects": {projects[pid]: n for pid, n in sorted(annulled.items())},
                },
            )
    return total


def guard_stage_edit(stage: Stage, new_starts_at, new_ends_at) -> None:
    """A public vote whose rules are frozen keeps its window: the published fingerprint covers it."""
    if stage.kind != Stage.Kind.PUBLIC_VOTE:
        return
    rules = VotingRules.objects.filter(stage=stage).first()
    frozen = (rules is not None and rules.frozen_at is not None) or timezone.now() >= stage.starts_at
    if frozen and (new_starts_at != stage.starts_at or new_ends_at != stage.ends_at):
        raise DomainError(
            _(
                "The dates of an opened public vote cannot change: its published rules and their "
                "fingerprint cover the voting window. Close the vote early instead."
            )
        )
