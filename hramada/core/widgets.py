from django import forms


class SearchableSelect(forms.Select):
    """A plain <select> (works without JavaScript) plus a type-ahead box that refills it through htmx.

    ``search_url`` answers ``?q=`` with ``<option>`` elements. Without JavaScript the box stays hidden
    and the select lists every choice.
    """

    template_name = "core/widgets/searchable_select.html"

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = str(self.search_url)
        return context


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD) whatever the language: Russian's
    localised format ("31.12.2016") is not a valid value of ``<input type="date">``, so the field shows
    empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
