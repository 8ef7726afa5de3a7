from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


def country_codes(text: str) -> list[str]:
    """The ISO codes stored as "BY,AM" (Belarus when none)."""
    return [code for code in (text or "").split(",") if code] or ["BY"]


class VotingRules(BaseModel):
    """The published rules of one public-vote stage; frozen (and fingerprinted) once voting opens."""

    class ShowCounts(models.TextChoices):
        LIVE = "live", _("live, while voting is open")
        DELAYED = "delayed", _("delayed, as they stood some hours earlier")
        AFTER = "after", _("only after the vote has closed")

    # Version of the published rules document. Version 1 documents (frozen before the fields of
    # version 2 existed) keep their exact shape, so their stored fingerprints still reproduce.
    format_version = models.PositiveSmallIntegerField(_("rules format"), default=3, editable=False)

    stage = models.OneToOneField(
        "contests.Stage", on_delete=models.CASCADE, related_name="voting_rules", verbose_name=_("stage")
    )
    votes_per_category = models.PositiveSmallIntegerField(
        _("votes per category"), default=1, help_text=_("How many projects a voter may support per category.")
    )
    show_counts = models.CharField(
        _("show vote counts"), max_length=8, choices=ShowCounts.choices, default=ShowCounts.AFTER
    )
    count_delay_hours = models.PositiveSmallIntegerField(
        _("delay of the counts (hours)"),
        default=6,
        help_text=_("With delayed counts: the public sees the counts as they stood this many hours ago."),
    )
    allow_codes = models.BooleanField(
        _("allow voting codes"),
        default=False,
        help_text=_("People without an account may vote with a one-time code handed out by a partner."),
    )
    require_phone = models.BooleanField(
        _("require a phone check"),
        default=False,
        help_text=_("Voters with an account also confirm a phone number: one number, one voter."),
    )
    phone_countries = models.CharField(
        _("countries of the phone numbers"),
        max_length=100,
        default="BY",
        help_text=_(
            "With the phone check: the mobile numbers of these countries (ISO codes) may confirm voters."
        ),
    )
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("voting rules")
        verbose_name_plural = _("voting rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_category__gte=1, votes_per_category__lte=100),
                name="voting_rules_votes_per_category_range",
            ),
            models.CheckConstraint(
                condition=Q(count_delay_hours__gte=1, count_delay_hours__lte=168),
                name="voting_rules_count_delay_range",
            ),
        ]

    def __str__(self):
        return f"{self.stage} ({self.fingerprint[:12] or '-'})"

    @property
    def phone_country_list(self) -> list[str]:
        return country_codes(self.phone_countries)

    @property
    def phone_country_names(self) -> str:
        from hramada.places.selectors import country_name

        return ", ".join(country_name(code) for code in self.phone_country_list)


class Vote(models.Model):
    """One vote. The voter is a keyed hash (never the user id), so a leaked table shows no names.

    No public ULID on purpose: a ULID carries its creation time to the millisecond.
    The database holds the integrity rules: one counted vote per voter and project, and at most
    ``limit`` counted votes per voter and category (one row per numbered slot 1..limit).
    """

    stage = models.ForeignKey("contests.Stage", on_delete=models.PROTECT, related_name="votes")
    project = models.ForeignKey("contests.Project", on_delete=models.PROTECT, related_name="votes")
    category = models.ForeignKey("contests.Category", on_delete=models.PROTECT, related_name="votes")
    voter_hash = models.CharField(max_length=64)
    slot = models.PositiveSmallIntegerField()
    limit = models.PositiveSmallIntegerField()
    receipt_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Annulled by an organiser (fraud): the row stays, is published as "annulled" and is not counted.
    # It keeps holding its slot (both unique constraints only free a slot on withdrawal), so an
    # annulled voter cannot simply vote again with the same slot.
    annulled_at = models.DateTimeField(null=True, blank=True)
    annul_reason = models.CharField(max_length=500, blank=True)
    annulled_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [
            models.Index(fields=["voter_hash", "stage"], name="vote_voter_stage"),
            # Annulled votes are few: the results page counts them per project through this small
            # partial index instead of scanning the vote table (bench/results.py).
            models.Index(
                fields=["stage", "project"], name="vote_annulled", condition=Q(annulled_at__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "stage",
                "project",
                "voter_hash",
                condition=Q(withdrawn_at__isnull=True),
                name="vote_once_per_project",
            ),
            models.UniqueConstraint(
                "stage",
                "category",
                "voter_hash",
                "slot",
                condition=Q(withdrawn_at__isnull=True),
                name="vote_slot_once_per_category",
            ),
            models.CheckConstraint(
                condition=Q(slot__gte=1) & Q(slot__lte=F("limit")), name="vote_slot_within_limit"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(annulled_at__isnull=True),
                name="vote_not_withdrawn_and_annulled",
            ),
            models.CheckConstraint(
                condition=Q(annulled_at__isnull=True) | ~Q(annul_reason=""),
                name="vote_annulled_with_reason",
            ),
        ]

    def __str__(self):
        return f"vote for {self.project_id} in {self.stage_id}"

    @property
    def is_counted(self) -> bool:
        return self.withdrawn_at is None and self.annulled_at is None

    @property
    def status(self) -> str:
        if self.annulled_at is not None:
            return "annulled"
        return "withdrawn" if self.withdrawn_at is not None else "counted"


class VoteLog(BaseModel):
    """Append-only record of each vote attempt, for fraud signals: services only insert, nothing updates.

    It holds no user id and no voter hash, only coarse facts: a keyed hash of the network (IPv4 /24,
    IPv6 /64), the browser family, the account's age, e-mail pattern flags and the time. Rows of
    annulled votes stay, so the panel can always explain what was annulled and why.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        RATE_LIMITED = "rate_limited", _("refused: too many votes")
        CHALLENGE_FAILED = "challenge_failed", _("refused: proof of work missing or invalid")
        DISPOSABLE = "disposable", _("refused: disposable e-mail address")
        BAD_CODE = "bad_code", _("refused: wrong or revoked voting code")

    stage = models.ForeignKey("contests.Stage", on_delete=models.PROTECT, related_name="vote_log")
    project = models.ForeignKey("contests.Project", on_delete=models.PROTECT, related_name="vote_log")
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, null=True, blank=True, related_name="log")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.ACCEPTED)
    network_hash = models.CharField(max_length=64, blank=True)
    ua_family = models.CharField(max_length=40, blank=True)
    # Seconds from sign-up to this vote; null for a vote with a voting code (no account).
    account_age_seconds = models.PositiveIntegerField(null=True, blank=True)
    disposable_email = models.BooleanField(default=False)
    aliased_email = models.BooleanField(default=False)
    via_code = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote log entry")
        verbose_name_plural = _("vote log")
        indexes = [
            models.Index(fields=["stage", "at"], name="votelog_stage_at"),
            models.Index(fields=["stage", "network_hash"], name="votelog_stage_network"),
        ]

    def __str__(self):
        return f"{self.outcome} {self.project_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("The vote log is append-only.")
        super().save(*args, **kwargs)


class UsedChallenge(models.Model):
    """A proof-of-work challenge that has been spent: the unique nonce makes a replay impossible."""

    nonce = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used challenge")
        verbose_name_plural = _("used challenges")

    def __str__(self):
        return self.nonce


class VotingCodeBatch(BaseModel):
    """A batch of one-time voting codes for one public vote, handed out by a partner organisation.

    Only counts are kept: the codes themselves are shown once when the batch is made and stored as
    keyed hashes; there is no list linking codes to the people who received them.
    """

    stage = models.ForeignKey("contests.Stage", on_delete=models.PROTECT, related_name="code_batches")
    partner = models.CharField(_("partner organisation"), max_length=200)
    size = models.PositiveIntegerField(_("number of codes"))
    created_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("unused codes revoked"), null=True, blank=True)
    # Once the vote has been closed for VOTING_CODE_DAYS the codes' hashes are deleted
    # (``retention.forget_voting_codes``) and the batch keeps only these counts.
    codes_forgotten_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    revoked_count = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("batch of voting codes")
        verbose_name_plural = _("batches of voting codes")
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="code_batch_size_positive")]

    def __str__(self):
        return f"{self.partner} ({self.size})"


class VotingCode(models.Model):
    """One voting code, as a keyed hash only. Its votes are cast under a voter hash derived from this
    hash and the edition, so a code has the same per-category votes and slot constraints as an account.

    A code can be revoked only while unused (database check): revoking a batch leaves used codes alone.
    """

    batch = models.ForeignKey(VotingCodeBatch, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    first_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="voting_code_not_used_and_revoked",
            )
        ]

    def __str__(self):
        return self.code_hash[:12]


class PhoneCheck(models.Model):
    """A pending phone check of one voter in one vote: the code sent by SMS, hashed, with its limits.

    The number itself is never stored, only its keyed hash (to bind it once verified).
    """

    stage = models.ForeignKey("contests.Stage", on_delete=models.CASCADE, related_name="+")
    voter_hash = models.CharField(max_length=64)
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phone check")
        verbose_name_plural = _("phone checks")
        constraints = [
            models.UniqueConstraint("stage", "voter_hash", name="phone_check_once_per_voter"),
        ]

    def __str__(self):
        return f"phone check {self.pk}"


class VoterPhone(models.Model):
    """A verified phone number (keyed hash, per edition) bound to one voter: one number, one voter."""

    stage = models.ForeignKey("contests.Stage", on_delete=models.PROTECT, related_name="+")
    voter_hash = models.CharField(max_length=64)
    phone_hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verified phone")
        verbose_name_plural = _("verified phones")
        constraints = [
            models.UniqueConstraint("stage", "phone_hash", name="voter_phone_one_voter_per_number"),
            models.UniqueConstraint("stage", "voter_hash", name="voter_phone_one_number_per_voter"),
        ]

    def __str__(self):
        return f"phone {self.phone_hash[:12]}"


class ProjectHourCount(models.Model):
    """The change of a project's counted votes within one hour (UTC): +1 per vote, -1 per withdrawal or
    annulment, in the hour it happened. Maintained in the same transaction as the vote row.

    The count as it stood at hour H is the sum of a project's rows before H: delayed counts read a
    few rows per project, never the vote table. One row per project and hour keeps writers of
    different projects apart (no single hot row).
    """

    stage = models.ForeignKey("contests.Stage", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("contests.Project", on_delete=models.PROTECT, related_name="+")
    hour = models.DateTimeField()
    votes = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("votes per project and hour")
        verbose_name_plural = _("votes per project and hour")
        constraints = [
            models.UniqueConstraint("stage", "project", "hour", name="project_hour_count_once"),
        ]
        indexes = [models.Index(fields=["stage", "hour"], name="hourcount_stage_hour")]

    def __str__(self):
        return f"{self.project_id} {self.hour:%Y-%m-%d %H}:00 {self.votes:+d}"
