"""Forms of the programme, partner, cohort and call pages, and the applicant's place."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hramada.core.widgets import SearchableSelect
from hramada.orgs.models import Organisation
from hramada.places.models import Community, Country, Region, Settlement
from hramada.questions.forms import AnswersForm, field_name
from hramada.questions.models import Question

from .models import Application, Cohort, EligibilityRule, Programme

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "slug",
            "title_be",
            "title_ru",
            "title_en",
            "summary_be",
            "summary_ru",
            "summary_en",
            "description_be",
            "description_ru",
            "description_en",
        ]
        widgets = {f"description_{lang}": forms.Textarea(attrs={"rows": 5}) for lang in ("be", "ru", "en")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
        for name in self.fields:
            self.fields[name].required = name == "slug"

    def validate_unique(self):
        pass  # the service says so in a clear sentence


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())


class DonorsForm(forms.Form):
    donors = forms.ModelMultipleChoiceField(
        label=_("Donors"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "slug",
            "title_be",
            "title_ru",
            "title_en",
            "year",
            "starts_on",
            "ends_on",
            "description_be",
            "description_ru",
            "description_en",
            "call_opens_at",
            "call_closes_at",
            "min_attendance_percent",
            "requires_action_plan",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "call_opens_at": _datetime_widget(),
            "call_closes_at": _datetime_widget(),
            **{f"description_{lang}": forms.Textarea(attrs={"rows": 4}) for lang in ("be", "ru", "en")},
        }
        help_texts = {
            "min_attendance_percent": _(
                "Completion rule: the share of the cohort's sessions a participant attends."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
        for lang in ("be", "ru", "en"):
            self.fields[f"title_{lang}"].required = False
            self.fields[f"description_{lang}"].required = False
        self.fields["year"].required = False

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass  # the service checks dates and titles and names the field


class RuleForm(forms.Form):
    question = forms.ModelChoiceField(label=_("Question"), queryset=Question.objects.none())
    test = forms.ChoiceField(label=_("Test"), choices=EligibilityRule.Test.choices)
    value = forms.CharField(
        label=_("Value"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For “one of”, one value per line. Choice answers are compared with the option's text."),
    )
    reason = forms.CharField(label=_("Reason shown to the applicant"), max_length=300)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = (
            cohort.application_form.questions.all() if cohort.application_form_id else Question.objects.none()
        )


class ReviewForm(forms.Form):
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=None)
    reviews_per_item = forms.IntegerField(label=_("Reviews per application"), min_value=1, initial=3)
    closes_at = forms.DateTimeField(label=_("Reviews due"), required=False, widget=_datetime_widget())

    def __init__(self, *args, organisation, **kwargs):
        from hramada.reviews.models import Rubric

        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.filter(organisation=organisation)


class PlaceForm(forms.ModelForm):
    """The applicant's settlement and community (the partner of that country manages the application)."""

    class Meta:
        model = Application
        fields = ["settlement", "community"]
        widgets = {"settlement": SearchableSelect(search_url=reverse_lazy("places:settlement_search"))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.select_related("region", "district")
        self.fields["settlement"].label_from_instance = lambda s: s.full_name
        self.fields["settlement"].help_text = _(
            "Where you live: it decides which partner handles your application."
        )
        self.fields["community"].queryset = Community.objects.filter(is_published=True).select_related(
            "settlement"
        )
        self.fields["community"].help_text = _("The community you work for, if it has a page here.")

    def _post_clean(self):
        pass


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(Application.Status.choices)
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.select_related("country"), required=False
    )


def draft_answers_form(application, data=None, files=None):
    """The cohort's questions as a form; nothing is required in a draft (the service checks on submit)."""
    definition = application.cohort.application_form
    if definition is None:
        return None
    answers = AnswersForm(data, files, form_definition=definition, initial=answers_initial(application))
    for question in answers.questions:
        answers.fields[field_name(question)].required = False
        if question.required:
            answers.fields[field_name(question)].label = f"{question.label} *"
    return answers


def answers_initial(application) -> dict:
    if not application.response_id:
        return {}
    initial = {}
    for answer in application.response.answers.select_related("question"):
        q, value = answer.question, answer.value
        if q.kind == Question.Kind.FILE:
            continue
        if q.kind == Question.Kind.CHOICE and value is not None:
            value = str(value)
        elif q.kind == Question.Kind.MULTI_CHOICE:
            value = [str(v) for v in value or []]
        initial[field_name(q)] = value
    return initial
