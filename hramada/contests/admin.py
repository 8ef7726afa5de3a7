from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from hramada.core.admin import AuditedAdminMixin
from hramada.core.errors import DomainError

from . import registry
from .models import Category, Contest, Edition, Project, Stage


class ContestScopedAdminMixin(AuditedAdminMixin):
    """Admin changes go into the log of the organisation that runs the contest."""

    def _scope(self, obj):
        for path in ("organisation", "contest.organisation", "edition.contest.organisation"):
            value = obj
            for name in path.split("."):
                value = getattr(value, name, None)
            if value is not None:
                return value
        return None


class KeepVoteCountAdmin(admin.ModelAdmin):
    """Saving a project never writes back ``vote_count``, which votes move concurrently."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name != "vote_count"]
        obj.save(update_fields=fields)


@admin.register(Contest)
class ContestAdmin(ContestScopedAdminMixin, TranslationAdmin):
    list_display = ["title", "organisation"]
    search_fields = ["title_be", "title_ru", "title_en", "slug"]


@admin.register(Edition)
class EditionAdmin(ContestScopedAdminMixin, TranslationAdmin):
    list_display = ["title", "contest", "year"]
    list_filter = ["year"]
    filter_horizontal = ["co_organisers", "sponsors"]


@admin.register(Category)
class CategoryAdmin(ContestScopedAdminMixin, TranslationAdmin):
    list_display = ["title", "edition", "order"]


class StageAdminForm(forms.ModelForm):
    """The admin site asks the same stage-edit guards as the organiser pages (an opened public vote
    keeps its dates: its published rules' fingerprint covers them)."""

    class Meta:
        model = Stage
        fields = ["edition", "kind", "starts_at", "ends_at", "closed_early_at"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("starts_at") and data.get("ends_at"):
            saved = Stage.objects.get(pk=self.instance.pk)
            for guard in registry.stage_edit_guards:
                try:
                    guard(saved, data["starts_at"], data["ends_at"])
                except DomainError as exc:
                    raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Stage)
class StageAdmin(ContestScopedAdminMixin, admin.ModelAdmin):
    form = StageAdminForm
    list_display = ["edition", "kind", "starts_at", "ends_at", "closed_early_at"]
    list_filter = ["kind"]


@admin.register(Project)
class ProjectAdmin(ContestScopedAdminMixin, KeepVoteCountAdmin):
    list_display = ["title", "edition", "category", "status", "vote_count"]
    list_filter = ["status"]
    search_fields = ["title", "public_id"]
    # The cover is private (no /media/ address): shown as a link to the file view, changed by the team.
    exclude = ["cover"]
    readonly_fields = ["vote_count", "public_id", "cover_link"]
    raw_id_fields = ["submitted_by"]

    @admin.display(description=_("cover image"))
    def cover_link(self, obj):
        if not obj.pk or not obj.cover:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("contests:cover", args=[obj.public_id]), obj.cover.name
        )
