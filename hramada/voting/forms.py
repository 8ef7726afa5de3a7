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
