from django import forms
from django.utils.translation import gettext_lazy as _

from hramada.core.images import validate_image

from .models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name_be",
            "name_ru",
            "name_en",
            "kind",
            "country",
            "settlement",
            "description_be",
            "description_ru",
            "description_en",
            "website",
            "contact_email",
            "contact_phone",
            "logo",
            "is_public",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name_be", "name_ru", "name_en", "description_be", "description_ru", "description_en"):
            self.fields[name].required = False
        self.fields["settlement"].queryset = self.fields["settlement"].queryset.select_related(
            "region", "district"
        )
        self.fields["settlement"].label_from_instance = lambda s: s.full_name

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            return validate_image(logo)
        return logo

    def clean(self):
        data = super().clean()
        if not any(data.get(f"name_{lang}") for lang in ("be", "ru", "en")):
            self.add_error("name_be", _("Give the organisation a name in at least one language."))
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
