"""Organiser pages of a public vote: the rules (and publishing them), voting codes, the fraud panel and
annulment (with a confirmation step).

Every page needs ``contests.manage_contest`` on the contest's organisation; the middleware has already
required two-factor authentication for ``/manage/``.
"""

import base64
import csv
import io
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hramada.contests import selectors as contest_selectors
from hramada.contests.services import can_manage
from hramada.core.errors import DomainError

from .. import codes as code_services
from .. import fraud, selectors, services
from ..forms import AnnulForm, CodeBatchForm, RulesForm
from ..models import VoteLog, VotingCodeBatch, VotingRules

PANEL_LIMIT = 500


def _vote_stage(request, contest, edition):
    found = contest_selectors.managed_edition(contest, edition)
    if found is None:
        raise Http404
    if not can_manage(request.user, found.contest):
        raise PermissionDenied
    stage = selectors.vote_stage(found.pk)
    if stage is None:
        raise Http404
    stage.edition = found
    return stage


@login_required
@require_http_methods(["GET"])
def fraud_panel(request, contest, edition):
    """Flagged votes with the reasons for each flag; organisers tick some and annul them."""
    stage = _vote_stage(request, contest, edition)
    signal = request.GET.get("signal", "")
    flags = fraud.flagged(stage)
    by_signal = Counter(name for flag in flags for name in flag.signals)
    if signal in fraud.SIGNAL_LABELS:
        flags = [f for f in flags if signal in f.signals]
    projects = {p.pk: p for p in selectors.results(stage)}
    shown = flags[:PANEL_LIMIT]
    for flag in shown:
        flag.project = projects.get(flag.row.project)
    context = {
        "stage": stage,
        "edition": stage.edition,
        "flags": shown,
        "total": len(flags),
        "limit": PANEL_LIMIT,
        "signal": signal,
        "signals": [(name, label, by_signal.get(name, 0)) for name, label in fraud.SIGNAL_LABELS.items()],
        "strong": fraud.STRONG,
        "thresholds": fraud.thresholds(),
        "log_total": VoteLog.objects.filter(stage=stage).count(),
        "refused": [
            (VoteLog.Outcome(outcome).label, n)
            for outcome, n in sorted(
                Counter(
                    VoteLog.objects.filter(stage=stage)
                    .exclude(outcome=VoteLog.Outcome.ACCEPTED)
                    .values_list("outcome", flat=True)
                ).items()
            )
        ],
        "annulled_total": sum(selectors.annulled_counts(stage).values()),
    }
    return render(request, "voting/manage/fraud.html", context)


@login_required
@require_POST
def annul(request, contest, edition):
    """Step 1 shows a summary of the chosen votes and asks for a reason; step 2 (confirm) annuls."""
    stage = _vote_stage(request, contest, edition)
    chosen = list(
        VoteLog.objects.filter(
            stage=stage, public_id__in=request.POST.getlist("log")[:5000], vote__isnull=False
        ).select_related("vote", "project")
    )
    if not chosen:
        messages.error(request, _("Select the votes to annul."))
        return redirect("voting:fraud", contest, edition)
    form = AnnulForm(request.POST if "confirm" in request.POST else None)
    if "confirm" in request.POST and form.is_valid():
        try:
            n = services.annul_votes(
                actor=request.user,
                stage=stage,
                votes=[row.vote for row in chosen],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(
                request,
                ngettext("%(n)s vote is annulled.", "%(n)s votes are annulled.", n) % {"n": n},
            )
            return redirect("voting:fraud", contest, edition)
    counted = [row for row in chosen if row.vote.is_counted]
    per_project = Counter(row.project.title for row in counted)
    return render(
        request,
        "voting/manage/annul_confirm.html",
        {
            "stage": stage,
            "edition": stage.edition,
            "chosen": chosen,
            "counted": len(counted),
            "skipped": len(chosen) - len(counted),
            "per_project": sorted(per_project.items(), key=lambda item: -item[1]),
            "form": form,
        },
    )


# --- Rules ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, contest, edition):
    """Organisers edit the rules until they are published (frozen); then they are shown read-only.

    "Publish and freeze" asks for a confirmation first (step ``freeze``, then ``confirm``)."""
    stage = _vote_stage(request, contest, edition)
    now = timezone.now()
    current = selectors.rules_for(stage) or VotingRules(stage=stage)
    current.stage = stage
    frozen = current.frozen_at is not None or now >= stage.starts_at
    action = request.POST.get("action", "")
    if request.method == "POST" and action in ("freeze", "confirm") and not frozen:
        if action == "confirm":
            try:
                services.freeze_rules(stage=stage, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The rules are published and frozen."))
            return redirect("voting:rules", contest, edition)
        return render(
            request,
            "voting/manage/rules_freeze.html",
            {"stage": stage, "edition": stage.edition, "rules": current, **_document(current)},
        )
    initial = {name: getattr(current, name) for name in services.RULE_FIELDS}
    form = RulesForm(request.POST if request.method == "POST" and action == "save" else None, initial=initial)
    if form.is_bound and not frozen and form.is_valid():
        try:
            services.update_rules(actor=request.user, stage=stage, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The rules are saved. They are not published yet."))
            return redirect("voting:rules", contest, edition)
    elif request.method == "POST" and frozen:
        messages.error(request, _("The voting rules are frozen: they cannot change any more."))
        return redirect("voting:rules", contest, edition)
    return render(
        request,
        "voting/manage/rules.html",
        {
            "stage": stage,
            "edition": stage.edition,
            "rules": current,
            "frozen": frozen,
            "form": form,
            **_document(current),
        },
    )


def _document(rules_row: VotingRules) -> dict:
    return {
        "rules_document": selectors.canonical_json(selectors.rules_document(rules_row)),
        "fingerprint": rules_row.fingerprint or selectors.rules_fingerprint(rules_row),
    }


# --- Voting codes -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def code_batches(request, contest, edition):
    """Batches of voting codes: make one (the codes are shown once, printable and as CSV), see how
    many were used, revoke a batch's unused codes."""
    stage = _vote_stage(request, contest, edition)
    current = selectors.rules_for(stage)
    form = CodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch, new_codes = code_services.create_code_batch(
                actor=request.user,
                stage=stage,
                partner=form.cleaned_data["partner"],
                size=form.cleaned_data["size"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _printable(request, stage, batch, new_codes)
    context = {
        "stage": stage,
        "edition": stage.edition,
        "rules": current,
        "batches": selectors.code_batches(stage),
        "form": form,
    }
    return render(request, "voting/manage/codes.html", context)


def _printable(request, stage, batch, new_codes):
    """The one and only time the codes exist in clear: cards to print and the same codes as a CSV
    (a data: link in this page), in a response no cache or history may keep."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "partner", "site"])
    site = request.build_absolute_uri(
        reverse("voting:code", args=[stage.edition.contest.slug, stage.edition.public_id])
    )
    for code in new_codes:
        writer.writerow([code, batch.partner, site])
    csv_url = "data:text/csv;charset=utf-8;base64," + base64.b64encode(buffer.getvalue().encode()).decode()
    response = render(
        request,
        "voting/manage/codes_printable.html",
        {
            "stage": stage,
            "edition": stage.edition,
            "batch": batch,
            "codes": new_codes,
            "site": site,
            "csv_url": csv_url,
            "csv_name": f"voting-codes-{batch.public_id}.csv",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_batch(request, contest, edition, batch):
    stage = _vote_stage(request, contest, edition)
    found = VotingCodeBatch.objects.filter(stage=stage, public_id=batch).first()
    if found is None:
        raise Http404
    try:
        n = code_services.revoke_code_batch(actor=request.user, batch=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext("%(n)s unused code is revoked.", "%(n)s unused codes are revoked.", n) % {"n": n},
        )
    return redirect("voting:codes", contest, edition)
