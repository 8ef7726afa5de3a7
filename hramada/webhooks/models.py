"""Organisers' webhook endpoints and the deliveries sent to them (see docs/webhooks.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel

# The events an endpoint may subscribe to (``webhook.test`` is sent only by the "send a test" button).
EVENT_TYPES = {
    "registration.created": _("Registration created (events)"),
    "registration.cancelled": _("Registration cancelled (events)"),
    "submission.received": _("Project submitted (contests)"),
    "vote_stage.closed": _("Public vote closed (voting)"),
    "results.published": _("Results published (contests)"),
    "issue.answered": _("Local issue answered by your authority (local issues)"),
    "import.completed": _("Spreadsheet of people or attendance imported (imports)"),
}
TEST_EVENT = "webhook.test"


class Endpoint(BaseModel):
    """A URL of an organisation's own system that receives signed events."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept as is (not hashed): every message is signed with it. ``whsec_`` + base64 of 32 random bytes.
    secret = models.CharField(max_length=80, editable=False)
    # After a rotation the old secret also signs (a second signature) for a day, so receivers can switch.
    previous_secret = models.CharField(max_length=80, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Messages in a row that failed all their attempts; a success resets it (see ``services.DISABLE_AFTER``).
    failed_in_a_row = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self):
        return self.url


class Delivery(BaseModel):
    """One message to one endpoint, with its attempts. The body is stored exactly as signed and sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40)  # webhook-id: msg_<ULID>, the same on every attempt
    event_type = models.CharField(_("event"), max_length=40)
    body = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_excerpt = models.CharField(max_length=200, blank=True)  # never more of the receiver's answer
    last_error = models.CharField(_("error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint("endpoint", "message_id", name="one_delivery_per_message_and_endpoint")
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self):
        return f"{self.event_type} {self.message_id}"


class ClosedStage(models.Model):
    """A public vote whose closing was announced (``vote_stage.closed`` is sent once per stage)."""

    stage = models.OneToOneField("contests.Stage", on_delete=models.CASCADE, related_name="+")
    announced_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"stage {self.stage_id} closed"
