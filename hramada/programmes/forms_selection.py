"""Forms of the selection page: the committee's rules and a change by hand with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SelectionChange, SelectionRules


class RulesForm(forms.ModelForm):
    class Meta:
        model = SelectionRules
        fields = [
            "cohort_size",
            "min_per_region",
            "max_per_community",
            "min_women_percent",
            "min_disability",
            "waitlist_size",
        ]
        help_texts = {
            "max_per_community": _("Leave empty for no limit."),
            "min_women_percent": _("Counts only women who gave their gender with consent."),
        }

    def clean_min_women_percent(self):
        value = self.cleaned_data["min_women_percent"]
        if value > 100:
            raise forms.ValidationError(_("A share is at most 100 %."))
        return value

    def clean_max_per_community(self):
        value = self.cleaned_data["max_per_community"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("At least 1, or leave it empty."))
        return value


class ChangeForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=SelectionChange.Action.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
