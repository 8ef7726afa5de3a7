from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class SearchForm(forms.Form):
    """The search page's GET parameters. Unknown types are ignored; a malformed year or place is an
    error the page explains (400)."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False, strip=True)
    type = forms.MultipleChoiceField(label=_("What"), choices=Kind.choices, required=False)
    country = forms.RegexField(label=_("Country"), regex=r"^[A-Z]{2}$", required=False)
    region = forms.RegexField(label=_("Region"), regex=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        # Ignore types this site does not have rather than refuse the whole search.
        data.setlist("type", [t for t in data.getlist("type") if t in Kind.values])
        if len(data.get("q", "")) > 200:
            data["q"] = data["q"][:200]
        super().__init__(data, *args, **kwargs)
