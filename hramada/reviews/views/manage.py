"""Organiser pages for review rounds: rubrics, rounds, items, reviewers, conflicts, assignment,
progress and results.

Every page needs ``reviews.manage_round`` on the round (or ``reviews.add_round`` on the organisation);
the middleware has already required two-factor authentication for ``/manage/``.
"""

import csv
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation

from .. import selectors, services
from ..forms import (
    ConflictForm,
    ItemForm,
    PairForm,
    ReviewerAddForm,
    RoundForm,
    RubricForm,
    criteria_formset,
    criteria_from,
)
from ..models import Assignment, AssignmentStatus, Conflict, Reviewer, Round

PLAN_SALT = "reviews.plan"


def _cell(value):
    """A CSV cell that spreadsheet programs will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _org_for(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("reviews.add_round", organisation):
        raise PermissionDenied
    return organisation


def _round_for(request, round_id):
    round_ = Round.objects.select_related("organisation", "rubric").filter(public_id=round_id).first()
    if round_ is None:
        raise Http404
    if not request.user.has_perm("reviews.manage_round", round_):
        raise PermissionDenied
    return round_


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _flash_form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _act(request, round_, back: str, action, success: str, form=None):
    """The shape of the small POST actions on a round (remove a reviewer, record or lift a conflict,
    assign or take back): check the form if there is one, run the service, flash its outcome or its
    refusal, and go back to the list page ``back``."""
    if form is not None and not form.is_valid():
        _flash_form_errors(request, form)
    else:
        try:
            action()
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect(back, round_id=round_.public_id)


def _render_round(request, template, round_, current, **context):
    context.update({"round": round_, "organisation": round_.organisation, "current": current})
    return render(request, f"reviews/manage/{template}", context)


# --- Organisation: rounds and rubrics -------------------------------------------------------------------


@login_required
def org_rounds(request, slug):
    organisation = _org_for(request, slug)
    page = paginate(request, selectors.rounds_of(organisation), per_page=50)
    rubrics = organisation.rubrics.prefetch_related("criteria")
    return render(
        request,
        "reviews/manage/org_rounds.html",
        {"organisation": organisation, "page": page, "rubrics": rubrics},
    )


@login_required
def rubric_new(request, slug):
    organisation = _org_for(request, slug)
    form = RubricForm(_posted(request))
    formset = criteria_formset(_posted(request))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.create_rubric(
                actor=request.user,
                organisation=organisation,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                criteria=criteria_from(formset),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("reviews:org_rounds", slug=organisation.slug)
    return render(
        request,
        "reviews/manage/rubric_form.html",
        {"organisation": organisation, "form": form, "formset": formset},
    )


@login_required
def round_new(request, slug):
    organisation = _org_for(request, slug)
    if not organisation.rubrics.exists():
        messages.info(request, _("Create a rubric first: a round scores with one."))
        return redirect("reviews:rubric_new", slug=organisation.slug)
    form = RoundForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(actor=request.user, organisation=organisation, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The round is created. Add items and reviewers next."))
            return redirect("reviews:round", round_id=round_.public_id)
    return render(request, "reviews/manage/round_form.html", {"organisation": organisation, "form": form})


# --- A round: items ---------------------------------------------------------------------------------------


@login_required
def round_overview(request, round_id):
    round_ = _round_for(request, round_id)
    form = ItemForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.add_items(
                actor=request.user,
                round=round_,
                items=[
                    {
                        "subject_key": f"manual:{secrets.token_hex(8)}",
                        "title": form.cleaned_data["title"],
                        "url": form.cleaned_data["url"],
                        "organisation_id": organisation.pk if organisation else None,
                    }
                ],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The item is added."))
            return redirect("reviews:round", round_id=round_.public_id)
    page = paginate(request, selectors.items_of(round_), per_page=50)
    return _render_round(
        request,
        "round.html",
        round_,
        "overview",
        page=page,
        form=form,
        counts=selectors.round_counts(round_),
        criteria=round_.rubric.criteria.all(),
    )


# --- Reviewers and conflicts ------------------------------------------------------------------------------


@login_required
def reviewers(request, round_id):
    round_ = _round_for(request, round_id)
    form = ReviewerAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_reviewer(
                actor=request.user,
                round=round_,
                user=form.user,
                organisation=form.cleaned_data["organisation"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The reviewer is added."))
            return redirect("reviews:reviewers", round_id=round_.public_id)
    page = paginate(
        request, round_.reviewers.select_related("user__person", "organisation").order_by("id"), per_page=50
    )
    conflicts = (
        Conflict.objects.filter(item__round=round_)
        .select_related("reviewer__user__person", "item", "declared_by")
        .order_by("-created_at")
    )
    return _render_round(
        request,
        "reviewers.html",
        round_,
        "reviewers",
        page=page,
        form=form,
        conflicts=conflicts,
        conflict_form=ConflictForm(round=round_),
    )


@login_required
@require_POST
def reviewer_remove(request, round_id, reviewer_id):
    round_ = _round_for(request, round_id)
    reviewer = get_object_or_404(Reviewer, round=round_, public_id=reviewer_id)
    return _act(
        request,
        round_,
        "reviews:reviewers",
        lambda: services.remove_reviewer(actor=request.user, reviewer=reviewer),
        _("The reviewer is removed."),
    )


@login_required
@require_POST
def conflict_add(request, round_id):
    round_ = _round_for(request, round_id)
    form = ConflictForm(request.POST, round=round_)
    return _act(
        request,
        round_,
        "reviews:reviewers",
        lambda: services.declare_conflict(
            actor=request.user,
            reviewer=form.cleaned_data["reviewer"],
            item=form.cleaned_data["item"],
            reason=form.cleaned_data["reason"],
        ),
        _("The conflict of interest is recorded."),
        form=form,
    )


@login_required
@require_POST
def conflict_remove(request, round_id, conflict_id):
    round_ = _round_for(request, round_id)
    conflict = get_object_or_404(Conflict, item__round=round_, public_id=conflict_id)
    return _act(
        request,
        round_,
        "reviews:reviewers",
        lambda: services.withdraw_conflict(actor=request.user, conflict=conflict),
        _("The conflict of interest is lifted."),
    )


# --- Assignments ------------------------------------------------------------------------------------------


@login_required
def assignments(request, round_id):
    round_ = _round_for(request, round_id)
    status = request.GET.get("status")
    reviewer = None
    if request.GET.get("reviewer"):
        reviewer = round_.reviewers.filter(public_id=request.GET["reviewer"]).first()
    page = paginate(request, selectors.assignments_of(round_, status=status, reviewer=reviewer), per_page=50)
    return _render_round(
        request,
        "assignments.html",
        round_,
        "assignments",
        page=page,
        status=status if status in AssignmentStatus.values else "",
        filter_reviewer=reviewer,
        form=PairForm(round=round_),
        counts=selectors.round_counts(round_),
    )


@login_required
@require_POST
def assignment_add(request, round_id):
    round_ = _round_for(request, round_id)
    form = PairForm(request.POST, round=round_)
    return _act(
        request,
        round_,
        "reviews:assignments",
        lambda: services.assign(
            actor=request.user,
            round=round_,
            reviewer=form.cleaned_data["reviewer"],
            item=form.cleaned_data["item"],
        ),
        _("The item is assigned."),
        form=form,
    )


@login_required
@require_POST
def assignment_remove(request, round_id, assignment_id):
    round_ = _round_for(request, round_id)
    assignment = get_object_or_404(Assignment, round=round_, public_id=assignment_id)
    return _act(
        request,
        round_,
        "reviews:assignments",
        lambda: services.unassign(actor=request.user, assignment=assignment),
        _("The assignment is taken back."),
    )


@login_required
def auto_assign(request, round_id):
    """GET: the plan's summary, nothing written; POST: commit the plan shown (refused if the round changed)."""
    round_ = _round_for(request, round_id)
    if request.method == "POST":
        try:
            data = signing.loads(request.POST.get("plan", ""), salt=PLAN_SALT, max_age=3600)
            plan = services.Plan.from_data(data)
            created = services.apply_assignment(actor=request.user, round=round_, plan=plan)
        except signing.BadSignature:
            messages.error(request, _("The plan has expired or was altered. Please look at the new plan."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)d assignments were made.") % {"n": len(created)})
            return redirect("reviews:progress", round_id=round_.public_id)
        return redirect("reviews:auto_assign", round_id=round_.public_id)
    plan = services.plan_assignment(round=round_)
    token = signing.dumps(plan.to_data(), salt=PLAN_SALT, compress=True)
    low, high = plan.load_spread
    return _render_round(
        request, "auto_assign.html", round_, "assignments", plan=plan, token=token, low=low, high=high
    )


# --- Progress and results ---------------------------------------------------------------------------------


@login_required
def progress(request, round_id):
    round_ = _round_for(request, round_id)
    status = request.GET.get("status") if request.GET.get("status") in ("pending", "done") else ""
    rows = selectors.progress(round_, status or None)
    page = paginate(request, rows, per_page=50)
    return _render_round(
        request,
        "progress.html",
        round_,
        "progress",
        page=page,
        status=status,
        counts=selectors.round_counts(round_),
    )


@login_required
def results(request, round_id):
    round_ = _round_for(request, round_id)
    rows = selectors.results(round_)
    criteria = list(round_.rubric.criteria.all())
    for row in rows:
        row.criteria_list = [row.criteria.get(c.pk) for c in criteria]
    page = paginate(request, rows, per_page=100)
    return _render_round(request, "results.html", round_, "results", page=page, criteria=criteria)


@login_required
def results_csv(request, round_id):
    """One row per item (raw and normalised side by side); ``?reviews=1`` gives one row per review."""
    round_ = _round_for(request, round_id)
    rows = selectors.results(round_)
    criteria = list(round_.rubric.criteria.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    per_review = request.GET.get("reviews") == "1"
    name = "reviews" if per_review else "results"
    response["Content-Disposition"] = f'attachment; filename="{name}-{round_.public_id}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    titles = [c.title for c in criteria]
    if per_review:
        writer.writerow(
            ["item", "subject", "reviewer", "total_0_100", "z", *titles, "comment", "submitted_at"]
        )
        for row in rows:
            for review in row.reviews:
                writer.writerow(
                    [
                        _cell(row.item.title),
                        row.item.subject_key,
                        _cell(review.reviewer),
                        f"{review.total:.2f}",
                        f"{review.z:.4f}",
                        *[review.scores.get(c.pk, "") for c in criteria],
                        _cell(review.assignment.comment),
                        review.assignment.submitted_at.isoformat(),
                    ]
                )
        return response
    writer.writerow(
        ["rank", "item", "subject", "reviews", "raw_0_100", "normalised_z", *[f"mean {t}" for t in titles]]
    )
    for row in rows:
        writer.writerow(
            [
                row.rank or "",
                _cell(row.item.title),
                row.item.subject_key,
                row.n,
                "" if row.raw is None else f"{row.raw:.2f}",
                "" if row.normalised is None else f"{row.normalised:.4f}",
                *["" if row.criteria.get(c.pk) is None else f"{row.criteria[c.pk]:.2f}" for c in criteria],
            ]
        )
    return response
