"""Read-only admin views for support (shared by the programmes helpers: append). Changes go through
the services, which check the rules and write the audit log; answers and personal details are read
on the organisers' pages, where partner scoping applies."""

from django.contrib import admin

from hramada.core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Application, Cohort, EligibilityRule, Partner, Programme


class PartnerInline(ReadOnlyMixin, admin.TabularInline):
    model = Partner
    fields = ["organisation", "country"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "organisation", "published_at"]
    search_fields = ["title", "slug", "organisation__name"]
    inlines = [PartnerInline]


class EligibilityRuleInline(ReadOnlyMixin, admin.TabularInline):
    model = EligibilityRule
    fields = ["question", "test", "value", "reason"]
    extra = 0


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "programme",
        "year",
        "starts_on",
        "call_opens_at",
        "call_closes_at",
        "published_at",
    ]
    list_filter = ["year"]
    search_fields = ["title", "programme__title"]
    inlines = [EligibilityRuleInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "cohort", "status", "partner", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["public_id"]
    fields = ["public_id", "cohort", "status", "partner", "submitted_at", "decided_at"]
