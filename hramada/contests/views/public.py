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


def _visible_edition(request, contest, edition, now, **kwargs):
    """The edition if it is published, or a draft shown to its organisers as a preview; else 404."""
    found = selectors.edition_page(contest, edition, now, drafts=True, **kwargs)
    if found is None or (
        found.published_at is None
        and not request.user.has_perm("contests.manage_contest", found.contest.organisation)
    ):
        raise Http404
    return found


def _preview(response, edition):
    if edition.published_at is None:
        response["Cache-Control"] = "private, no-store"  # a draft: its organisers' preview only
    return response


@require_GET
def edition_detail(request, contest, edition):
    """Categories, the dated stages (current one marked) and eligible projects, with the vote if any;
    a draft only for its organisers."""
    now = timezone.now()
    found = _visible_edition(request, contest, edition, now, results=True)
    response = render(
        request,
        "contests/public/edition.html",
        {
            "edition": found,
            "categories": selectors.projects_preview(found),
            "vote": selectors.edition_extension(request.user, found, now),
            "page_url": settings.SITE_URL + request.path,
            "call_open": found.published_at is not None
            and any(s.kind == "call" and s.is_open(now) for s in found.stages.all()),
        },
    )
    return _preview(response, found)


@require_GET
def category_detail(request, contest, edition, category):
    """All eligible projects of one category, a page at a time, searchable by title."""
    now = timezone.now()
    found = _visible_edition(request, contest, edition, now)
    chosen = next((c for c in found.categories.all() if c.public_id == category), None)
    if chosen is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    response = render(
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
    return _preview(response, found)


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
