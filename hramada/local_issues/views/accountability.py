"""Public accountability pages: authorities' computed record of answers, regions, and who raises and
backs issues by gender. Everything is read from the records on each view (see accountability.py);
the pages show the same to everyone, so nothing here depends on who is looking."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from hramada.places.models import Region

from .. import accountability
from ..models import Issue


def _regions():
    """Regions that have a public issue (for the filter and the links): one EXISTS per region, which
    stops at the first issue found, rather than a join over every issue."""
    public = Issue.objects.filter(
        settlement__region=OuterRef("pk"), published_at__isnull=False, hidden_at__isnull=True
    ).exclude(status="merged")
    return Region.objects.filter(Exists(public))


@require_GET
def authority_list(request):
    return render(
        request,
        "local_issues/accountability/authorities.html",
        {"rows": accountability.authorities_list(), "regions": _regions()},
    )


@require_GET
def authority_page(request, slug):
    authority = get_object_or_404(accountability.public_authorities(), slug=slug)
    return render(
        request,
        "local_issues/accountability/authority.html",
        {"record": accountability.authority_figures(authority)},
    )


@require_GET
def region_page(request, code):
    region = get_object_or_404(Region, code=code)
    return render(
        request,
        "local_issues/accountability/region.html",
        {"record": accountability.area_figures(region)},
    )


@require_GET
def who(request):
    code = request.GET.get("region", "")
    region = None
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404("No such region.")
    return render(
        request,
        "local_issues/accountability/who.html",
        {
            "record": accountability.who_figures(region),
            "regions": _regions(),
            "region": region,
            "small": accountability.SMALL,
        },
    )
