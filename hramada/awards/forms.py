from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hramada.contests.forms import TitlesForm

from .models import FinalistRule

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class StartRoundForm(forms.Form):
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=None)
    reviews_per_item = forms.IntegerField(
        label=_("Reviews per project"), min_value=1, max_value=50, initial=3
    )
    normalise = forms.BooleanField(
        label=_("Rank by normalised scores (per-reviewer z-scores)"), required=False, initial=True
    )
    closes_at = forms.DateTimeField(
        label=_("Reviewing closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )

    def __init__(self, *args, rubrics, jury=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        if jury:
            del self.fields["normalise"]
            self.fields["reviews_per_item"].label = _("Jurors scoring each finalist")
            self.fields["reviews_per_item"].initial = 5


class RuleForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=FinalistRule.Method.choices, widget=forms.RadioSelect
    )
    finalists_per_category = forms.IntegerField(
        label=_("Finalists per category"), min_value=1, max_value=100, initial=4
    )
    vote_weight = forms.DecimalField(
        label=_("Weight of the public vote (formula)"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        initial=Decimal("0.5"),
    )
    expert_weight = forms.DecimalField(
        label=_("Weight of the expert score (formula)"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        initial=Decimal("0.5"),
    )
    use_normalised = forms.BooleanField(
        label=_("Use the normalised expert score (per-reviewer z-scores)"), required=False, initial=True
    )
    tie_break = forms.ChoiceField(label=_("Tie-break"), choices=FinalistRule.TieBreak.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UndoFinalistsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log with your name."),
    )
    notify_teams = forms.BooleanField(
        label=_("E-mail each of these teams that their project is no longer a finalist"),
        required=False,
        help_text=_(
            "Leave it unticked if you will confirm the same teams again soon, or tell them yourself."
        ),
    )


class AwardForm(TitlesForm):
    """An award: its title in be/ru/en (at least one), category, prize and sponsor."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,
        required=False,
        empty_label=_("any category (open to every finalist)"),
    )
    prize_amount = forms.DecimalField(
        label=_("Prize amount"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="BYN")
    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=None, required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.all()
        self.fields["sponsor"].queryset = edition.sponsors.all() | edition.co_organisers.all()


class WinnerForm(forms.Form):
    project = forms.ChoiceField(label=_("Winner"), widget=forms.RadioSelect)

    def __init__(self, *args, ranking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(f.project.public_id, f.project.title) for f, _r in ranking]


class PledgeForm(TitlesForm):
    """A sponsor's pledge: the title of the prize in be/ru/en (at least one), edition, category, amount."""

    edition = forms.ChoiceField(label=_("Contest edition"))
    category = forms.CharField(
        label=_("Category"),
        required=False,
        help_text=_("Optional: the category whose winner you fund; leave empty for your own nomination."),
        widget=forms.Select,
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="BYN")
    note = forms.CharField(
        label=_("Note to the organisers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["edition", "category", "title_be", "title_ru", "title_en", "amount", "currency", "note"]

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.editions = {e.public_id: e for e in editions}
        self.fields["edition"].choices = [(e.public_id, f"{e.contest} — {e}") for e in editions]
        choices = [("", _("— our own nomination —"))]
        for e in editions:
            choices += [(c.public_id, f"{e}: {c}") for c in e.categories.all()]
        self.fields["category"].widget.choices = choices

    def clean(self):
        data = super().clean()
        edition = self.editions.get(data.get("edition"))
        data["edition_obj"] = edition
        data["category_obj"] = None
        if edition and data.get("category"):
            category = next((c for c in edition.categories.all() if c.public_id == data["category"]), None)
            if category is None:
                self.add_error("category", _("Choose a category of the chosen edition."))
            data["category_obj"] = category
        return data
