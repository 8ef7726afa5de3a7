from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, TaskOutbox


class ReadOnlyMixin:
    """Shown on the administration site, changed only through the services (which check the rules
    and write the audit log)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "target_label"]
    list_filter = ["action"]
    search_fields = ["action", "target_label", "actor_label"]
    date_hierarchy = "created_at"


@admin.register(TaskOutbox)
class TaskOutboxAdmin(ReadOnlyAdmin):
    """Tasks for the queue outside the database that have not run yet (core.tasks): the operator sees
    what waits, what failed and why, and may hand a given-up task over again."""

    list_display = [
        "task_path",
        "created_at",
        "attempts",
        "due_at",
        "running_until",
        "given_up_at",
        "last_error",
    ]
    list_filter = ["given_up_at", "task_path"]
    actions = ["hand_over_again"]

    @admin.action(description=_("Hand over again now"))
    def hand_over_again(self, request, queryset):
        from . import audit

        n = queryset.update(given_up_at=None, attempts=0, due_at=timezone.now())
        audit.record(actor=request.user, action="admin.core.taskoutbox.handed_over", data={"rows": n})
        self.message_user(request, _("The periodic relay hands them over within a minute."))

    def get_actions(self, request):  # the read-only admin hides actions from those who may not change
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("hand_over_again", None)
        return actions


class AuditedAdminMixin:
    """Changes made on the administration site go into the audit log like any other staff action."""

    def _scope(self, obj):
        if obj._meta.label == "orgs.Organisation":
            return obj
        return getattr(obj, "organisation", None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from . import audit

        meta = obj._meta
        audit.record(
            actor=request.user,
            action=f"admin.{meta.app_label}.{meta.model_name}.{'changed' if change else 'created'}",
            target=obj,
            scope=self._scope(obj),
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        from . import audit

        meta = obj._meta
        audit.record(
            actor=request.user,
            action=f"admin.{meta.app_label}.{meta.model_name}.deleted",
            target=obj,
            scope=self._scope(obj),
        )
        super().delete_model(request, obj)
