from django.contrib import admin
from django.utils import timezone

from hramada.contests.admin import ContestScopedAdminMixin

from .models import Vote, VoteLog, VotingRules


@admin.register(VotingRules)
class VotingRulesAdmin(ContestScopedAdminMixin, admin.ModelAdmin):
    list_display = ["stage", "votes_per_category", "show_counts", "frozen_at", "fingerprint"]
    readonly_fields = ["frozen_at", "fingerprint"]

    def has_change_permission(self, request, obj=None):
        # Frozen (or opened) rules are published: they change through no door, the admin site included.
        if obj is not None and (obj.frozen_at is not None or obj.stage.starts_at <= timezone.now()):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from .selectors import rules_fingerprint

        obj.fingerprint = rules_fingerprint(obj)
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Read-only: votes change only through the voting services, which keep the counters right."""

    list_display = ["stage", "project", "slot", "limit", "withdrawn_at", "annulled_at"]
    list_filter = ["withdrawn_at", "annulled_at"]
    list_select_related = ["stage__edition", "project"]
    exclude = ["voter_hash", "created_at"]  # never shown next to the project: see docs/contests.md

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VoteLog)
class VoteLogAdmin(admin.ModelAdmin):
    """Read-only: the vote log is append-only (the voting services insert, nothing updates or deletes)."""

    list_display = ["at", "stage", "project", "outcome", "ua_family", "account_age_seconds"]
    list_filter = ["outcome", "disposable_email", "aliased_email"]
    list_select_related = ["stage__edition", "project"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
