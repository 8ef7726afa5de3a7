from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ids import new_public_id


class BaseModel(models.Model):
    """Timestamps and a public ULID for URLs; every domain model inherits it."""

    public_id = models.CharField(max_length=26, unique=True, default=new_public_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what to which object, and in whose scope.

    ``scope`` is the object whose owners may read the entry (usually an organisation); ``target`` is
    the object changed. Both are generic so lower apps never import higher ones.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    scope_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scope_type", "scope_id", "-created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("_pseudonymise", False):
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


class PeriodicJobLease(models.Model):
    """Which server runs a periodic job now: claimed by one conditional UPDATE, so two servers running
    `manage.py run_periodic` at once never run the same job together (core.periodic)."""

    name = models.CharField(max_length=100, primary_key=True)
    # The claim holds until the job finishes or, should its server die, until this time.
    leased_until = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=200, blank=True)  # host:pid, for the operator
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class TaskOutbox(models.Model):
    """A background task handed to a queue outside this database (RQ on Redis), kept until it has run.

    Written in the transaction of the change that asks for the task (``core.tasks.enqueue_on_commit``),
    so it exists exactly when the change does; handed to the queue after the commit; removed by the
    worker once the task has succeeded. The periodic relay (``core.tasks.relay_outbox``) hands over
    again what is still here when it falls due: the hand-over was lost (the server died between the
    commit and the enqueue, or Redis was unreachable), the task failed (the database restarting under
    the worker) or the worker died. Delivery is at least once; a run claims the row (``running_until``),
    so two copies of one task never run at the same time, and a copy that finds the row gone does nothing.
    """

    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the relay hands the task over again if it is still here.
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # hand-overs to the queue so far
    # Claimed by a worker running the task until then (the queue's time limit): no copy runs meanwhile.
    running_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)  # after MAX attempts; the operator decides

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")

    def __str__(self):
        return f"{self.task_path}{tuple(self.args)}"
