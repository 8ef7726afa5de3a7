"""Read-mostly admin views for support. Scores are not shown here: organisers read them on their pages,
and changes go through the services (they check the rules and write the audit log)."""

from django.contrib import admin

from hramada.core.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import Criterion, Item, Reviewer, Round, Rubric


class CriterionInline(ReadOnlyMixin, admin.TabularInline):
    model = Criterion
    fields = ["order", "title", "weight", "scale_min", "scale_max"]
    extra = 0


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "created_at"]
    search_fields = ["title", "organisation__name"]
    inlines = [CriterionInline]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "purpose", "reviews_per_item", "normalise", "closes_at"]
    list_filter = ["purpose"]
    search_fields = ["title", "organisation__name"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "round", "subject_key", "organisation"]
    search_fields = ["title", "subject_key"]


@admin.register(Reviewer)
class ReviewerAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "round", "organisation"]
    search_fields = ["user__email", "round__title"]
