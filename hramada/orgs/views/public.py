from django.http import Http404
from django.shortcuts import render

from hramada.core.pagination import paginate

from .. import selectors
from ..models import Organisation


def organisation_list(request):
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.public_organisations(kind=kind, q=q))
    return render(
        request,
        "orgs/public/list.html",
        {"page": page, "kind": kind, "q": q, "kinds": Organisation.Kind.choices},
    )


def organisation_detail(request, slug):
    organisation = selectors.organisation_by_slug(slug)
    if organisation is None:
        raise Http404
    return render(
        request,
        "orgs/public/detail.html",
        {"organisation": organisation},
    )
