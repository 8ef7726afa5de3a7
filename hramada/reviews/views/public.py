"""What reviewers (experts, jurors) use: their assignments, the scoring form, declaring a conflict.

Under ``/reviews/``, not ``/manage/``: outside experts need an account but no two-factor set-up. A
reviewer sees only their own assignments; any other assignment is a 404, so ids reveal nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate

from .. import selectors, services
from ..forms import ExpertConflictForm, ScoreForm
from ..models import Assignment, AssignmentStatus


def _my_assignment(request, assignment_id) -> Assignment:
    assignment = (
        Assignment.objects.select_related("round__rubric", "round__organisation", "item", "reviewer")
        .filter(public_id=assignment_id, reviewer__user=request.user)
        .first()
    )
    if assignment is None or not request.user.has_perm("reviews.review", assignment):
        raise Http404
    return assignment


@login_required
def my_reviews(request):
    status = request.GET.get("status") if request.GET.get("status") in AssignmentStatus.values else ""
    page = paginate(request, selectors.my_assignments(request.user, status or None), per_page=50)
    return render(
        request,
        "reviews/public/my_reviews.html",
        {"page": page, "status": status, "counts": selectors.my_counts(request.user), "now": timezone.now()},
    )


@login_required
def review(request, assignment_id):
    assignment = _my_assignment(request, assignment_id)
    round_ = assignment.round
    criteria = list(round_.rubric.criteria.all())
    initial_scores = dict(assignment.scores.values_list("criterion_id", "value"))
    form = ScoreForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial_scores=initial_scores,
        initial={"comment": assignment.comment},
    )
    is_open = round_.is_open(timezone.now())
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                user=request.user,
                assignment=assignment,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your review is saved. You can change it until the round closes."))
            return redirect("reviews:my_reviews")
    return render(
        request,
        "reviews/public/review.html",
        {"assignment": assignment, "round": round_, "form": form, "is_open": is_open},
    )


@login_required
def declare_conflict(request, assignment_id):
    assignment = _my_assignment(request, assignment_id)
    form = ExpertConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                actor=request.user,
                reviewer=assignment.reviewer,
                item=assignment.item,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you. The conflict of interest is recorded and the item is taken off your list."),
            )
            return redirect("reviews:my_reviews")
    return render(request, "reviews/public/conflict.html", {"assignment": assignment, "form": form})
