"""The public indicators page: places only (everywhere, a country, a region, a community), aggregate,
every small group suppressed (``reports.rules`` says who sees what)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from hramada.core.replica import replica_view

from .. import indicators
from ..forms import PlaceReportForm
from .common import export_response, page_context


def _form(request):
    return PlaceReportForm(request.GET or None)


# Aggregates that may be a moment old: read from the replica when there is one.
@replica_view
@require_GET
def indicators_page(request, fmt=None):
    form = _form(request)
    if request.GET and not form.is_valid():
        return render(request, "reports/public/indicators.html", {"form": form}, status=400)
    if not request.GET:
        form = PlaceReportForm({})
        form.is_valid()
    report = indicators.report(form.scope(), form.period())
    if fmt:
        return export_response(report, fmt, "impact")
    query = request.GET.urlencode()
    return render(
        request, "reports/public/indicators.html", {"form": form, "query": query, **page_context(report)}
    )
