"""Forms of the cohort's organiser pages (participants, mentors, sessions, certificates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hramada.places.models import Community


class ParticipantForm(forms.Form):
    """A person added by hand, from a paper list: a new person record, no account needed."""

    display_name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "Optional. With an account under this address, the person sees the programme on their pages."
        ),
    )
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.select_related("settlement").order_by("name")


class MentorForm(forms.Form):
    email = forms.EmailField(
        label=_("Mentor's e-mail"),
        help_text=_("The address of their Hramada account: mentors sign in to follow their participants."),
    )


class AssignMentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=None, required=False, empty_label=_("none"))

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda m: m.person.display_name


class LinkSessionForm(forms.Form):
    """Link an existing event of the organisation, or one session of it."""

    event = forms.ModelChoiceField(label=_("Event"), queryset=None)
    session = forms.ModelChoiceField(
        label=_("Only this session of it"),
        queryset=None,
        required=False,
        empty_label=_("the whole event"),
        help_text=_("Leave as “the whole event” to count the check-in at the door."),
    )

    def __init__(self, *args, events, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: f"{s.event} · {s.title}"

    def clean(self):
        data = super().clean()
        event, session = data.get("event"), data.get("session")
        if event and session and session.event_id != event.pk:
            self.add_error("session", _("This session belongs to another event."))
        return data


class NewSessionForm(forms.Form):
    """A new session: its event is created at the same time, by invitation."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class OrderForm(forms.Form):
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the certificate's public page."),
    )
