from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hramada.core.images import validate_image
from hramada.core.widgets import SearchableSelect

from .models import Community, CommunityPhoto, Settlement


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = [
            "settlement",
            "neighbourhood",
            "name_be",
            "name_ru",
            "name_en",
            "summary_be",
            "summary_ru",
            "summary_en",
            "description_be",
            "description_ru",
            "description_en",
            "story_be",
            "story_ru",
            "story_en",
            "is_published",
        ]
        widgets = {"settlement": SearchableSelect(search_url=reverse_lazy("places:settlement_search"))}
        help_texts = {"neighbourhood": _("Only for a neighbourhood of a city.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.select_related("region", "district")
        self.fields["settlement"].label_from_instance = lambda s: s.full_name
        for name in self.fields:
            if name[-3:] in ("_be", "_ru", "_en"):
                self.fields[name].required = False


class LeaderForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.CharField(label=_("Role"), max_length=120, required=False)
    shown_publicly = forms.BooleanField(
        label=_("This person agreed to be shown on the public page"), required=False
    )

    def __init__(self, *args, community=None, user=None, **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        people = apps.get_model("people", "Person").objects.filter(erased_at__isnull=True)
        if user is None or not user.is_staff:
            # A leader sees only the community's own people, never the whole register.
            people = people.filter(home_community=community) if community else people.none()
        self.fields["person"].queryset = people


class SettlementImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: region_code, district_en, name_en, kind (city, town, urban, agro, village), "
            "and optionally name_be, name_ru, district_be, district_ru, latitude, longitude."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as UTF-8 CSV and try again.")) from None


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP, up to 5 MB. Location data is removed.")
    )
    alt_be = forms.CharField(label=_("What the photo shows (Belarusian)"), max_length=250, required=False)
    alt_ru = forms.CharField(label=_("What the photo shows (Russian)"), max_length=250, required=False)
    alt_en = forms.CharField(
        label=_("What the photo shows (English)"),
        max_length=250,
        required=False,
        help_text=_("Read aloud to people who cannot see the photo; required in at least one language."),
    )
    caption_be = forms.CharField(label=_("Caption (Belarusian)"), max_length=200, required=False)
    caption_ru = forms.CharField(label=_("Caption (Russian)"), max_length=200, required=False)
    caption_en = forms.CharField(label=_("Caption (English)"), max_length=200, required=False)
    is_illustration = forms.BooleanField(label=_("This is an illustration, not a photo"), required=False)

    def clean_image(self):
        return validate_image(self.cleaned_data["image"])

    def clean(self):
        data = super().clean()
        if not any((data.get(f"alt_{lang}") or "").strip() for lang in ("be", "ru", "en")):
            self.add_error("alt_be", _("Describe what the photo shows, in at least one language."))
        return data


class CommunityPhotoAdminForm(forms.ModelForm):
    class Meta:
        model = CommunityPhoto
        fields = [
            "image",
            "alt_be",
            "alt_ru",
            "alt_en",
            "caption_be",
            "caption_ru",
            "caption_en",
            "is_illustration",
            "order",
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        return validate_image(image) if image and hasattr(image, "content_type") else image
