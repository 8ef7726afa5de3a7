from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from hramada.core.admin import AuditedAdminMixin

from .models import Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "kind", "country", "is_public"]
    list_filter = ["kind", "country"]
    search_fields = ["name_be", "name_ru", "name_en", "slug"]
    autocomplete_fields = ["settlement"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at", "revoked_at"]
    readonly_fields = ["token_hash"]
