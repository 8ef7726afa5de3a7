from django.contrib import admin

from .models import AuditEntry


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
