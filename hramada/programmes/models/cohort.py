import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class Participant(BaseModel):
    """A person in a cohort (the engagement, in program-management terms), from their community."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("taking part")
        COMPLETED = "completed", _("completed")
        LEFT = "left", _("left the programme")

    cohort = models.ForeignKey("programmes.Cohort", on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="programme_participations"
    )
    application = models.OneToOneField(
        "programmes.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="participant"
    )
    partner = models.ForeignKey(
        "programmes.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="participants"
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mentor = models.ForeignKey(
        "programmes.Mentor", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentees"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["person__display_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint("cohort", "person", name="participant_once_per_cohort")]

    def __str__(self):
        return f"{self.person} — {self.cohort}"


class Mentor(BaseModel):
    cohort = models.ForeignKey("programmes.Cohort", on_delete=models.CASCADE, related_name="mentors")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="programme_mentoring")

    class Meta:
        ordering = ["person__display_name", "id"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [models.UniqueConstraint("cohort", "person", name="mentor_once_per_cohort")]

    def __str__(self):
        return str(self.person)


class CohortSession(models.Model):
    """A session of the cohort: an event of the ``events`` app, or one session of an event.
    Registration, check-in and attendance are the events app's."""

    cohort = models.ForeignKey("programmes.Cohort", on_delete=models.CASCADE, related_name="sessions")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("cohort session")
        verbose_name_plural = _("cohort sessions")
        constraints = [
            models.UniqueConstraint(
                "cohort", "event", condition=Q(session__isnull=True), name="cohort_session_event_once"
            ),
            models.UniqueConstraint(
                "cohort", "session", condition=Q(session__isnull=False), name="cohort_session_session_once"
            ),
        ]

    def __str__(self):
        return str(self.session or self.event)


def new_certificate_code() -> str:
    """Short enough to type from a printed certificate, long enough not to be guessed."""
    return secrets.token_urlsafe(9)


class Certificate(BaseModel):
    """A participant's certificate of completion: a PDF and an Open Badges 3.0 credential, checked
    on a public page at ``/c/<code>``."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=16, unique=True, default=new_certificate_code, editable=False)
    language = models.CharField(max_length=8)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The signed Open Badges 3.0 credential, exactly as issued.
    credential = models.JSONField(default=dict, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revocation_has_reason",
            )
        ]

    def __str__(self):
        return self.code
