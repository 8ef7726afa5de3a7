"""Reach by settlement as GeoJSON, for the map on each indicators page (``static/reports/reach-map.js``).

Each endpoint takes the same filters as its page and the same permission: the public page's places
for anyone; an organisation's figures for ``reports.view_org_reports``; a donor project's for
``reports.view_donor_project`` (organisers, with this session's second factor, as /manage/ asks).
A bad filter is a 400 with the form's errors, never a 500."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .. import geo, selectors
from ..forms import OrgReportForm, PeriodForm, PlaceReportForm
from ..indicators import Period, Scope
from .manage import _org_for, _project_for

GEOJSON = "application/geo+json"


def _bad(form) -> JsonResponse:
    errors = {field: [e["message"] for e in errs] for field, errs in form.errors.get_json_data().items()}
    return JsonResponse({"errors": errors}, status=400)


def _answer(scope: Scope, period: Period) -> JsonResponse:
    data = geo.feature_collection(geo.reach_by_settlement(scope, period))
    return JsonResponse(data, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})


@require_GET
def public_reach(request):
    form = PlaceReportForm(request.GET or {})
    if not form.is_valid():
        return _bad(form)
    return _answer(form.scope(), form.period())


@login_required
@require_GET
def org_reach(request, slug):
    organisation = _org_for(request, slug)
    form = OrgReportForm(
        request.GET or {},
        organisation=organisation,
        programmes=selectors.programmes_of(organisation),
        projects=list(selectors.donor_projects_of(organisation)),
    )
    if not form.is_valid():
        return _bad(form)
    return _answer(form.scope(), form.period())


@login_required
@require_GET
def project_reach(request, pid):
    project = _project_for(request, pid)
    form = PeriodForm(request.GET or {})
    if not form.is_valid():
        return _bad(form)
    # As the project's page: no filter is the project's whole duration.
    period = form.period() if request.GET else Period(project.starts_on, project.ends_on)
    return _answer(Scope("donor_project", project), period)
