"""Platform staff edit the issue categories (in three languages) and appoint moderators here; changes
are audited. Issues, timelines, answer links and Open311 keys are shown read-only: they change only
through the services (which check the rules and keep the counts)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from hramada.core.admin import AuditedAdminMixin, ReadOnlyAdmin

from .models import AnswerLink, Category, Issue, Moderator, Open311Client


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["code", "title", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(Moderator)
class ModeratorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "region", "created_at"]
    autocomplete_fields = ["person"]


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "category", "status", "backing_count", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "public_id"]
    exclude = ["reporter"]  # who raised it is for moderators, on the moderation pages


@admin.register(AnswerLink)
class AnswerLinkAdmin(ReadOnlyAdmin):
    list_display = ["issue", "authority", "expires_at", "revoked_at", "used_at"]
    exclude = ["token_hash"]


@admin.register(Open311Client)
class Open311ClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
