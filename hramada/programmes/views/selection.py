"""The selection page (organisers, under /manage/) and the applicant's decision page.

The lead organisation states the rules, asks for a proposal, changes picks by hand with a reason,
freezes and decides (``programmes.select_cohort``); partners see the page with their own country's
applicants only (``programmes.see_selection``). The middleware has already asked for two-factor under
``/manage/``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate

from .. import decisions, selection, selectors
from ..forms_selection import ChangeForm, RulesForm
from ..models import Application, Cohort, SelectionRules

A = Application.Status
SHOWN_STATUSES = (A.SUBMITTED, A.ACCEPTED, A.WAITLISTED, A.REJECTED, A.DECLINED)
PER_PAGE = 50


def _cohort_for(request, programme, cohort, perm="programmes.see_selection") -> Cohort:
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__organisation", "review_round"),
        programme__slug=programme,
        slug=cohort,
    )
    if not request.user.has_perm(perm, cohort):
        raise PermissionDenied
    return cohort


def _back(cohort):
    return redirect(reverse("programmes:selection", args=[cohort.programme.slug, cohort.slug]))


def describe(fact: dict, labels: dict | None = None) -> str:
    """A conflict's numbers in words."""
    rule = fact["rule"]
    if rule == selection.RULE_REGION:
        return _(
            "At least %(per)s per region in %(regions)s regions needs %(needs)s places; the cohort has %(size)s."
        ) % {
            "per": fact["per_region"],
            "regions": fact["regions"],
            "needs": fact["needs"],
            "size": fact["size"],
        }
    if rule == selection.RULE_COMMUNITY:
        return _(
            "At most %(per)s per community in %(communities)s communities (and %(loose)s applicants without "
            "a community) allows %(allows)s places; the cohort has %(size)s."
        ) % {
            "per": fact["per_community"],
            "communities": fact["communities"],
            "loose": fact["without_community"],
            "allows": fact["allows"],
            "size": fact["size"],
        }
    if rule == "region_by_community":
        return "; ".join(
            _("%(region)s needs %(needs)s but its communities allow %(allows)s")
            % {**r, "region": (labels or {}).get(r["region"], r["region"])}
            for r in fact["regions"]
        )
    if rule == selection.RULE_WOMEN:
        text = (
            _(
                "At least %(percent)s%% women of %(size)s needs %(needs)s women; %(women)s applicants with a "
                "score are women who gave their gender with consent."
            )
            % fact
        )
        if "women_within_community_limit" in fact:
            text += " " + _("Within the community limit at most %(n)s of them can be chosen.") % {
                "n": fact["women_within_community_limit"]
            }
        return text
    if rule == selection.RULE_DISABILITY:
        return (
            _(
                "At least %(needs)s people with disabilities are asked for; %(people)s applicants with a score "
                "said so with consent."
            )
            % fact
        )
    return ""


def rule_name(rule: str) -> str:
    return {
        selection.RULE_SIZE: _("cohort size"),
        selection.RULE_REGION: _("at least per region"),
        selection.RULE_COMMUNITY: _("at most per community"),
        selection.RULE_WOMEN: _("share of women"),
        selection.RULE_DISABILITY: _("people with disabilities"),
    }[rule]


def _page_context(request, cohort: Cohort, rules: SelectionRules | None, is_lead: bool) -> dict:
    partner_ids = selectors.partner_scope(request.user, cohort.programme)
    rows = decisions.candidate_rows(cohort, statuses=SHOWN_STATUSES)
    proposal = rules.proposal if rules else {}
    scores = proposal.get("scores") if proposal.get("status") else decisions.scores_for(cohort)
    scores = scores or {}
    selected = set(proposal.get("selected", []))
    final = list(proposal.get("final", []))
    final_set = set(final)
    ranking = proposal.get("ranking", [])
    rank_of = {key: i for i, key in enumerate(ranking, start=1)}
    for row in rows:
        key = row["public_id"]
        row["score"] = scores.get(key)
        row["status_label"] = A(row["status"]).label
        row["in_final"] = key in final_set
        row["rank"] = rank_of.get(key)
        row["brought_in"] = key in selected and key not in rank_of
        row["pushed_out"] = key in rank_of and key not in selected
        row["by_hand"] = (key in final_set) != (key in selected)
    checks, labels = [], {}
    if rules is not None and proposal.get("status"):
        candidates = selection.candidates_from(decisions._as_selection_rows(rows), scores)
        size = proposal.get("size") or rules.cohort_size
        labels = {row["community_key"]: row["community_name"] for row in rows if row["community_key"]}
        labels.update({str(row["region_key"]): row["region_name"] for row in rows if row["region_key"]})
        checks = selection.check(candidates, decisions.rules_of(rules), final, size)
        for ch in checks:
            ch.name = rule_name(ch.rule)
            ch.label = labels.get(ch.label, ch.label)
        # Community limits are shown only where a community is at or over its limit.
        checks = [c for c in checks if c.rule != selection.RULE_COMMUNITY or c.actual >= c.required]
    if partner_ids is not None:
        rows = [row for row in rows if row["partner_id"] in partner_ids]
    rows.sort(key=lambda r: (not r["in_final"], r["score"] is None, -(r["score"] or 0)))
    changes = (
        list(rules.changes.select_related("application__person", "by__person").order_by("-created_at", "-id"))
        if rules
        else []
    )
    if partner_ids is not None:
        changes = [c for c in changes if c.application.partner_id in partner_ids]
    return {
        "cohort": cohort,
        "programme": cohort.programme,
        "rules": rules,
        "is_lead": is_lead,
        "proposal": proposal,
        "page": paginate(request, rows, per_page=PER_PAGE),
        "n_rows": len(rows),
        "n_final": len(final),
        "checks": checks,
        "all_met": all(c.met for c in checks),
        "conflict": [rule_name(r) for r in proposal.get("conflict", [])],
        "facts": [text for text in (describe(f, labels) for f in proposal.get("facts", [])) if text],
        "changes": changes,
        "change_form": ChangeForm(),
        "decided": rules is not None
        and rules.frozen_at is not None
        and any(r["status"] != A.SUBMITTED for r in rows),
        "partner_view": partner_ids is not None,
    }


@login_required
def selection_manage(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort)
    is_lead = request.user.has_perm("programmes.select_cohort", cohort)
    rules = SelectionRules.objects.filter(cohort=cohort).first()
    form = RulesForm(instance=rules) if is_lead else None
    status = 200
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied
        form = RulesForm(request.POST, instance=rules)
        if form.is_valid():
            try:
                decisions.save_rules(actor=request.user, cohort=cohort, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The rules are saved. Ask for a proposal."))
                return _back(cohort)
        status = 400
        rules = SelectionRules.objects.filter(cohort=cohort).first()
    context = _page_context(request, cohort, rules, is_lead)
    context["form"] = form
    return render(request, "programmes/manage/selection.html", context, status=status)


def _post_action(request, programme, cohort, action):
    cohort = _cohort_for(request, programme, cohort, perm="programmes.select_cohort")
    try:
        message = action(cohort)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return _back(cohort)


@login_required
@require_POST
def selection_propose(request, programme, cohort):
    def run(cohort):
        rules = decisions.propose(actor=request.user, cohort=cohort)
        if rules.proposal["status"] == selection.INFEASIBLE:
            return _("The rules cannot all be met: see which ones conflict below.")
        if rules.proposal["status"] == selection.EMPTY:
            return _("No application has a review score yet: add applicants by hand.")
        return _("The proposal is ready.")

    return _post_action(request, programme, cohort, run)


@login_required
@require_POST
def selection_freeze(request, programme, cohort):
    def run(cohort):
        decisions.freeze(actor=request.user, cohort=cohort)
        return _("The selection is frozen.")

    return _post_action(request, programme, cohort, run)


@login_required
@require_POST
def selection_decide(request, programme, cohort):
    def run(cohort):
        counts = decisions.decide(actor=request.user, cohort=cohort)
        return ngettext(
            "Decided and e-mailed: %(accepted)s accepted, %(waitlisted)s on the waiting list, %(rejected)s not selected.",
            "Decided and e-mailed: %(accepted)s accepted, %(waitlisted)s on the waiting list, %(rejected)s not selected.",
            counts[A.ACCEPTED],
        ) % {
            "accepted": counts[A.ACCEPTED],
            "waitlisted": counts[A.WAITLISTED],
            "rejected": counts[A.REJECTED],
        }

    return _post_action(request, programme, cohort, run)


@login_required
def selection_change(request, programme, cohort, public_id):
    cohort = _cohort_for(request, programme, cohort, perm="programmes.select_cohort")
    application = get_object_or_404(
        Application.objects.select_related("person"), cohort=cohort, public_id=public_id
    )
    form = ChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.change_selection(
                actor=request.user,
                cohort=cohort,
                application=application,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The selection is changed."))
            return _back(cohort)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programmes/manage/selection_change.html",
        {"cohort": cohort, "programme": cohort.programme, "application": application, "form": form},
        status=status,
    )


@login_required
def decision(request, public_id):
    application = get_object_or_404(
        Application.objects.select_related("cohort__programme__organisation", "person"), public_id=public_id
    )
    if not request.user.has_perm("programmes.answer_place", application):
        raise Http404
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "confirm":
                decisions.confirm_place(actor=request.user, application=application)
                messages.success(request, _("Your place is confirmed. Welcome!"))
            elif answer == "decline":
                decisions.decline_place(actor=request.user, application=application)
                messages.success(request, _("You have declined the place. Thank you for telling us."))
            else:
                raise DomainError(_("Choose whether to confirm or decline."))
        except DomainError as exc:
            messages.error(request, exc.message)
            application.refresh_from_db()
            return render(
                request, "programmes/public/decision.html", _decision_context(application), status=400
            )
        return redirect(reverse("programmes:decision", args=[application.public_id]))
    return render(request, "programmes/public/decision.html", _decision_context(application))


def _decision_context(application):
    return {
        "application": application,
        "cohort": application.cohort,
        "programme": application.cohort.programme,
        "participant": getattr(application, "participant", None)
        if application.status == A.ACCEPTED
        else None,
    }
