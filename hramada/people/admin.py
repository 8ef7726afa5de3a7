from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hramada.core.admin import AuditedAdminMixin

from .models import ConsentRecord, Person, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    readonly_fields = ["field", "given", "purpose", "at"]
    can_delete = False


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "home_settlement", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["display_name", "email"]
    autocomplete_fields = ["home_settlement", "home_community"]
    readonly_fields = [
        "user",
        "gender",
        "gender_consent_at",
        "birth_year",
        "birth_year_consent_at",
        "disability",
        "disability_consent_at",
        "erased_at",
    ]
    inlines = [ConsentInline]
