from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hramada.orgs.models import Organisation

from .models import Purpose

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class RubricForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What reviewers look for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.DecimalField(label=_("Weight"), min_value=0.01, max_digits=6, decimal_places=2, initial=1)
    scale_min = forms.IntegerField(label=_("Lowest score"), initial=0, min_value=-1000, max_value=1000)
    scale_max = forms.IntegerField(label=_("Highest score"), initial=10, min_value=-1000, max_value=1000)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, min_num=1, max_num=30)


def criteria_formset(data=None, rows: int = 5):
    formset = CriterionFormSet(data, prefix="criteria", initial=[{}] * rows if data is None else None)
    return formset


def criteria_from(formset) -> list[dict]:
    """The filled-in rows of a valid formset (rows without a title are left out)."""
    return [
        {
            key: form.cleaned_data.get(key)
            for key in ("title", "description", "weight", "scale_min", "scale_max")
        }
        for form in formset.forms
        if form.cleaned_data.get("title")
    ]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, initial=Purpose.EXPERT_REVIEW)
    reviews_per_item = forms.IntegerField(label=_("Reviews per item"), min_value=1, max_value=50, initial=3)
    normalise = forms.BooleanField(
        label=_("Rank by normalised scores (per-reviewer z-scores)"),
        required=False,
        help_text=_("Raw scores are always shown alongside."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=_datetime_widget())
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=_datetime_widget())
    instructions = forms.CharField(
        label=_("Instructions for reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = organisation.rubrics.all()


def _organisation_by_slug(slug):
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise forms.ValidationError(_("There is no organisation with this short name."))
    return organisation


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.CharField(label=_("Link to read it"), max_length=500, required=False)
    organisation = forms.SlugField(
        label=_("Applicant organisation (short name in links)"),
        required=False,
        help_text=_("Its members will never be asked to review this item."),
    )

    def clean_organisation(self):
        return _organisation_by_slug(self.cleaned_data.get("organisation"))


class ReviewerAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the reviewer's account"))
    organisation = forms.SlugField(
        label=_("Their organisation (short name in links), if not a member on the platform"), required=False
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No account uses this e-mail address. Ask the reviewer to sign up first, then add them.")
            )
        self.user = user
        return email

    def clean_organisation(self):
        return _organisation_by_slug(self.cleaned_data.get("organisation"))


class PairForm(forms.Form):
    """A reviewer and an item of the round, chosen by their public ids."""

    reviewer = forms.ChoiceField(label=_("Reviewer"))
    item = forms.ChoiceField(label=_("Item"))

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.fields["reviewer"].choices = [
            (r.public_id, str(r)) for r in round.reviewers.select_related("user__person")
        ]
        self.fields["item"].choices = [(i.public_id, i.title) for i in round.items.all()]

    def clean(self):
        data = super().clean()
        if "reviewer" in data:
            data["reviewer"] = self.round.reviewers.get(public_id=data["reviewer"])
        if "item" in data:
            data["item"] = self.round.items.get(public_id=data["item"])
        return data


class ConflictForm(PairForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExpertConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you not review it impartially?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Seen only by the organisers. For example: you advise the team, or a relative works there."
        ),
    )


class ScoreForm(forms.Form):
    """One whole-number field per criterion, with its scale and what reviewers look for, then a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        comment = self.fields.pop("comment")
        for c in self.criteria:
            self.fields[f"criterion_{c.pk}"] = forms.IntegerField(
                label=c.title,
                min_value=c.scale_min,
                max_value=c.scale_max,
                help_text=" ".join(
                    part
                    for part in (
                        c.description,
                        str(_("From %(low)d to %(high)d.") % {"low": c.scale_min, "high": c.scale_max}),
                    )
                    if part
                ),
                initial=(initial_scores or {}).get(c.pk),
            )
        self.fields["comment"] = comment

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}
