from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class VotingRules(BaseModel):
    """The published rules of one public-vote stage; frozen (and fingerprinted) once voting opens."""

    class ShowCounts(models.TextChoices):
        LIVE = "live", _("live, while voting is open")
        AFTER = "after", _("only after the vote has closed")

    stage = models.OneToOneField(
        "contests.Stage", on_delete=models.CASCADE, related_name="voting_rules", verbose_name=_("stage")
    )
    votes_per_category = models.PositiveSmallIntegerField(
        _("votes per category"), default=1, help_text=_("How many projects a voter may support per category.")
    )
    show_counts = models.CharField(
        _("show vote counts"), max_length=8, choices=ShowCounts.choices, default=ShowCounts.AFTER
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
            )
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
        ]

    def __str__(self):
        return f"vote for {self.project_id} in {self.stage_id}"

    @property
    def is_counted(self) -> bool:
        return self.withdrawn_at is None
