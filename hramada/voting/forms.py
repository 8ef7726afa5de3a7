from django import forms
from django.utils.translation import gettext_lazy as _


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("16 letters and digits, as shown after you voted, for example 7K3D-Q9XM-2B8R-TV4N."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Kept with the votes and in the audit log, for example “bot accounts from one network”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


_CODE_ATTRS = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


class VotingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Voting code"),
        max_length=40,
        help_text=_(
            "15 letters and digits from your card, for example 7K3DQ-9XM2B-8RTV4. Dashes do not matter."
        ),
        widget=forms.TextInput(attrs=_CODE_ATTRS),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        help_text=_("With the country code, for example +375 29 123 45 67. We send a 6-digit code to it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RulesForm(forms.Form):
    votes_per_category = forms.IntegerField(
        label=_("Votes per category"),
        min_value=1,
        max_value=100,
        help_text=_("How many projects a voter may support in each category."),
    )
    show_counts = forms.ChoiceField(label=_("Show vote counts"), widget=forms.RadioSelect)
    count_delay_hours = forms.IntegerField(
        label=_("Delay of the counts (hours)"),
        min_value=1,
        max_value=168,
        help_text=_("With delayed counts: the public sees the counts as they stood this many hours ago."),
    )
    allow_codes = forms.BooleanField(
        label=_("Allow voting codes"),
        required=False,
        help_text=_("People without an account may vote with a one-time code handed out by a partner."),
    )
    require_phone = forms.BooleanField(
        label=_("Require a phone check"),
        required=False,
        help_text=_(
            "Voters with an account also confirm a phone number by text message: one number, one voter."
        ),
    )

    phone_countries = forms.CharField(
        label=_("Countries of the phone numbers"),
        max_length=100,
        required=False,
        initial="BY",
        help_text=_(
            "With the phone check: codes are sent only to mobile numbers of these countries. Two-letter "
            "codes separated by commas, for example BY or BY, AM, MD."
        ),
    )

    def __init__(self, *args, **kwargs):
        from .models import VotingRules

        super().__init__(*args, **kwargs)
        self.fields["show_counts"].choices = VotingRules.ShowCounts.choices

    def clean_phone_countries(self):
        """A list of codes; left empty, the countries stay as they were."""
        codes = [code for code in self.cleaned_data["phone_countries"].replace(" ", ",").split(",") if code]
        return codes or None


class CodeBatchForm(forms.Form):
    partner = forms.CharField(
        label=_("Partner organisation"),
        max_length=200,
        help_text=_("Who hands these codes out, for example “Library of Kletsk”. Shown on the cards."),
    )
    size = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=2000, initial=50)
