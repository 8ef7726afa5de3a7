from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class SelectionRules(BaseModel):
    """The committee's rules for choosing a cohort from the reviewed applications. Frozen with a
    fingerprint together with the final list, as a contest's vote rules are."""

    cohort = models.OneToOneField(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="selection_rules"
    )
    cohort_size = models.PositiveSmallIntegerField(_("cohort size"))
    min_per_region = models.PositiveSmallIntegerField(
        _("at least this many per region"),
        default=0,
        help_text=_("Applies to every region with eligible applicants."),
    )
    max_per_community = models.PositiveSmallIntegerField(
        _("at most this many per community"), null=True, blank=True
    )
    min_women_percent = models.PositiveSmallIntegerField(_("women at least (%)"), default=0)
    min_disability = models.PositiveSmallIntegerField(
        _("people with disabilities at least"), default=0, help_text=_("Counts only data given with consent.")
    )
    waitlist_size = models.PositiveSmallIntegerField(_("waiting list length"), default=10)
    # The solver's last proposal: {"selected": [public ids], "objective": ..., "bound": ..., "status": ...}
    proposal = models.JSONField(default=dict, blank=True, editable=False)
    proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The frozen document (rules, scores, final list) whose SHA-256 is the fingerprint.
    document = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("selection rules")
        verbose_name_plural = _("selection rules")
        constraints = [
            models.CheckConstraint(condition=Q(cohort_size__gte=1), name="selection_cohort_size_positive"),
            models.CheckConstraint(
                condition=Q(min_women_percent__lte=100), name="selection_women_percent_max_100"
            ),
        ]

    def __str__(self):
        return str(self.cohort)


class SelectionChange(BaseModel):
    """The committee moved one applicant in or out of the proposed selection, with a reason."""

    class Action(models.TextChoices):
        ADD = "add", _("added to the selection")
        REMOVE = "remove", _("removed from the selection")

    rules = models.ForeignKey(SelectionRules, on_delete=models.CASCADE, related_name="changes")
    application = models.ForeignKey(
        "programmes.Application", on_delete=models.CASCADE, related_name="selection_changes"
    )
    action = models.CharField(_("change"), max_length=6, choices=Action.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("change to the selection")
        verbose_name_plural = _("changes to the selection")
