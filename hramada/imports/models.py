from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName, private_storage


class ImportJob(BaseModel):
    """One spreadsheet imported by an organisation's organisers: the uploaded file (kept in the private
    storage only until the import ends), the chosen columns, the organiser's decisions about possible
    duplicates, and the outcome (counts and a per-row error report)."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("people (a list of participants)")
        ATTENDANCE = "attendance", _("attendance of an event")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded, not started")
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed, nothing imported")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what the file holds"), max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(blank=True, storage=private_storage, upload_to=RandomName("imports"))
    original_name = models.CharField(max_length=200, blank=True)
    file_format = models.CharField(max_length=4)  # csv or xlsx
    encoding = models.CharField(max_length=16, blank=True)
    headers = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    # field name -> column index in ``headers``
    mapping = models.JSONField(default=dict, blank=True)
    # row number (as text) -> a person's public id, or "new"
    decisions = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    registered_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # [[row number, message], ...] for the downloadable error report
    errors = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        "people.User", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(kind="people") | Q(event__isnull=False), name="import_job_attendance_has_event"
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_kind_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportedPerson(models.Model):
    """A person an import created or matched: links the person to the organisation that imported them
    (its "possible duplicates" page and later imports look among them)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created = models.BooleanField(default=False)
    row = models.PositiveIntegerField()

    class Meta:
        ordering = ["job", "row"]
        indexes = [models.Index(fields=["person"])]

    def __str__(self):
        return f"{self.job_id} row {self.row}"
