from django import forms
from django.utils.translation import gettext_lazy as _

from hramada.events.models import Event

from . import reading
from .models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportJob.Kind.choices, widget=forms.RadioSelect
    )
    event = forms.ModelChoiceField(
        label=_("Event (for an attendance list)"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_(
            "People on the list are registered for this event, and checked in when the list says they were there."
        ),
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row names the columns. At most 100,000 rows and 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding (CSV only)"),
        choices=reading.ENCODINGS,
        initial="utf-8",
        help_text=_("Excel's “CSV UTF-8” is UTF-8; older Excel saves Cyrillic CSV files as Windows-1251."),
    )

    def __init__(self, *args, organisation, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["kind"].initial = ImportJob.Kind.PEOPLE

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportJob.Kind.ATTENDANCE and not data.get("event"):
            self.add_error("event", _("Choose the event the attendance list is for."))
        return data


class MappingForm(forms.Form):
    def __init__(self, *args, job, fields, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [(str(i), h) for i, h in enumerate(job.headers)]
        for name in fields:
            self.fields[name] = forms.ChoiceField(
                label=reading.FIELD_LABELS[name],
                choices=choices,
                required=name in reading.REQUIRED_FIELDS,
                initial=str(job.mapping[name]) if name in job.mapping else "",
            )

    def mapping(self) -> dict:
        return {name: (int(v) if v != "" else None) for name, v in self.cleaned_data.items()}
