from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin

from hramada.core.admin import AuditedAdminMixin

from . import services
from .forms import CommunityPhotoAdminForm, SettlementImportForm
from .models import Community, CommunityLeader, CommunityPhoto, Country, District, Region, Settlement


@admin.register(Country)
class CountryAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["code", "name", "country", "kind"]
    list_filter = ["country"]
    search_fields = ["code", "name_be", "name_ru", "name_en"]


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "region"]
    list_filter = ["region__country", "region"]
    search_fields = ["name_be", "name_ru", "name_en"]


@admin.register(Settlement)
class SettlementAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "kind", "district", "region"]
    list_filter = ["kind", "region__country", "region"]
    search_fields = ["name_be", "name_ru", "name_en"]
    autocomplete_fields = ["district"]
    change_list_template = "admin/places/settlement/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="places_settlement_import")
        ] + super().get_urls()

    def import_view(self, request):
        """Upload a CSV of districts and settlements; good rows are saved, each bad one is reported."""
        if not request.user.has_perm("places.add_settlement"):
            messages.error(request, _("You may not import settlements."))
            return redirect("admin:places_settlement_changelist")
        form = SettlementImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = services.import_settlements(actor=request.user, text=form.cleaned_data["file"])
            level = messages.SUCCESS if report.ok else messages.WARNING
            messages.add_message(
                request,
                level,
                _("%(c)s created, %(u)s updated, %(e)s rows with errors.")
                % {"c": report.created, "u": report.updated, "e": len(report.errors)},
            )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "title": _("Import settlements"),
        }
        return render(request, "admin/places/settlement/import.html", context)


class PhotoInline(admin.TabularInline):
    model = CommunityPhoto
    form = CommunityPhotoAdminForm
    extra = 0


class LeaderInline(admin.TabularInline):
    model = CommunityLeader
    extra = 0
    autocomplete_fields = ["person"]
    readonly_fields = ["consented_at"]


@admin.register(Community)
class CommunityAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "settlement", "is_published"]
    list_filter = ["is_published", "settlement__region"]
    search_fields = ["name_be", "name_ru", "name_en", "slug"]
    autocomplete_fields = ["settlement"]
    inlines = [PhotoInline, LeaderInline]
