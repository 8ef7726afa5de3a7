"""Expert review: rubrics and criteria, review rounds, the items reviewed, reviewers, conflicts,
assignments and scores.

Generic on purpose: a round reviews "items" named by a ``subject_key`` (``contests.project:123``), so a
contest's expert review, the jury final and programme selection all use it without this app importing
them. Changes go through ``services``; the database holds what it can (one review per reviewer and
item, one score per criterion, scales and weights that make sense).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class Rubric(BaseModel):
    """A scoring scheme of an organisation: weighted criteria, each on its own scale."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="rubrics"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.title


class Criterion(BaseModel):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
        ]

    def __str__(self):
        return self.title


class Purpose(models.TextChoices):
    EXPERT_REVIEW = "expert_review", _("expert review")
    JURY = "jury", _("jury")
    SELECTION = "selection", _("selection")
    OTHER = "other", _("other")


class Round(BaseModel):
    """One review exercise: a set of items scored with one rubric by a set of reviewers."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="review_rounds",
    )
    title = models.CharField(_("title"), max_length=200)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="rounds"
    )
    purpose = models.CharField(_("purpose"), max_length=40, default=Purpose.EXPERT_REVIEW)
    reviews_per_item = models.PositiveSmallIntegerField(_("reviews per item"), default=3)
    normalise = models.BooleanField(
        _("rank by normalised scores"),
        default=False,
        help_text=_(
            "Turn each reviewer's totals into z-scores before averaging, to even out strict and lenient reviewers."
        ),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    subject_label = models.CharField(_("what is reviewed"), max_length=60, blank=True)
    instructions = models.TextField(_("instructions for reviewers"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(reviews_per_item__gte=1), name="round_reviews_per_item_positive"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, now) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


class Item(BaseModel):
    """Something reviewed in a round (a project, a finalist's pitch, an application)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    subject_key = models.CharField(_("subject"), max_length=120)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("applicant organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("reviewed item")
        verbose_name_plural = _("reviewed items")
        constraints = [models.UniqueConstraint("round", "subject_key", name="review_item_once_per_round")]

    def __str__(self):
        return self.title


class Reviewer(BaseModel):
    """A person scoring in a round: an expert, or a juror. ``user`` is cleared if they erase their
    account; their submitted reviews stay, pseudonymised."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_roles",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("reviewer's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the "round closes soon" reminder went out: once per reviewer and round (services.send_reminders).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint("round", "user", name="reviewer_once_per_round")]

    def __str__(self):
        return self.user.display_name if self.user_id else str(_("former reviewer"))


class Conflict(BaseModel):
    """A declared conflict of interest: the reviewer is never assigned the item."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint("reviewer", "item", name="conflict_once")]

    def __str__(self):
        return f"{self.reviewer} × {self.item}"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("to do")
    DONE = "done", _("done")


class Assignment(BaseModel):
    """One reviewer's review of one item: pending until scored, then done (editable until closing)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    manual = models.BooleanField(_("assigned by hand"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint("reviewer", "item", name="assignment_once"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(submitted_at__isnull=False), name="assignment_done_has_time"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.reviewer} → {self.item}"


class Score(models.Model):
    """One criterion's score in a review. The scale is the criterion's; the service checks it."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("score"))

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint("assignment", "criterion", name="score_once_per_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
