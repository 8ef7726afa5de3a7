from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class VotingRules(BaseModel):
    """The published rules of one public-vote stage; frozen (and fingerprinted) once voting opens."""

    class ShowCounts(models.TextChoices):
        LIVE = "live", _("live, while voting is open")
        DELAYED = "delayed", _("delayed, as they stood some hours earlier")
        AFTER = "after", _("only after the vote has closed")

    # Version of the published rules document. Version 1 documents (frozen before the fields of
    # version 2 existed) keep their exact shape, so their stored fingerprints still reproduce.
    format_version = models.PositiveSmallIntegerField(_("rules format"), default=2, editable=False)

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
        indexes = [models.Index(fields=["voter_hash", "stage"], name="vote_voter_stage")]
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
