"""What visitors see of contests: the list of editions, an edition's page and a project's page."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hramada.core.pagination import paginate

from .. import selectors


@require_GET
def contest_list(request):
    return render(request, "contests/public/list.html", {"editions": selectors.public_editions()})


@require_GET
def edition_detail(request, contest, edition):
    """Categories, the dated stages (current one marked) and eligible projects, with the vote if any."""
    now = timezone.now()
    found = selectors.edition_page(contest, edition, now, results=True)
    if found is None:
        raise Http404
    return render(
        request,
        "contests/public/edition.html",
        {
            "edition": found,
            "categories": selectors.projects_preview(found),
            "vote": selectors.edition_extension(request.user, found, now),
            "page_url": settings.SITE_URL + request.path,
            "call_open": any(s.kind == "call" and s.is_open(now) for s in found.stages.all()),
        },
    )


@require_GET
def category_detail(request, contest, edition, category):
    """All eligible projects of one category, a page at a time, searchable by title."""
    now = timezone.now()
    found = selectors.edition_page(contest, edition, now)
    chosen = next((c for c in found.categories.all() if c.public_id == category), None) if found else None
    if chosen is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "contests/public/category.html",
        {
            "edition": found,
            "category": chosen,
            "query": query,
            "page": paginate(request, selectors.category_projects(chosen, query)),
            "vote": selectors.edition_extension(request.user, found, now),
            "page_url": settings.SITE_URL + request.path,
        },
    )


@require_GET
def project_detail(request, public_id):
    project = selectors.public_project(public_id)
    if project is None:
        raise Http404
    edition = selectors.edition_page(project.edition.contest.slug, project.edition.public_id)
    return render(
        request,
        "contests/public/project.html",
        {
            "project": project,
            "edition": edition,
            "vote": selectors.edition_extension(request.user, edition),
            "page_url": settings.SITE_URL + request.path,
            # Shared previews fetch the image themselves: the absolute address of the public file view.
            "cover_url": settings.SITE_URL + reverse("contests:cover", args=[project.public_id])
            if project.cover
            else "",
        },
    )
