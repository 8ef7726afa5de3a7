"""The organiser's "possible duplicates" page: pairs side by side, merge (keep one), or "not a duplicate"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.people import services as people_services

from ..duplicates import duplicate_pairs, person_cards, visible_person
from .manage import _org_for

PERM = "orgs.merge_people"


@login_required
def duplicate_list(request, slug):
    organisation = _org_for(request, slug, PERM)
    page = paginate(request, duplicate_pairs(organisation), per_page=20)
    cards = person_cards(organisation, [person for pair in page.object_list for person in pair[:2]])
    rows = [
        {"a": cards[a.pk], "b": cards[b.pk], "score": score, "reasons": reasons}
        for a, b, score, reasons in page.object_list
    ]
    return render(
        request, "orgs/manage/duplicates.html", {"organisation": organisation, "page": page, "rows": rows}
    )


def _pair(organisation, a: str, b: str):
    """Both people, if both are linked to the organisation: else 404, so no one outside is revealed."""
    person_a, person_b = visible_person(organisation, a), visible_person(organisation, b)
    if person_a is None or person_b is None or person_a.pk == person_b.pk:
        raise Http404
    return person_a, person_b


@login_required
def duplicate_merge(request, slug, a, b):
    organisation = _org_for(request, slug, PERM)
    person_a, person_b = _pair(organisation, a, b)
    error, status = "", 200
    if request.method == "POST":
        chosen = request.POST.get("keep", "")
        if chosen not in (person_a.public_id, person_b.public_id):
            error, status = _("Choose which of the two records to keep."), 400
        else:
            keep, remove = (person_a, person_b) if chosen == person_a.public_id else (person_b, person_a)
            try:
                moved = people_services.merge_people(
                    keep=keep, remove=remove, by=request.user, scope=organisation
                )
            except DomainError as exc:
                error, status = exc.message, 409
            else:
                context = {"organisation": organisation, "keep": keep, "moved": sorted(moved.items())}
                return render(request, "orgs/manage/duplicate_merged.html", context)
    cards = person_cards(organisation, [person_a, person_b])
    context = {
        "organisation": organisation,
        "a": cards[person_a.pk],
        "b": cards[person_b.pk],
        "error": error,
    }
    return render(request, "orgs/manage/duplicate_merge.html", context, status=status)


@login_required
@require_POST
def duplicate_dismiss(request, slug, a, b):
    organisation = _org_for(request, slug, PERM)
    person_a, person_b = _pair(organisation, a, b)
    people_services.dismiss_duplicate(a=person_a, b=person_b, by=request.user, scope=organisation)
    messages.success(request, _("Marked as two different people: this pair will not be proposed again."))
    return redirect("orgs:duplicates", slug=organisation.slug)
