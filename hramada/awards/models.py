"""Finalists, the jury final, awards and sponsors' pledges of a contest edition.

The expert review and the jury final are rounds of the ``reviews`` app; ``ReviewStage`` ties each to
its edition. The finalist rule is frozen and fingerprinted when the first finalists are confirmed, as
the voting rules are when the vote opens.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel


class ReviewStage(BaseModel):
    """The expert review or the jury final of an edition: a ``reviews`` round (one of each per edition)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("expert review")
        JURY = "jury", _("jury final")

    edition = models.ForeignKey("contests.Edition", on_delete=models.CASCADE, related_name="review_stages")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    round = models.OneToOneField("reviews.Round", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["edition", "kind"]
        verbose_name = _("review stage")
        verbose_name_plural = _("review stages")
        constraints = [models.UniqueConstraint("edition", "kind", name="awards_one_review_stage_per_kind")]

    def __str__(self):
        return f"{self.edition}: {self.get_kind_display()}"


class FinalistRule(BaseModel):
    """How an edition's finalists are chosen in each category; frozen once finalists are confirmed."""

    class Method(models.TextChoices):
        FORMULA = "formula", _("formula: weighted public vote and expert score")
        HISTORICAL = "historical", _("historical: half by the public vote, half by the experts")

    class TieBreak(models.TextChoices):
        VOTES = "votes", _("more votes first, then the higher expert score")
        EXPERTS = "experts", _("higher expert score first, then more votes")

    FORMAT_VERSION = 1

    edition = models.OneToOneField("contests.Edition", on_delete=models.CASCADE, related_name="finalist_rule")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.FORMULA)
    vote_weight = models.DecimalField(
        _("weight of the public vote"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    expert_weight = models.DecimalField(
        _("weight of the expert score"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    finalists_per_category = models.PositiveSmallIntegerField(_("finalists per category"), default=4)
    use_normalised = models.BooleanField(
        _("use the normalised expert score"),
        default=True,
        help_text=_("Per-reviewer z-scores correct for strict and lenient experts; otherwise the raw score."),
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=8, choices=TieBreak.choices, default=TieBreak.VOTES
    )
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("finalist rule")
        verbose_name_plural = _("finalist rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    vote_weight__gte=0, vote_weight__lte=1, expert_weight__gte=0, expert_weight__lte=1
                ),
                name="awards_rule_weights_in_range",
            ),
            # Within a rounding margin: SQLite compares decimals as floats (0.3 + 0.7 may not be exactly 1).
            models.CheckConstraint(
                condition=Q(GreaterThan(F("vote_weight") + F("expert_weight"), Decimal("0.9995")))
                & Q(LessThan(F("vote_weight") + F("expert_weight"), Decimal("1.0005"))),
                name="awards_rule_weights_sum_to_one",
            ),
            models.CheckConstraint(
                condition=Q(finalists_per_category__gte=1), name="awards_rule_one_finalist_or_more"
            ),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True) | ~Q(fingerprint=""),
                name="awards_frozen_rule_has_fingerprint",
            ),
        ]

    def __str__(self):
        return f"{self.edition}: {self.get_method_display()}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Finalist(BaseModel):
    """A project confirmed as a finalist of its category, with why (a snapshot of the proposal)."""

    class Source(models.TextChoices):
        FORMULA = "formula", _("formula")
        PUBLIC_VOTE = "public_vote", _("public vote")
        EXPERTS = "experts", _("expert committee")
        ORGANISERS = "organisers", _("organisers' decision")

    edition = models.ForeignKey("contests.Edition", on_delete=models.CASCADE, related_name="finalists")
    category = models.ForeignKey("contests.Category", on_delete=models.CASCADE, related_name="finalists")
    project = models.OneToOneField("contests.Project", on_delete=models.PROTECT, related_name="finalist")
    source = models.CharField(_("chosen by"), max_length=12, choices=Source.choices)
    position = models.PositiveSmallIntegerField(pgettext_lazy("a finalist's rank", "position"))
    explanation = models.JSONField(default=dict, blank=True)
    deviation_reason = models.TextField(_("reason for departing from the proposal"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category__order", "category_id", "position"]
        verbose_name = _("finalist")
        verbose_name_plural = _("finalists")
        constraints = [
            models.UniqueConstraint("category", "position", name="awards_finalist_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="awards_finalist_position_positive"),
        ]

    def __str__(self):
        return str(self.project)


class Pledge(BaseModel):
    """A sponsor's offer to fund a prize (their own nomination); organisers accept or decline it."""

    class Status(models.TextChoices):
        DECLARED = "declared", _("declared")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    edition = models.ForeignKey("contests.Edition", on_delete=models.CASCADE, related_name="pledges")
    sponsor = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="pledges")
    category = models.ForeignKey(
        "contests.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
        help_text=_("Leave empty for the sponsor's own nomination across the edition."),
    )
    title = models.CharField(_("title of the prize"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="BYN")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DECLARED)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["edition", "created_at", "id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="awards_pledge_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status="declared", decided_at__isnull=True)
                | (~Q(status="declared") & Q(decided_at__isnull=False)),
                name="awards_pledge_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.sponsor})"


class Award(BaseModel):
    """A prize of an edition (per category or across it), its amount, sponsor and winner."""

    edition = models.ForeignKey("contests.Edition", on_delete=models.CASCADE, related_name="awards")
    category = models.ForeignKey(
        "contests.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        help_text=_("Leave empty for a prize open to every finalist."),
    )
    title = models.CharField(_("title"), max_length=200)
    project = models.ForeignKey(
        "contests.Project",
        verbose_name=_("winner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    prize_amount = models.DecimalField(_("prize amount"), max_digits=12, decimal_places=2, default=Decimal(0))
    currency = models.CharField(_("currency"), max_length=3, default="BYN")
    sponsor = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_awards",
    )
    pledge = models.OneToOneField(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    order = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["edition", "order", "category_id", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(condition=Q(prize_amount__gte=0), name="awards_prize_not_negative"),
            models.CheckConstraint(
                condition=Q(project__isnull=True, decided_at__isnull=True)
                | Q(project__isnull=False, decided_at__isnull=False),
                name="awards_winner_has_decision_time",
            ),
        ]

    def __str__(self):
        return self.title


class Publication(BaseModel):
    """The moment an edition's results (finalists, winners, awards) were published."""

    edition = models.OneToOneField(
        "contests.Edition", on_delete=models.CASCADE, related_name="results_publication"
    )
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("results publication")
        verbose_name_plural = _("results publications")

    def __str__(self):
        return f"{self.edition}: {self.published_at:%Y-%m-%d}"
