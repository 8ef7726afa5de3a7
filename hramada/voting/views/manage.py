"""Organiser pages of a public vote: the fraud panel and annulment (with a confirmation step).

Every page needs ``contests.manage_contest`` on the contest's organisation; the middleware has already
required two-factor authentication for ``/manage/``.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hramada.contests import selectors as contest_selectors
from hramada.contests.services import can_manage
from hramada.core.errors import DomainError

from .. import fraud, selectors, services
from ..forms import AnnulForm
from ..models import VoteLog

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
        "refused": Counter(
            VoteLog.objects.filter(stage=stage)
            .exclude(outcome=VoteLog.Outcome.ACCEPTED)
            .values_list("outcome", flat=True)
        ),
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
