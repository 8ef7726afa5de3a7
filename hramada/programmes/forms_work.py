"""Forms of the participant's community work and of the public residents' survey."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hramada.core.images import validate_image
from hramada.core.widgets import DateInput
from hramada.questions.forms import AnswersForm
from hramada.questions.models import Question

from .models import ActionPlan, AlumniProfile, Need, NeedsAssessment, PlanActivity, PlanResource


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = NeedsAssessment
        fields = ["title", "community", "summary", "how_residents_were_asked", "is_public"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "how_residents_were_asked": forms.Textarea(attrs={"rows": 3}),
        }


# An issue's address (/<lang>/issues/<code>/) or its code alone.
ISSUE_ADDRESS = re.compile(r"(?:/issues/)?([0-9a-z]{26})/?(?:[?#].*)?$")


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "who_is_affected", "evidence", "priority", "local_issue_key"]
        widgets = {
            "who_is_affected": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"local_issue_key": _("A local issue residents raised about it")}
        help_texts = {
            "priority": _("Your own order: 1 is the most important."),
            "local_issue_key": _(
                "Optional: paste the address of an issue on this site (your community's priorities list "
                "them by backing), to cite it as evidence."
            ),
        }

    def clean_local_issue_key(self):
        """The issue's code, also when its whole address was pasted."""
        value = (self.cleaned_data.get("local_issue_key") or "").strip()
        found = ISSUE_ADDRESS.search(value)
        return found.group(1) if found else value


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "goals",
            "assessment",
            "needs",
            "residents_involved",
            "volunteers_involved",
            "people_note",
            "is_public",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "people_note": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "is_public": _("Shown on the community's page and the cohort's page once you submit it.")
        }

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = NeedsAssessment.objects.filter(participant=participant)
        self.fields["needs"].queryset = Need.objects.filter(assessment__participant=participant)
        self.fields["needs"].required = False


class ActivityForm(forms.ModelForm):
    class Meta:
        model = PlanActivity
        fields = ["title", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }


class ResourceForm(forms.ModelForm):
    class Meta:
        model = PlanResource
        fields = ["kind", "description", "amount", "currency", "source", "source_note"]


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP. Location data is removed.")
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return validate_image(photo) if photo else None


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        # The plan page also shows the update form, whose box is "text" too: ids of their own.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class AlumniForm(forms.ModelForm):
    class Meta:
        model = AlumniProfile
        fields = ["listed", "works_at", "works_on"]
        widgets = {"works_on": forms.Textarea(attrs={"rows": 3})}


class _NoQuestions:
    """A survey without questions: residents only rank the needs."""

    @property
    def questions(self):
        return Question.objects.none()


class SurveyForm(AnswersForm):
    """The residents' survey: the participant's questions, one rank field per need, and a honeypot
    field hidden from people (a bot that fills every field gives itself away)."""

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, form_definition=assessment.survey_form or _NoQuestions(), **kwargs)
        self.needs = list(assessment.needs.all())
        choices = [("", _("not ranked"))] + [(str(i), str(i)) for i in range(1, len(self.needs) + 1)]
        for need in self.needs:
            self.fields[f"rank_{need.public_id}"] = forms.TypedChoiceField(
                label=need.title, choices=choices, coerce=int, empty_value=None, required=False
            )
        self.fields["website"] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def rank_fields(self):
        return [self[f"rank_{need.public_id}"] for need in self.needs]

    def question_fields(self):
        return [f for f in self if f.name.startswith("q_")]

    def clean(self):
        data = super().clean()
        ranks = [data.get(f"rank_{need.public_id}") for need in self.needs]
        given = sorted(r for r in ranks if r is not None)
        if given != list(range(1, len(given) + 1)):
            raise ValidationError(
                _(
                    "Give each need you rank a different number, starting from 1 for the most important, without gaps."
                )
            )
        return data

    def ranking(self) -> dict:
        return {
            need: self.cleaned_data[f"rank_{need.public_id}"]
            for need in self.needs
            if self.cleaned_data.get(f"rank_{need.public_id}") is not None
        }
