"""Forms for organisers (contests, editions, categories, stages, screening) and for teams (projects).

Forms only parse and give friendly per-field messages; the services hold the rules.
"""

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hramada.core.widgets import SearchableSelect
from hramada.orgs.models import Organisation
from hramada.places.models import Community, Settlement
from hramada.questions.forms import AnswersForm, field_name
from hramada.questions.models import Question

from .models import Project, Stage

LANGS = ("be", "ru", "en")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LANG_NAMES = {"be": _("Belarusian"), "ru": _("Russian"), "en": _("English")}


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class TitlesForm(forms.Form):
    """A title in be/ru/en; at least one is needed (the others fall back to it)."""

    title_be = forms.CharField(label=_("Title (Belarusian)"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f"title_{lang}": getattr(instance, f"title_{lang}", "") for lang in LANGS}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{lang}") or "").strip() for lang in LANGS):
            self.add_error("title_be", _("Give a title in at least one language."))
        return data

    def titles(self) -> dict:
        return {f"title_{lang}": (self.cleaned_data.get(f"title_{lang}") or "").strip() for lang in LANGS}


class EditionForm(TitlesForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"), queryset=Organisation.objects.none(), required=False
    )
    sponsors = forms.ModelMultipleChoiceField(
        label=_("Sponsors"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, organisation, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f"title_{lang}": getattr(instance, f"title_{lang}", "") for lang in LANGS},
                "year": instance.year,
                "co_organisers": list(instance.co_organisers.all()),
                "sponsors": list(instance.sponsors.all()),
            }
        super().__init__(*args, **kwargs)
        chosen = Q()
        if instance is not None:
            chosen = Q(pk__in=instance.co_organisers.values("pk")) | Q(pk__in=instance.sponsors.values("pk"))
        # Only organisations listed publicly (and partners already chosen) are offered.
        partners = Organisation.objects.filter(Q(is_public=True) | chosen).order_by("name")
        self.fields["co_organisers"].queryset = partners.exclude(pk=organisation.pk)
        self.fields["sponsors"].queryset = partners
        for name in ("co_organisers", "sponsors"):
            self.fields[name].help_text = _("Hold Ctrl (or ⌘) to choose several.")

    def service_values(self) -> dict:
        return {
            **self.titles(),
            "year": self.cleaned_data["year"],
            "co_organisers": list(self.cleaned_data["co_organisers"]),
            "sponsors": list(self.cleaned_data["sponsors"]),
        }


class StageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Stage"), choices=Stage.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_datetime_widget())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_datetime_widget())

    def __init__(self, *args, stage=None, **kwargs):
        if stage is not None and "initial" not in kwargs:
            kwargs["initial"] = {"kind": stage.kind, "starts_at": stage.starts_at, "ends_at": stage.ends_at}
        super().__init__(*args, **kwargs)
        if stage is not None:
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The stage must end after it starts."))
        return data


class SubmissionFormChoice(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Submission form"),
        queryset=None,
        required=False,
        empty_label=_("no extra questions"),
        help_text=_("The questions teams answer besides the title, summary, category and place."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = organisation.forms.order_by("title")


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("eligible")), ("not_eligible", _("not eligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the team)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the project is not eligible."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "not_eligible" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the team a reason why the project is not eligible."))
        return data

    @property
    def eligible(self) -> bool:
        return self.cleaned_data["decision"] == "eligible"


class ScreeningFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all"))] + [
            (c.public_id, c.title) for c in edition.categories.all()
        ]
        self.fields["status"].choices = [("", _("all"))] + [
            c for c in Project.Status.choices if c[0] != Project.Status.DRAFT
        ]


# --- Teams ---------------------------------------------------------------------------------------------


class StartProjectForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=None)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.all()


class ProjectForm(forms.ModelForm):
    """The project's own fields; drafts may be incomplete (the service checks completeness on submit)."""

    class Meta:
        model = Project
        fields = ["title", "summary", "category", "settlement", "community", "organisation"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "settlement": SearchableSelect(search_url=reverse_lazy("places:settlement_search")),
        }
        help_texts = {
            "summary": _("What the project does, for whom, and what will change. Shown on its public page."),
            "organisation": _("If you apply on behalf of an organisation you belong to."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        edition = self.instance.edition
        self.fields["category"].queryset = edition.categories.all()
        self.fields["category"].empty_label = None
        self.fields["settlement"].queryset = Settlement.objects.select_related("region", "district")
        self.fields["settlement"].label_from_instance = lambda s: s.full_name
        self.fields["community"].queryset = Community.objects.filter(is_published=True).select_related(
            "settlement"
        )
        self.fields["community"].help_text = _("Or the community the project serves, if it has a page here.")
        person = getattr(user, "person", None)
        mine = Q(memberships__person=person) if person else Q(pk__in=[])
        if self.instance.organisation_id:
            mine |= Q(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(mine).distinct().order_by("name")
        self.fields["organisation"].required = False


def draft_answers_form(project, data=None, files=None):
    """The edition's questions as a form; nothing is required in a draft (the service checks on submit)."""
    form_definition = project.edition.submission_form
    if form_definition is None:
        return None
    answers = AnswersForm(data, files, form_definition=form_definition, initial=answers_initial(project))
    for question in answers.questions:
        answers.fields[field_name(question)].required = False
        if question.required:
            answers.fields[field_name(question)].label = f"{question.label} *"
    return answers


def answers_initial(project) -> dict:
    if not project.response_id:
        return {}
    initial = {}
    for answer in project.response.answers.select_related("question"):
        q = answer.question
        value = answer.value
        if q.kind == Question.Kind.FILE:
            continue
        if q.kind == Question.Kind.CHOICE and value is not None:
            value = str(value)
        elif q.kind == Question.Kind.MULTI_CHOICE:
            value = [str(v) for v in value or []]
        initial[field_name(q)] = value
    return initial


class CoverForm(forms.Form):
    image = forms.FileField(
        label=_("Cover image"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Location and camera data are removed."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("PDF document"), help_text=_("PDF only, up to 10 MB each, at most 5."))


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Co-author's e-mail"),
        help_text=_("They get a link and join after logging in with this address."),
    )
