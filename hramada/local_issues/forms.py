"""Forms of the residents' and moderators' pages. They check the shape of what was typed; the rules
(categories offered, the settlement, rate limits, photos) are the services', whose refusals come back
as errors on the same form."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.places.models import Community, Settlement

from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotosField(forms.FileField):
    """Several photos from one file input (each validated and re-encoded by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotosField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class IssueForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_published=True).select_related("settlement").order_by("name"),
        empty_label=_("Choose the community"),
        error_messages={"required": _("Choose the community where the issue is.")},
    )
    settlement_name = forms.CharField(
        label=_("Village or town, if not the community's own"),
        max_length=120,
        required=False,
        help_text=_("Leave empty if the issue is in the community's own settlement."),
    )
    category = forms.ModelChoiceField(
        label=pgettext_lazy("of a local issue", "Category"),
        queryset=Category.objects.filter(active=True),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose one of the categories offered.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("In a few words: what and where, e.g. “Broken street light at the school”."),
        error_messages={"required": _("Give the issue a short title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is wrong, since when, whom it affects. Do not name private persons."),
        error_messages={"required": _("Describe the issue: what is wrong and where.")},
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("A street and house number, or something everyone knows (“behind the shop”)."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Optional, e.g. 53.902284 (from a map application)."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Optional, e.g. 27.561831."),
    )
    photos = MultiplePhotosField(
        label=_("Photos"),
        help_text=_(
            "Up to 6 photos (JPEG, PNG or WebP). We remove the hidden data photos carry, such as the "
            "place they were taken and the camera."
        ),
    )
    show_name = forms.BooleanField(
        label=_("Show my name on the issue"),
        required=False,
        help_text=_(
            "Without this tick the issue says “a resident of” and your settlement’s name. Moderators always know who "
            "raised an issue."
        ),
    )
    name_to_authority = forms.BooleanField(
        label=_("The authority may see my name"),
        required=False,
        help_text=_(
            "Without this tick the authority the issue is forwarded to does not learn who raised it."
        ),
    )

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (
            (latitude is None) != (longitude is None)
            and not self.errors.get("latitude")
            and not self.errors.get("longitude")
        ):
            self.add_error(
                "latitude" if latitude is None else "longitude",
                _("Give both the latitude and the longitude, or neither."),
            )
        name = (data.get("settlement_name") or "").strip()
        community = data.get("community")
        data["settlement"] = None
        if name and community is not None:
            home = community.settlement
            near = Settlement.objects.filter(region_id=home.region_id)
            if home.district_id:
                near = near.filter(district_id=home.district_id)
            found = near.filter(
                Q(name__iexact=name)
                | Q(name_be__iexact=name)
                | Q(name_ru__iexact=name)
                | Q(name_en__iexact=name)
            ).first()
            if found is None:
                self.add_error(
                    "settlement_name",
                    _("There is no settlement of this name in the community's district (%(place)s).")
                    % {"place": home.full_name},
                )
            else:
                data["settlement"] = found
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "community": data["community"],
            "settlement": data.get("settlement"),
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "address": data.get("address", ""),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "photos": data.get("photos") or [],
            "show_name": data.get("show_name", False),
            "name_to_authority": data.get("name_to_authority", False),
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment.")},
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=300,
        error_messages={"required": _("Say what is wrong, so moderators can judge.")},
    )
    comment = forms.CharField(required=False, widget=forms.HiddenInput, max_length=26)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown publicly)"),
        max_length=300,
        error_messages={"required": _("Give the reason; it is shown in place of what is hidden.")},
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into the issue (its number from its address)"),
        max_length=200,
        error_messages={"required": _("Give the number of the issue to keep.")},
    )

    def clean_into(self):
        value = self.cleaned_data["into"].strip().rstrip("/")
        return value.rsplit("/", 1)[-1].lower()
