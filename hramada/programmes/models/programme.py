from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel


class Programme(BaseModel):
    """A programme run by a lead organisation ("Leadership in local communities"), with partner
    organisations, one per country, and yearly cohorts."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    donors = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("donors"), blank=True, related_name="funded_programmes"
    )
    # Empty while a draft: only its organisers see it. Set by ``services.publish_programme``.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title


class Partner(BaseModel):
    """A partner organisation that runs the programme in one country: it manages the applicants and
    participants of that country, and sees no other country's people."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programme_partnerships",
    )
    country = models.ForeignKey(
        "places.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["country__name", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint("programme", "country", name="programme_partner_once_per_country"),
            models.UniqueConstraint("programme", "organisation", name="programme_partner_once"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.country})"


class Cohort(BaseModel):
    """One edition of a programme: its call for applications, its selection, its participants and
    sessions ("Leadership in local communities, 2016")."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("draft")
        CALL = "call", _("call for applications")
        REVIEW = "review", _("review and selection")
        RUNNING = "running", pgettext_lazy("a cohort's phase", "running")
        FINISHED = "finished", pgettext_lazy("a cohort's phase", "finished")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cohorts"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    description = models.TextField(_("description"), blank=True)
    application_form = models.ForeignKey(
        "questions.Form",
        verbose_name=_("application form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    call_opens_at = models.DateTimeField(_("call opens"), null=True, blank=True)
    call_closes_at = models.DateTimeField(_("application deadline"), null=True, blank=True)
    review_round = models.OneToOneField(
        "reviews.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Completion rule: the share of the cohort's sessions attended, and whether an action plan must
    # have been submitted.
    min_attendance_percent = models.PositiveSmallIntegerField(_("sessions to attend (%)"), default=80)
    requires_action_plan = models.BooleanField(_("an action plan must be submitted"), default=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "-starts_on", "id"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint("programme", "slug", name="cohort_slug_unique_in_programme"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cohort_ends_after_start"),
            models.CheckConstraint(
                condition=Q(call_opens_at__isnull=True)
                | Q(call_closes_at__isnull=True)
                | Q(call_closes_at__gt=F("call_opens_at")),
                name="cohort_call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="cohort_attendance_percent_max_100"
            ),
        ]

    def __str__(self):
        return self.title

    def call_is_open(self, now) -> bool:
        return (
            self.published_at is not None
            and self.call_opens_at is not None
            and self.call_opens_at <= now
            and (self.call_closes_at is None or now < self.call_closes_at)
        )


class EligibilityRule(models.Model):
    """An eligibility question of the call: an application whose answer fails it is screened out
    automatically, and the applicant sees ``reason``."""

    class Test(models.TextChoices):
        EQUALS = "equals", _("answer is")
        ONE_OF = "one_of", _("answer is one of")
        AT_LEAST = "at_least", _("number is at least")
        AT_MOST = "at_most", _("number is at most")
        CHECKED = "checked", _("box is ticked")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="eligibility_rules")
    question = models.ForeignKey(
        "questions.Question", verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    test = models.CharField(_("test"), max_length=10, choices=Test.choices)
    value = models.CharField(
        _("value"), max_length=300, blank=True, help_text=_("For “one of”, one value per line.")
    )
    reason = models.CharField(_("reason shown to the applicant"), max_length=300)

    class Meta:
        ordering = ["id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return self.reason


class Application(BaseModel):
    """A person's application to a cohort, from draft to decision. The partner of the applicant's
    country manages it; the lead organisation sees all."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("an application's status", "draft")
        SUBMITTED = "submitted", pgettext_lazy("an application's status", "submitted")
        INELIGIBLE = "ineligible", pgettext_lazy("an application's status", "not eligible")
        ACCEPTED = "accepted", pgettext_lazy("an application's status", "accepted")
        WAITLISTED = "waitlisted", pgettext_lazy("an application's status", "on the waiting list")
        REJECTED = "rejected", pgettext_lazy("an application's status", "not selected")
        WITHDRAWN = "withdrawn", pgettext_lazy("an application's status", "withdrawn")
        DECLINED = "declined", pgettext_lazy("an application's status", "place declined")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="programme_applications"
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The reverse accessor names the owner of the answers' files for ``questions.registry``.
    response = models.OneToOneField(
        "questions.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_application",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The reasons of the eligibility rules the answers failed, as shown to the applicant.
    ineligible_reasons = models.JSONField(default=list, blank=True)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint("cohort", "person", name="application_once_per_cohort"),
            models.UniqueConstraint(
                "cohort",
                "waitlist_position",
                condition=Q(waitlist_position__isnull=False),
                name="application_waitlist_position_unique",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.cohort}"

    @property
    def subject_key(self) -> str:
        """How the ``reviews`` app names this application."""
        return f"programmes.application:{self.public_id}"
