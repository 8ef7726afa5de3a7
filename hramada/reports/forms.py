from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.widgets import DateInput
from hramada.orgs.models import Organisation
from hramada.places.models import Community, Country, Region

from .indicators import Period
from .models import REPORT_LANGUAGES, DonorProject

LANGS = ("be", "ru", "en")


class PeriodForm(forms.Form):
    """A year, or a range of dates (either bound may be left open); nothing: the current year."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=DateInput(),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=DateInput(),
    )

    def clean(self):
        data = super().clean()
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year and (start or end):
            raise forms.ValidationError(_("Choose a year or a range of dates, not both."))
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        if data.get("year"):
            return Period.year(data["year"])
        if data.get("start") or data.get("end"):
            return Period(data.get("start"), data.get("end"))
        return Period.year(timezone.localdate().year)


class PlaceReportForm(PeriodForm):
    """The public page: a period and a place (everywhere, a country, a region or a community)."""

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("all countries"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.select_related("country"),
        required=False,
        to_field_name="code",
        empty_label=_("all regions"),
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_published=True),
        required=False,
        to_field_name="slug",
        empty_label=_("all communities"),
    )

    def clean(self):
        data = super().clean()
        country, region, community = data.get("country"), data.get("region"), data.get("community")
        if region and country and region.country_id != country.pk:
            self.add_error("region", _("This region is not in the chosen country."))
        if community and region and community.settlement.region_id != region.pk:
            self.add_error("community", _("This community is not in the chosen region."))
        elif community and country and community.settlement.region.country_id != country.pk:
            self.add_error("community", _("This community is not in the chosen country."))
        return data

    def scope(self):
        from .indicators import Scope

        data = self.cleaned_data
        for kind in ("community", "region", "country"):
            if data.get(kind):
                return Scope(kind, data[kind])
        return Scope("all")


class OrgReportForm(PeriodForm):
    """An organisation's page: a period and what to report on (the organisation, one of its
    programmes or one of its donor projects)."""

    subject = forms.ChoiceField(label=_("Report on"), required=False)

    def __init__(self, *args, organisation, programmes, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self._objects = {"": organisation}
        choices = [("", _("the whole organisation"))]
        for p in programmes:
            self._objects[f"programme:{p.public_id}"] = p
            choices.append((f"programme:{p.public_id}", _("programme: %(title)s") % {"title": p.title}))
        for d in projects:
            self._objects[f"donor_project:{d.public_id}"] = d
            choices.append(
                (f"donor_project:{d.public_id}", _("donor project: %(title)s") % {"title": d.title})
            )
        self.fields["subject"].choices = choices

    def scope(self):
        from .indicators import Scope

        key = self.cleaned_data.get("subject") or ""
        if not key:
            return Scope("organisation", self.organisation)
        return Scope(key.split(":", 1)[0], self._objects[key])


class DonorProjectForm(forms.ModelForm):
    class Meta:
        model = DonorProject
        fields = [
            *(f"title_{lang}" for lang in LANGS),
            *(f"description_{lang}" for lang in LANGS),
            "donor",
            "grant_reference",
            "starts_on",
            "ends_on",
            "countries",
            "budget_amount",
            "budget_currency",
            "reporting_org_ref",
            "donor_org_ref",
            "iati_identifier",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "countries": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Organisation.objects.filter(kind=Organisation.Kind.DONOR)
        self.fields["countries"].queryset = Country.objects.all()
        self.fields["budget_currency"].help_text = _("Three letters, ISO 4217: EUR, USD, BYN.")
        self.fields["iati_identifier"].help_text = _(
            "The lead organisation's IATI identifier, a dash and the project's own reference."
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("countries", None)
        return data


class ActivitiesForm(forms.Form):
    events = forms.ModelMultipleChoiceField(
        label=_("Events"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    editions = forms.ModelMultipleChoiceField(
        label=_("Contest editions"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, eligible: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, qs in eligible.items():
            self.fields[name].queryset = qs.distinct()
        self.fields["events"].queryset = self.fields["events"].queryset.order_by("-starts_at")
        self.fields["editions"].queryset = self.fields["editions"].queryset.select_related("contest")


class PdfRequestForm(PeriodForm):
    """The donor report as a PDF: the language, and the period shown on the page (empty: the
    project's whole duration)."""

    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=REPORT_LANGUAGES,
    )

    def __init__(self, *args, **kwargs):
        # It sits on the page beside the period filter, whose fields have the same names: its own ids.
        kwargs.setdefault("auto_id", "pdf-%s")
        super().__init__(*args, **kwargs)
        for name in ("year", "start", "end"):
            self.fields[name].widget = forms.HiddenInput()
