"""The published results of an edition: methodology, tallies, expert scores, finalists, winners, awards."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hramada.contests import selectors as contest_selectors

from .. import registry, selectors


def _published_edition(contest, edition):
    found = contest_selectors.edition_page(contest, edition)
    if found is None or not selectors.is_published(found):
        raise Http404
    return found


@require_GET
def results(request, contest, edition):
    edition = _published_edition(contest, edition)
    context = selectors.results(edition)
    registry.attach_links(context["awards"], request.user, manage=False)  # e.g. "now an initiative"
    return render(request, "awards/public/results.html", context)


def _filename(edition, ext):
    return f"results-{edition.contest.slug}-{edition.year}.{ext}"


@require_GET
def results_csv(request, contest, edition):
    edition = _published_edition(contest, edition)
    response = HttpResponse(selectors.export_csv(edition), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "csv")}"'
    return response


@require_GET
def results_xlsx(request, contest, edition):
    edition = _published_edition(contest, edition)
    response = HttpResponse(
        selectors.export_xlsx(edition),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "xlsx")}"'
    return response
