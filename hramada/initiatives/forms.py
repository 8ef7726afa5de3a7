from django import forms
from django.utils.translation import gettext_lazy as _

from hramada.core.widgets import DateInput
from hramada.places.models import Community

from .models import InitiativeActivity

LANG_LABELS = {"be": _("in Belarusian"), "ru": _("in Russian"), "en": _("in English")}
DATE = DateInput()
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _translated(form, name, label, *, max_length=None, textarea=False):
    for lang, in_lang in LANG_LABELS.items():
        widget = forms.Textarea(attrs={"rows": 5}) if textarea else None
        form.fields[f"{name}_{lang}"] = forms.CharField(
            label=f"{label} ({in_lang})", required=False, max_length=max_length, widget=widget
        )


class InitiativeForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_published=True).select_related("settlement"),
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)
    funding_note = forms.CharField(
        label=_("Funding"),
        required=False,
        max_length=300,
        help_text=_("Where the money comes from, e.g. a contest prize or a sponsor."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        self.fields.clear()
        _translated(self, "title", _("Title"), max_length=200)
        _translated(self, "summary", _("Summary"), max_length=300)
        _translated(self, "story", _("Story"), textarea=True)
        self.fields.update(fields)


class PublishForm(forms.Form):
    published = forms.BooleanField(required=False)


class OrganiserForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of their account"),
        help_text=_("The person needs an account on this site; they then manage the initiative with you."),
    )
    role = forms.CharField(label=_("Role in the initiative"), max_length=120, required=False)


class PartnersForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = organisations


class LinkEventForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=InitiativeActivity.Kind.choices)

    def __init__(self, *args, events, **kwargs):
        kwargs.setdefault("auto_id", "link-%s")  # beside NewActivityForm, which also has a "kind"
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events


class NewActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=InitiativeActivity.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )


class BudgetLineForm(forms.Form):
    title = forms.CharField(label=_("Budget line"), max_length=200)
    planned = forms.DecimalField(label=_("Planned"), min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="BYN")


class ExpenseForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Budget line"), queryset=None, empty_label=None)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=12, decimal_places=2)
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("What was bought"), max_length=300)
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_("A PDF or a photo (JPEG, PNG, WebP). Only the initiative's organisers can open it."),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.ImageField(label=_("Photo"), required=False)


class RoleForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated(self, "title", _("Role"), max_length=200)
        _translated(self, "description", _("What volunteers do"), textarea=True)


class ShiftForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=None, empty_label=None)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    capacity = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=1000)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, max_digits=5, decimal_places=2)


class FromAwardForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_published=True).select_related("settlement"),
    )
    title_be = forms.CharField(label=_("Title (in Belarusian)"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title (in Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (in English)"), max_length=200, required=False)
    funding_note = forms.CharField(label=_("Funding"), max_length=300)


class FromPlanForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.filter(is_published=True).select_related("settlement"),
    )
    title_be = forms.CharField(label=_("Title (in Belarusian)"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title (in Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (in English)"), max_length=200, required=False)
    funding_note = forms.CharField(
        label=_("Funding"),
        max_length=300,
        required=False,
        help_text=_("Where the money comes from, e.g. a contest prize, a sponsor or the local authority."),
    )
