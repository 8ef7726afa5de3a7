"""What voters and visitors see of a public vote: voting, withdrawing, results, the ballot, receipts.

A successful vote renders its receipt on the response page (shown once, never stored, not cached);
refusals and withdrawals redirect, so a reload never repeats a change, and a repeated vote is refused
by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hramada.contests import selectors as contest_selectors
from hramada.core.errors import DomainError

from .. import antifraud, selectors, services
from ..antifraud import RequestMeta
from ..forms import ReceiptForm


def _project_or_404(public_id):
    project = contest_selectors.public_project(public_id)
    if project is None:
        raise Http404
    return project


def _back(request, project):
    """The page the form came from (``next``) if it is on this site, otherwise the project's page."""
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("contests:project", project.public_id)


def _stage_or_404(contest, edition):
    found = contest_selectors.edition_page(contest, edition)
    stage = selectors.vote_stage(found.pk) if found is not None else None
    if stage is None:
        raise Http404
    return stage


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cast(request, public_id):
    project = _project_or_404(public_id)
    if request.method == "GET":  # back from the log-in page: the visitor presses the button again
        return redirect("contests:project", project.public_id)
    try:
        vote, code = services.cast_vote(
            user=request.user,
            project=project,
            request_meta=RequestMeta.from_request(request),
            challenge=request.POST.get("altcha", ""),
        )
    except DomainError as exc:
        if not selectors.has_verified_email(request.user):
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    exc.message,
                    reverse("account_email"),
                    _("Manage my e-mail addresses"),
                ),
            )
        else:
            messages.error(request, exc.message)
        return _back(request, project)
    # The code exists only in this response: it is not kept anywhere (the vote stores its hash).
    return render(request, "voting/public/receipt.html", {"project": project, "vote": vote, "code": code})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    project = _project_or_404(public_id)
    if request.method == "GET":
        return redirect("contests:project", project.public_id)
    vote = selectors.my_vote_for(request.user, project)
    if vote is None:
        messages.info(request, _("You have no vote for this project."))
        return _back(request, project)
    try:
        services.withdraw_vote(user=request.user, vote=vote)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Your vote for “%(project)s” is withdrawn. You can vote for another project.")
            % {"project": project.title},
        )
    return _back(request, project)


@require_http_methods(["GET", "POST"])
def results(request, contest, edition):
    """Counts (when the rules allow), the rules and their fingerprint, the ballot, and a receipt checker.

    The checker posts the code, so it stays out of addresses, history and server logs.
    """
    stage = _stage_or_404(contest, edition)
    form = ReceiptForm(request.POST or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked = {"vote": selectors.check_receipt(stage, form.cleaned_data["receipt"])}
    context = selectors.results_page(stage)
    context.update({"edition": stage.edition, "form": form, "checked": checked})
    response = render(request, "voting/public/results.html", context)
    if request.method == "POST":
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def ballot(request, contest, edition):
    """The published ballot as CSV, streamed: one row per vote, no voter and no exact time."""
    stage = _stage_or_404(contest, edition)
    if not selectors.counts_visible(stage):
        messages.info(request, _("The ballot is published together with the vote counts."))
        return redirect("voting:results", contest, edition)
    response = StreamingHttpResponse(
        selectors.ballot_csv_lines(stage), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ballot-{stage.public_id}.csv"'
    return response


@never_cache
@require_GET
def challenge(request):
    """A fresh proof-of-work challenge for the vote form; harder for busy or suspicious networks."""
    meta = RequestMeta.from_request(request)
    stage = None
    account, age = "", None
    project = (
        contest_selectors.public_project(request.GET.get("project", ""))
        if request.GET.get("project")
        else None
    )
    if project is not None:
        stage = selectors.vote_stage(project.edition_id)
    if request.user.is_authenticated and stage is not None:
        account = selectors.voter_hash(request.user, stage)
        age = antifraud.account_facts(request.user, timezone.now()).age_seconds
    level = antifraud.pow_level(
        account=account, network=antifraud.network_hash(meta.ip), account_age=age, stage=stage
    )
    return JsonResponse(antifraud.new_challenge(level))


@require_GET
def help_page(request):
    """The voter help page: how to vote, receipts, the checks and why they exist."""
    return render(request, "voting/public/help.html")
