"""Donor projects: a grant from a donor to a lead organisation that groups the activities it funds
(events, programmes, initiatives, contest editions), so that their figures report in one place.

No figure is stored here: every indicator is computed from the activities' records
(``reports.indicators``). The budget is the grant's, as agreed with the donor (a fact of the grant,
not an indicator)."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName, private_storage

# IATI identifiers: an organisation identifier (e.g. "XM-DAC-41114", "BY-UNP-123456789") and an activity
# identifier that starts with it. Letters, digits and - . / _ only (no spaces).
iati_id = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", _("Use letters, digits and - . / _ only."))


class DonorProject(BaseModel):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="donor_projects",
    )
    donor = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="funded_donor_projects",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    grant_reference = models.CharField(_("grant reference"), max_length=100, blank=True)
    iati_identifier = models.CharField(
        _("IATI activity identifier"), max_length=150, blank=True, validators=[iati_id]
    )
    reporting_org_ref = models.CharField(
        _("IATI identifier of the lead organisation"), max_length=100, blank=True, validators=[iati_id]
    )
    donor_org_ref = models.CharField(
        _("IATI identifier of the donor"), max_length=100, blank=True, validators=[iati_id]
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    countries = models.ManyToManyField(
        "places.Country", verbose_name=_("countries"), blank=True, related_name="+"
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True)
    events = models.ManyToManyField("events.Event", verbose_name=_("events"), blank=True, related_name="+")
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="+"
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative", verbose_name=_("initiatives"), blank=True, related_name="+"
    )
    editions = models.ManyToManyField(
        "contests.Edition", verbose_name=_("contest editions"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("donor project")
        verbose_name_plural = _("donor projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="donor_project_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | ~Q(budget_currency=""),
                name="donor_project_budget_has_currency",
            ),
            models.UniqueConstraint(
                "iati_identifier", condition=~Q(iati_identifier=""), name="donor_project_iati_id_unique"
            ),
        ]

    def __str__(self):
        return self.title


REPORT_LANGUAGES = [("be", "Беларуская"), ("ru", "Русский"), ("en", "English")]


class DonorReportPdf(BaseModel):
    """One request for a donor project's report as a PDF, built by a background task
    (``reports.tasks.build_donor_report_pdf``) that moves ``progress`` as it goes. The file is kept in
    the private storage and served only to the project's people."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    project = models.ForeignKey(DonorProject, on_delete=models.CASCADE, related_name="pdf_reports")
    requested_by = models.ForeignKey(
        "people.User", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    language = models.CharField(_("language"), max_length=8, choices=REPORT_LANGUAGES)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(blank=True, storage=private_storage, upload_to=RandomName("donor-reports"))
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="donor_report_pdf_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="donor_report_pdf_dates_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.project} ({self.language}, {self.starts_on} – {self.ends_on})"
