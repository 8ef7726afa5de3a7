"""Organiser pages for finalists, the jury final, awards and pledges; the sponsor's pledge page.

Edition pages need ``contests.manage_contest`` on the contest's organisation; the sponsor page needs
``awards.declare_pledge`` on the sponsor organisation. The middleware requires two-factor
authentication for ``/manage/``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hramada.contests import selectors as contest_selectors
from hramada.contests.models import Project
from hramada.contests.services import can_manage
from hramada.core.errors import DomainError
from hramada.orgs.models import Organisation
from hramada.reviews.models import Rubric

from .. import registry, selectors, services
from ..forms import (
    AwardForm,
    PledgeForm,
    ReasonForm,
    RuleForm,
    StartRoundForm,
    UndoFinalistsForm,
    WinnerForm,
)
from ..models import Pledge, ReviewStage


def _edition_for(request, contest, edition):
    found = contest_selectors.managed_edition(contest, edition)
    if found is None:
        raise Http404
    if not can_manage(request.user, found.contest):
        raise PermissionDenied
    return found


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _back(edition, name="awards:manage"):
    return redirect(name, edition.contest.slug, edition.public_id)


def _rubrics(edition):
    return Rubric.objects.filter(organisation_id=edition.contest.organisation_id).order_by("title")


def _render(request, template, edition, **context):
    context["edition"] = edition
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
def overview(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    context = selectors.manage_overview(edition)
    rubrics = _rubrics(edition)
    context["expert_form"] = StartRoundForm(rubrics=rubrics, prefix="expert")
    context["jury_form"] = StartRoundForm(rubrics=rubrics, jury=True, prefix="jury")
    context["has_rubrics"] = rubrics.exists()
    context["org"] = edition.contest.organisation
    return _render(request, "awards/manage/overview.html", edition, **context)


def _start(request, contest, edition, *, jury):
    edition = _edition_for(request, contest, edition)
    form = StartRoundForm(
        request.POST, rubrics=_rubrics(edition), jury=jury, prefix="jury" if jury else "expert"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if jury:
                stage = services.start_jury(
                    actor=request.user,
                    edition=edition,
                    rubric=data["rubric"],
                    reviews_per_item=data["reviews_per_item"],
                    closes_at=data["closes_at"],
                )
            else:
                stage = services.start_expert_review(
                    actor=request.user,
                    edition=edition,
                    rubric=data["rubric"],
                    reviews_per_item=data["reviews_per_item"],
                    normalise=data["normalise"],
                    closes_at=data["closes_at"],
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The round is open. Add the reviewers and assign them on its page."))
            return redirect("reviews:round", stage.round.public_id)
    else:
        messages.error(
            request,
            _("Check the form: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    return _back(edition)


@login_required
@require_POST
def start_expert_review(request, contest, edition):
    return _start(request, contest, edition, jury=False)


@login_required
@require_POST
def start_jury(request, contest, edition):
    return _start(request, contest, edition, jury=True)


@login_required
@require_http_methods(["GET", "POST"])
def rule(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    current = selectors.rule_for(edition)
    initial = None
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in (
                "method",
                "finalists_per_category",
                "vote_weight",
                "expert_weight",
                "use_normalised",
                "tie_break",
            )
        }
    form = RuleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_finalist_rule(actor=request.user, edition=edition, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The finalist rule is saved."))
            return _back(edition, "awards:finalists")
    return _render(request, "awards/manage/rule.html", edition, form=form, rule=current)


@login_required
@require_http_methods(["GET"])
def finalists(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    rule = selectors.rule_for(edition)
    if rule is None:
        messages.info(request, _("Set the finalist rule first."))
        return _back(edition, "awards:rule")
    return _render(
        request,
        "awards/manage/finalists.html",
        edition,
        rule=rule,
        proposal=services.propose_finalists(edition),
        expert_stage=selectors.review_stage(edition, ReviewStage.Kind.EXPERT),
    )


@login_required
@require_POST
def confirm_finalists(request, contest, edition, category):
    """Step 1 shows the chosen list against the proposal; step 2 (confirm) commits it."""
    edition = _edition_for(request, contest, edition)
    category = get_object_or_404(edition.categories.all(), public_id=category)
    proposal = selectors.category_proposal(edition, category)
    if proposal is None:
        raise Http404
    chosen_ids = request.POST.getlist("project")[:200]
    rows = {row.project.public_id: row for row in proposal.rows}
    chosen = [rows[pid] for pid in chosen_ids if pid in rows]
    if not chosen:
        messages.error(request, _("Choose the finalists."))
        return _back(edition, "awards:finalists")
    proposed = {row.project.public_id for row in proposal.selected}
    deviates = {row.project.public_id for row in chosen} != proposed
    form = ReasonForm(request.POST if "confirm" in request.POST else None)
    if "confirm" in request.POST and form.is_valid():
        try:
            services.confirm_finalists(
                actor=request.user,
                edition=edition,
                category=category,
                projects=[row.project for row in chosen],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The finalists of “%(c)s” are confirmed; their teams are told by e-mail.")
                % {"c": category},
            )
            return _back(edition, "awards:finalists")
    return _render(
        request,
        "awards/manage/confirm_finalists.html",
        edition,
        category=category,
        chosen=chosen,
        added=[row for row in chosen if row.project.public_id not in proposed],
        left_out=[
            row
            for row in proposal.selected
            if row.project.public_id not in {r.project.public_id for r in chosen}
        ],
        deviates=deviates,
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def undo_finalists(request, contest, edition, category):
    """GET: what undoing the category's confirmation changes (or why it is refused); POST: undo it."""
    edition = _edition_for(request, contest, edition)
    category = get_object_or_404(edition.categories.all(), public_id=category)
    summary = selectors.undo_summary(edition, category)
    if not summary["finalists"]:
        raise Http404
    form = UndoFinalistsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.undo_finalists(
                actor=request.user,
                edition=edition,
                category=category,
                reason=form.cleaned_data["reason"],
                notify_teams=form.cleaned_data["notify_teams"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The finalists of “%(c)s” are no longer confirmed. Confirm the category's finalists again.")
                % {"c": category},
            )
            return _back(edition, "awards:finalists")
    return _render(
        request, "awards/manage/undo_finalists.html", edition, category=category, form=form, **summary
    )


@login_required
@require_http_methods(["GET", "POST"])
def awards(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    form = AwardForm(request.POST if request.method == "POST" else None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_award(actor=request.user, edition=edition, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Award added."))
            return _back(edition, "awards:awards")
    awards_list = list(selectors.awards_of(edition))
    registry.attach_links(awards_list, request.user, manage=True)  # e.g. "Start an initiative"
    return _render(
        request,
        "awards/manage/awards.html",
        edition,
        form=form,
        awards=awards_list,
        pledges=list(selectors.pledges_of(edition)),
        published=selectors.is_published(edition),
        decline_form=ReasonForm(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide_winner(request, contest, edition, award):
    edition = _edition_for(request, contest, edition)
    award = get_object_or_404(selectors.awards_of(edition), public_id=award)
    ranking = selectors.jury_ranking(award)
    form = WinnerForm(
        request.POST if request.method == "POST" else None,
        ranking=ranking,
        initial={"project": award.project.public_id if award.project else None},
    )
    if request.method == "POST" and form.is_valid():
        project = Project.objects.get(edition=edition, public_id=form.cleaned_data["project"])
        try:
            services.decide_winner(actor=request.user, award=award, project=project)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The winner of “%(a)s” is recorded.") % {"a": award})
            return _back(edition, "awards:awards")
    return _render(
        request, "awards/manage/decide_winner.html", edition, award=award, ranking=ranking, form=form
    )


@login_required
@require_POST
def decide_pledge(request, contest, edition, pledge, decision):
    edition = _edition_for(request, contest, edition)
    pledge = get_object_or_404(
        Pledge.objects.filter(edition=edition).select_related("edition__contest"), public_id=pledge
    )
    try:
        if decision == "accept":
            services.accept_pledge(actor=request.user, pledge=pledge)
            messages.success(request, _("The pledge is accepted and added as an award."))
        elif decision == "decline":
            services.decline_pledge(actor=request.user, pledge=pledge, reason=request.POST.get("reason", ""))
            messages.success(request, _("The pledge is declined."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(edition, "awards:awards")


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    if request.method == "POST":
        try:
            services.publish_results(actor=request.user, edition=edition)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The results are published; the winners are told by e-mail."))
            return redirect("awards:results", edition.contest.slug, edition.public_id)
    awards = list(selectors.awards_of(edition))
    return _render(
        request,
        "awards/manage/publish.html",
        edition,
        awards=awards,
        undecided=[a for a in awards if a.project_id is None],
        finalists=list(selectors.finalists(edition)),
        publication=selectors.publication(edition),
    )


# --- Sponsors ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sponsor_pledges(request, slug):
    """A sponsor organisation's managers pledge prizes for editions and follow their status."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("awards.declare_pledge", organisation):
        raise PermissionDenied
    editions = list(selectors.open_editions_for_pledges())
    form = PledgeForm(request.POST if request.method == "POST" else None, editions=editions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declare_pledge(
                actor=request.user,
                edition=data["edition_obj"],
                sponsor=organisation,
                category=data["category_obj"],
                **form.titles(),
                amount=data["amount"],
                currency=data["currency"],
                note=data["note"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: the organisers will accept or decline your pledge."))
            return redirect("awards:sponsor_pledges", organisation.slug)
    return render(
        request,
        "awards/manage/sponsor_pledges.html",
        {
            "organisation": organisation,
            "form": form,
            "pledges": selectors.pledges_of_sponsor(organisation),
            "editions": editions,
        },
    )
