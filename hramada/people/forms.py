from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hramada.core.widgets import SearchableSelect

from .consent import SENSITIVE_FIELDS
from .models import Disability, Gender


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to others"), max_length=120)
    home_settlement = forms.ModelChoiceField(
        label=_("Where you live"),
        queryset=None,
        required=False,
        widget=SearchableSelect(search_url=reverse_lazy("places:settlement_search")),
        help_text=_("Your town or village. Type part of its name to find it."),
    )
    home_community = forms.ModelChoiceField(label=_("Your community"), queryset=None, required=False)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "Only so that an organisation that has your number on a list recognises you; never shown to others."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=[("", _("Same as the site"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_(
            "“Same as the site”: the language you last used here (when you signed up, logged in or switched)."
        ),
    )

    def __init__(self, *args, site_language: str = "", **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        if site_language in names:
            same = _("Same as the site (now %(language)s)") % {"language": names[site_language]}
            self.fields["preferred_language"].choices = [("", same)] + list(settings.LANGUAGES)
        settlement = apps.get_model("places", "Settlement")
        community = apps.get_model("places", "Community")
        self.fields["home_settlement"].queryset = settlement.objects.select_related("region", "district")
        self.fields["home_settlement"].label_from_instance = lambda s: s.full_name
        self.fields["home_community"].queryset = community.objects.filter(is_published=True)


class SensitiveForm(forms.Form):
    """Each sensitive field comes with its purpose and its own consent box."""

    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Prefer not to say"))] + Gender.choices, required=False
    )
    gender_consent = forms.BooleanField(
        label=_("I agree that Hramada stores my gender for this purpose."), required=False
    )
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    birth_year_consent = forms.BooleanField(
        label=_("I agree that Hramada stores my birth year for this purpose."), required=False
    )
    disability = forms.ChoiceField(
        label=_("Disability"), choices=[("", _("Prefer not to say"))] + Disability.choices, required=False
    )
    disability_consent = forms.BooleanField(
        label=_("I agree that Hramada stores whether I have a disability for this purpose."), required=False
    )

    def groups(self):
        return [(self[f], self[f"{f}_consent"], SENSITIVE_FIELDS[f]) for f in SENSITIVE_FIELDS]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, required=False)
    confirm = forms.BooleanField(
        label=_(
            "I understand: my login is removed for good, and what I contributed stays as “former participant”."
        )
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.has_usable_password():
            self.fields["password"].required = True

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if (
            self.user is not None
            and self.user.has_usable_password()
            and not self.user.check_password(password or "")
        ):
            raise forms.ValidationError(_("That is not your password."))
        return password
