"""The search page, /<lang>/search/?q=...: results in the visitor's language, filters, pagination."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..forms import SearchForm


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    choices = selectors.filter_choices()
    if not form.is_valid():
        return render(request, "search/public/search.html", {"form": form, "choices": choices}, status=400)
    data = form.cleaned_data
    results = None
    if data["q"]:
        results = selectors.search(
            data["q"],
            user=request.user,
            types=data["type"],
            country=data["country"],
            region=data["region"],
            year=data["year"],
            page=request.GET.get("page"),
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/public/search.html",
        {
            "form": form,
            "choices": choices,
            "results": results,
            "selected_types": data["type"],
            "querystring": params.urlencode(),
        },
    )
