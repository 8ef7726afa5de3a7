"""Organiser forms for events, the programme, registrations and the Human Library.

Forms only parse and give friendly per-field messages; the services in ``services.py`` hold the rules.
"""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hramada.core.widgets import SearchableSelect
from hramada.orgs.models import Organisation
from hramada.places.models import Community, Settlement

from .models import Book, Event, EventSeries, RegistrationStatus, Session, Track

LANGS = ("be", "ru", "en")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def _optional_translations(form, *names):
    for name in names:
        for lang in LANGS:
            key = f"{name}_{lang}"
            if key in form.fields:
                form.fields[key].required = False


def _need_one_language(form, data, name, message):
    if not any(data.get(f"{name}_{lang}") for lang in LANGS):
        form.add_error(f"{name}_be", message)


class EventForm(forms.ModelForm):
    new_series = forms.CharField(
        label=_("Or start a new series"),
        max_length=200,
        required=False,
        help_text=_("For a recurring event, such as a yearly forum. Leave empty if not needed."),
    )
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = [
            "title_be",
            "title_ru",
            "title_en",
            "summary_be",
            "summary_ru",
            "summary_en",
            "description_be",
            "description_ru",
            "description_en",
            "status",
            "series",
            "edition",
            "starts_at",
            "ends_at",
            "venue_be",
            "venue_ru",
            "venue_en",
            "address",
            "settlement",
            "community",
            "online_url",
            "co_organisers",
            "registration_mode",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "offer_hours",
            "registration_form",
            "feedback_form",
        ]
        widgets = {
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "registration_opens_at": _datetime_widget(),
            "registration_closes_at": _datetime_widget(),
            "settlement": SearchableSelect(search_url=reverse_lazy("places:settlement_search")),
            "description_be": forms.Textarea(attrs={"rows": 6}),
            "description_ru": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "registration_closes_at": _("Empty: registration closes when the event starts."),
            "registration_opens_at": _("Empty: registration opens as soon as the event is published."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        _optional_translations(self, "title", "summary", "description", "venue")
        self.fields["series"].queryset = EventSeries.objects.filter(organisation=organisation)
        self.fields["settlement"].queryset = Settlement.objects.select_related("region", "district")
        self.fields["settlement"].label_from_instance = lambda s: s.full_name
        self.fields["community"].queryset = Community.objects.filter(is_published=True).select_related(
            "settlement"
        )
        # Only organisations listed publicly (and partners already chosen) are offered.
        chosen = self.instance.co_organisers.values("pk") if self.instance.pk else Organisation.objects.none()
        self.fields["co_organisers"].queryset = (
            Organisation.objects.filter(Q(is_public=True) | Q(pk__in=chosen))
            .exclude(pk=organisation.pk)
            .order_by("name")
        )
        self.fields["co_organisers"].help_text = _("Hold Ctrl (or ⌘) to choose several.")
        forms_qs = organisation.forms.order_by("title")
        self.fields["registration_form"].queryset = forms_qs
        self.fields["registration_form"].help_text = _("Extra questions people answer when they register.")
        self.fields["feedback_form"].queryset = forms_qs
        self.fields["feedback_form"].help_text = _("A survey for participants after the event.")

    def clean(self):
        data = super().clean()
        _need_one_language(self, data, "title", _("Give the event a title in at least one language."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        if data.get("series") and data.get("new_series"):
            self.add_error("new_series", _("Choose an existing series or start a new one, not both."))
        return data

    def service_values(self) -> dict:
        values = {k: v for k, v in self.cleaned_data.items() if k != "new_series"}
        values["co_organisers"] = list(values["co_organisers"])
        return values


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name_be", "name_ru", "name_en", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _optional_translations(self, "name")
        self.fields["order"].required = False
        self.fields["order"].label = _("Position")

    def clean(self):
        data = super().clean()
        _need_one_language(self, data, "name", _("Give the track or room a name."))
        return data


class SessionForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("not stated")), ("be", "Беларуская"), ("ru", "Русский"), ("en", "English")],
    )

    class Meta:
        model = Session
        fields = [
            "title_be",
            "title_ru",
            "title_en",
            "description_be",
            "description_ru",
            "description_en",
            "format",
            "track",
            "starts_at",
            "ends_at",
            "language",
            "capacity",
            "needs_signup",
        ]
        widgets = {
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "description_be": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"track": _("track or room")}
        help_texts = {"needs_signup": _("For sessions with few seats, such as a master class.")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        _optional_translations(self, "title", "description")
        self.fields["track"].queryset = event.tracks.all()

    def clean(self):
        data = super().clean()
        _need_one_language(self, data, "title", _("Give the session a title."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class PersonPickForm(forms.Form):
    """Pick someone connected to the organisation, or enter a new person by name."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    new_name = forms.CharField(
        label=_("Or a new person's name"),
        max_length=120,
        required=False,
        help_text=_("For someone not in the list yet; no account is needed."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("new_name") or "").strip():
            self.add_error("person", _("Choose a person or enter a new name."))
        elif data.get("person") and (data.get("new_name") or "").strip():
            self.add_error("new_name", _("Choose a person or enter a new name, not both."))
        return data


class SpeakerForm(PersonPickForm):
    shown_publicly = forms.BooleanField(
        label=_("This person agreed to be shown as a speaker on the public programme"), required=False
    )


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = [
            "title_be",
            "title_ru",
            "title_en",
            "description_be",
            "description_ru",
            "description_en",
            "shown_name",
        ]
        widgets = {f"description_{lang}": forms.Textarea(attrs={"rows": 3}) for lang in LANGS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _optional_translations(self, "title", "description")

    def clean(self):
        data = super().clean()
        _need_one_language(self, data, "title", _("Give the book a title."))
        return data


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_datetime_widget())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_datetime_widget())
    capacity = forms.IntegerField(label=_("Readers"), min_value=1, max_value=3, initial=1)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The reading must end after it starts."))
        return data


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(RegistrationStatus.choices)
    )
    q = forms.CharField(label=_("Name, e-mail or ticket code"), required=False, max_length=100)


class StaffEntryForm(forms.Form):
    """Register someone without an account, from a phone call or a paper list."""

    display_name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Optional: the ticket is sent there if given.")
    )
    home_settlement = forms.ModelChoiceField(
        label=_("Home settlement"),
        queryset=None,
        required=False,
        widget=SearchableSelect(search_url=reverse_lazy("places:settlement_search")),
        help_text=_("Town or village where the person lives. Type part of its name to find it."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The ticket and any later news about the registration are written in it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = get_language()
        self.fields["home_settlement"].queryset = Settlement.objects.select_related("region", "district")
        self.fields["home_settlement"].label_from_instance = lambda s: s.full_name


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("1", "1"), ("0", "0")])


class CheckinForm(forms.Form):
    code = forms.CharField(max_length=32)
    client_id = forms.CharField(max_length=64)
    q = forms.CharField(required=False, max_length=100)
