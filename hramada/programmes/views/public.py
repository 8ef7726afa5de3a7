"""Public programme pages: the list, a programme's page and a cohort's public page (be/ru/en).
Drafts are shown to their organisers only (a preview); to everyone else they do not exist (404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import calls, selectors
from ..models import Application, Cohort


@require_GET
def programme_list(request):
    return render(request, "programmes/public/list.html", {"programmes": selectors.public_programmes()})


def _visible(request, obj):
    if not request.user.has_perm("programmes.view_programme", obj):
        raise Http404


def _private(response, obj):
    if obj.published_at is None:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def programme(request, slug):
    found = selectors.programme_page(slug)
    if found is None:
        raise Http404
    _visible(request, found)
    now = timezone.now()
    cohorts = list(found.cohorts.all())
    if not request.user.has_perm("programmes.work_in_programme", found):
        cohorts = [c for c in cohorts if c.published_at is not None]
    context = {
        "programme": found,
        "partners": list(found.partners.all()),
        "donors": list(found.donors.all()),
        "cohorts": [(c, Cohort.Phase(calls.phase(c, now)).label) for c in cohorts],
        "open_calls": [c for c in cohorts if c.call_is_open(now)],
        "can_manage": request.user.has_perm("programmes.work_in_programme", found),
        "figures": selectors.programme_figures(found),
    }
    return _private(render(request, "programmes/public/programme.html", context), found)


@require_GET
def cohort(request, slug, cohort):
    found = get_object_or_404(
        Cohort.objects.select_related("programme__organisation"), programme__slug=slug, slug=cohort
    )
    _visible(request, found)
    now = timezone.now()
    mine = None
    if request.user.is_authenticated:
        mine = Application.objects.filter(cohort=found, person__user=request.user).first()
    sections = [s for s in (fn(request, found) for fn in selectors.cohort_sections) if s]
    context = {
        "programme": found.programme,
        "cohort": found,
        "phase": Cohort.Phase(calls.phase(found, now)).label,
        "call_open": found.call_is_open(now),
        "mine": mine,
        "rules": list(found.eligibility_rules.all()),
        "sections": sections,
        "can_manage": request.user.has_perm("programmes.work_in_programme", found),
    }
    return _private(render(request, "programmes/public/cohort.html", context), found)
