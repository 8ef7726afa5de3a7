"""What voters and visitors see of a public vote: voting, withdrawing, results, the ballot, receipts.

A successful vote renders its receipt on the response page (shown once, never stored, not cached);
refusals and withdrawals redirect, so a reload never repeats a change, and a repeated vote is refused
by the service.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hramada.contests import selectors as contest_selectors
from hramada.core.errors import DomainError
from hramada.core.ids import PublicIdConverter

from .. import antifraud, codes, selectors, services
from .. import phone as phone_checks
from ..antifraud import RequestMeta
from ..forms import PhoneCodeForm, PhoneForm, ReceiptForm, VotingCodeForm

# The event htmx answers trigger when the voter's votes changed; the "My votes" list listens for it.
VOTE_CHANGED = "vote-changed"


def _project_or_404(public_id):
    project = contest_selectors.public_project(public_id)
    if project is None:
        raise Http404
    return project


def _vote_target_or_404(public_id, voter=None):
    """The project as voting and withdrawing need it (with its vote stage and rules, and the
    ``voter``'s verified addresses), in one query."""
    project = selectors.vote_target(public_id, voter)
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


def _button(request, project, *, notice="", ok=True, code=None, status=200, vote=None, withdrawn=False):
    """htmx: the project's vote area, refreshed, with the notice (and the receipt) inside it.

    ``vote``: the vote area's state when the caller knows it (after an accepted vote); else read.
    ``withdrawn``: a vote for the project was just withdrawn; if that freed the voter's category,
    the other projects' vote areas come along as out-of-band swaps (their Vote buttons are back)."""
    if vote is None:
        edition = contest_selectors.edition_page(project.edition.contest.slug, project.edition.public_id)
        vote = selectors.edition_vote(request.user, edition, timezone.now()) if edition is not None else {}
    context = {
        "project": project,
        "vote": vote,
        "notice": notice,
        "notice_ok": ok,
        "receipt_code": code,
        "back": request.POST.get("next", ""),
    }
    response = render(request, "voting/public/_button.html", context, status=status)
    if withdrawn and vote.get("vote_open") and _category_was_full(project, vote):
        for other in selectors.other_vote_projects(project):
            response.content += render_to_string(
                "voting/public/_button.html",
                {**context, "project": other, "notice": "", "receipt_code": None, "oob": True},
                request,
            ).encode()
    response["Cache-Control"] = "no-store"
    return response


def _category_was_full(project, vote) -> bool:
    """After a withdrawal: whether the voter had used every vote of the project's category before it
    (so the other projects said "withdraw one to vote" and now offer a Vote button again)."""
    held = sum(1 for mine in vote.get("my_votes", ()) if mine.category_id == project.category_id)
    return held + 1 >= vote.get("votes_per_category", 1) and project.category_id not in vote.get(
        "full_category_ids", ()
    )


def _validated_csrf_token(request) -> str:
    """The (masked) CSRF token this POST was just accepted with, looked up as Django's CSRF check
    does (the form field, else the header), to put back in the form the answer carries; a fresh one
    (``get_token``, a few hundred Python calls) only if there is none."""
    return (
        request.POST.get("csrfmiddlewaretoken")
        or request.META.get(settings.CSRF_HEADER_NAME)
        or get_token(request)
    )


# The answer to an accepted vote differs between voters only in the receipt code, the CSRF token and
# the page to come back to: it is rendered once per project and language with markers in their place,
# and each answer fills them in. Rendering the template cost more than the rest of the view.
_MARK_CODE, _MARK_TOKEN, _MARK_BACK = "\x00code\x00", "\x00token\x00", "\x00back\x00"
_accepted_html: dict[tuple, str] = {}


def _accepted_button(request, project, code, vote, full=False):
    """htmx, after an accepted vote: the vote area with the receipt and the withdraw button (and,
    when the vote was the voter's last in its category, the other forms of the category replaced).

    Its state is known (the vote is open and this voter's vote for the project counts), so nothing is
    read; the template is rendered without context processors, once per project, title and language."""
    edition = project.edition
    key = (get_language(), project.public_id, project.title, edition.contest.slug, edition.public_id)
    html = _accepted_html.get(key)
    if html is None:
        html = get_template("voting/public/_button.html").render(
            {
                "request": request,  # for the template's defaults; the markers make them unused here
                "project": project,
                "vote": {"vote_open": True, "my_project_ids": {project.pk}, "annulled_project_ids": set()},
                "notice": _("Thank you: your vote is counted."),
                "notice_ok": True,
                "receipt_code": _MARK_CODE,
                "csrf_token": _MARK_TOKEN,
                "back": _MARK_BACK,
            }
        )
        if len(_accepted_html) >= 5000:  # a bound, not an eviction policy: votes concentrate anyway
            _accepted_html.clear()
        _accepted_html[key] = html
    back = request.POST.get("next", "") or request.get_full_path()
    html = (
        html.replace(_MARK_CODE, code)  # receipt codes and tokens are letters, digits and dashes
        .replace(_MARK_TOKEN, _validated_csrf_token(request))
        .replace(_MARK_BACK, escape(back))
    )
    if full:
        html += _category_full_oob(project.category_id, vote.limit)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


_full_oob_html: dict[tuple, str] = {}


def _category_full_oob(category_id: int, limit: int) -> str:
    """htmx out-of-band: every vote form of the category on the page becomes "You have used your
    vote(s) in this category" (the forms carry ``data-vote-offer=<category>``), in the same answer as
    the vote that used the category's last vote. The same for every voter: rendered once per
    category, limit and language."""
    key = (get_language(), category_id, limit)
    html = _full_oob_html.get(key)
    if html is None:
        html = get_template("voting/public/_full.html").render({"n": limit, "oob_category": category_id})
        if len(_full_oob_html) >= 5000:
            _full_oob_html.clear()
        _full_oob_html[key] = html
    return html


def _category_now_full(vote, page_has_others: bool) -> bool:
    """Whether this accepted vote used the voter's last vote in its category. With one vote per
    category (the usual rule) or the last slot taken it did, without reading. Otherwise the voter's
    votes there are counted (annulled ones keep their slots, so they count), but only when the page
    shows other vote forms of the category (the button says so: ``others=1``); a project's own page
    has none, so its votes pay no extra query."""
    if vote.limit == 1 or vote.slot == vote.limit:
        return True
    if not page_has_others:
        return False
    return selectors.votes_in_category(vote.stage_id, vote.category_id, vote.voter_hash) >= vote.limit


def _phone_url(stage_or_project, back: str = "") -> str:
    edition = stage_or_project.edition
    url = reverse("voting:phone", args=[edition.contest.slug, edition.public_id])
    return f"{url}?{urlencode({'next': back})}" if back else url


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cast(request, public_id):
    project = _vote_target_or_404(public_id, request.user)
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
        if request.htmx:
            return _button(request, project, notice=exc.message, ok=False)
        if exc.field == "phone":
            messages.info(request, exc.message)
            return redirect(_phone_url(project, reverse("contests:project", args=[project.public_id])))
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
    if request.htmx:
        full = _category_now_full(vote, request.POST.get("others") == "1")
        response = _accepted_button(request, project, code, vote, full)
        response["HX-Trigger"] = VOTE_CHANGED
        return response
    return render(request, "voting/public/receipt.html", {"project": project, "vote": vote, "code": code})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    project = _vote_target_or_404(public_id)
    if request.method == "GET":
        return redirect("contests:project", project.public_id)
    vote = selectors.my_vote_for(request.user, project)
    if vote is not None and request.POST.get("confirm") != "1":
        # Withdrawing asks first. htmx asks with the browser's dialog and sends confirm=1; this step
        # is for browsers without JavaScript (a page) or without the dialog (in place).
        return _withdraw_confirmation(request, project)
    if vote is None:
        notice, ok = _("You have no vote for this project."), False
    else:
        try:
            services.withdraw_vote(user=request.user, vote=vote)
        except DomainError as exc:
            notice, ok = exc.message, False
        else:
            notice, ok = (
                _("Your vote for “%(project)s” is withdrawn. You can vote for another project.")
                % {"project": project.title},
                True,
            )
    if request.htmx:
        response = _button(request, project, notice=notice, ok=ok, withdrawn=ok)
        if ok:
            response["HX-Trigger"] = VOTE_CHANGED
        return response
    messages.add_message(
        request, messages.SUCCESS if ok else messages.INFO if vote is None else messages.ERROR, notice
    )
    return _back(request, project)


def _withdraw_confirmation(request, project):
    """ "Withdraw your vote for …?" with a button that withdraws it (confirm=1) and a way back."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {
        "project": project,
        "back": back or reverse("contests:project", args=[project.public_id]),
        "in_place": bool(request.htmx),
    }
    template = (
        "voting/public/_withdraw_confirm.html" if request.htmx else "voting/public/withdraw_confirm.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def my_votes(request, contest, edition):
    """htmx: the signed-in voter's list of votes in the vote panel, asked for again after a vote or a
    withdrawal on the same page (``VOTE_CHANGED``); an empty list for anyone not signed in."""
    stage = _stage_or_404(contest, edition)
    mine = list(selectors.my_votes(request.user, stage)) if request.user.is_authenticated else []
    # Withdrawing from the list comes back to the page it sits in (htmx names it), else the edition.
    page = request.headers.get("HX-Current-URL", "")
    if url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = _path_of(page)
    else:
        back = reverse("contests:edition", args=[contest, edition])
    response = render(
        request, "voting/public/_my_votes.html", {"stage": stage, "my_votes": mine, "back": back}
    )
    response["Cache-Control"] = "no-store"
    return response


def _path_of(url: str) -> str:
    """The path and query of a URL on this site (the page the fragment sits in), for ``next``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# --- Voting with a code (no account) ------------------------------------------------------------------


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _code_context(stage, code: str, meta, **extra):
    """What a code holder sees after typing the code: their votes, the votes left, the projects."""
    now = timezone.now()
    rules = selectors.rules_for(stage)
    row = services.voting_code(stage=stage, code=code, meta=meta, now=now)
    mine = list(selectors.code_votes(stage, codes.code_voter_hash(row, stage)))
    edition = contest_selectors.edition_page(stage.edition.contest.slug, stage.edition.public_id)
    voted = {v.project_id for v in mine}
    return {
        "stage": stage,
        "edition": edition,
        "code": codes.normalise_code(code),
        "my_votes": mine,
        "categories": contest_selectors.projects_by_category(edition),
        "voted_ids": voted,
        "votes_per_category": rules.votes_per_category if rules else 1,
        "vote": {"pow_required": antifraud.pow_required(), "vote_open": stage.is_open(now)},
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def code_vote(request, public_id):
    """A visitor without an account votes for a project with a one-time code from a partner."""
    project = _project_or_404(public_id)
    stage = selectors.vote_stage(project.edition_id)
    rules = selectors.rules_for(stage) if stage is not None else None
    if stage is None or rules is None or not rules.allow_codes:
        raise Http404
    form = VotingCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vote, receipt = services.cast_vote(
                code=form.cleaned_data["code"],
                project=project,
                request_meta=RequestMeta.from_request(request),
                challenge=request.POST.get("altcha", ""),
            )
        except DomainError as exc:
            form.add_error("code" if exc.field == "code" else None, exc.message)
        else:
            return _no_store(
                render(
                    request,
                    "voting/public/receipt.html",
                    {
                        "project": project,
                        "vote": vote,
                        "code": receipt,
                        "voting_code": form.cleaned_data["code"],
                    },
                )
            )
    context = {
        "project": project,
        "stage": stage,
        "form": form,
        "vote": {"pow_required": antifraud.pow_required(), "vote_open": stage.is_open(timezone.now())},
    }
    return _no_store(render(request, "voting/public/code_vote.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def code_page(request, contest, edition):
    """A code holder types their code to see, cast and withdraw the votes of that code.

    The code travels only in POST bodies of pages that are not stored (no session, no address)."""
    stage = _stage_or_404(contest, edition)
    rules = selectors.rules_for(stage)
    if rules is None or not rules.allow_codes:
        raise Http404
    form = VotingCodeForm(request.POST or None)
    context = {"stage": stage, "edition": stage.edition, "form": form}
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        notice, ok = "", True
        meta = RequestMeta.from_request(request)
        if request.POST.get("withdraw"):
            try:
                row = services.voting_code(stage=stage, code=code, meta=meta)
                voter = codes.code_voter_hash(row, stage)
                vote = (
                    selectors.code_votes(stage, voter)
                    .filter(project__public_id=request.POST["withdraw"])
                    .first()
                )
                if vote is None:
                    raise DomainError(_("This code has no vote for that project."))
                services.withdraw_vote(code=code, vote=vote, request_meta=meta)
                notice = _("The vote for “%(project)s” is withdrawn.") % {"project": vote.project.title}
            except DomainError as exc:
                notice, ok = exc.message, False
                if exc.field == "code":  # a wrong code: counted once, shown once
                    form.add_error("code", exc.message)
        if form.is_valid():
            try:
                context.update(_code_context(stage, code, meta, notice=notice, notice_ok=ok))
            except DomainError as exc:
                form.add_error("code", exc.message)
    return _no_store(render(request, "voting/public/code_page.html", context))


# --- Phone check ----------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone(request, contest, edition):
    """Step 1: the voter's number gets a code by text message. Step 2: the voter types it back."""
    stage = _stage_or_404(contest, edition)
    rules = selectors.rules_for(stage)
    if rules is None or not rules.require_phone:
        raise Http404
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    back = back or reverse("contests:edition", args=[contest, edition])
    verified = phone_checks.has_verified_phone(request.user, stage)
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "send" else None)
    code_form = PhoneCodeForm(request.POST if request.POST.get("step") == "verify" else None)
    if request.method == "POST" and not verified:
        if phone_form.is_bound and phone_form.is_valid():
            try:
                phone_checks.start_phone_check(
                    user=request.user,
                    stage=stage,
                    phone=phone_form.cleaned_data["phone"],
                    request_meta=RequestMeta.from_request(request),
                )
            except DomainError as exc:
                phone_form.add_error("phone" if exc.field == "phone" else None, exc.message)
            else:
                messages.info(request, _("We sent a 6-digit code to your phone. It is valid for 10 minutes."))
                return redirect(f"{request.path}?{urlencode({'next': back})}")
        elif code_form.is_bound and code_form.is_valid():
            try:
                phone_checks.verify_phone(user=request.user, stage=stage, code=code_form.cleaned_data["code"])
            except DomainError as exc:
                code_form.add_error("code" if exc.field == "code" else None, exc.message)
            else:
                messages.success(request, _("Your phone number is confirmed. You can vote now."))
                return redirect(back)
    pending = None if verified else selectors.pending_phone_check(request.user, stage)
    context = {
        "stage": stage,
        "edition": stage.edition,
        "rules": rules,
        "verified": verified,
        "pending": pending,
        "phone_form": phone_form,
        "code_form": code_form,
        "next": back,
    }
    return render(request, "voting/public/phone.html", context)


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
    """A fresh proof-of-work challenge for a vote for one project (``?project=<public id>``, signed into
    the challenge); harder for busy or suspicious networks and new accounts. ``maxNumber``, beside
    the challenge, is what the vote button measures its progress against."""
    public_id = request.GET.get("project", "")
    if not public_id:
        return JsonResponse({"error": "Which project? Add ?project=<its id>."}, status=400)
    # Only a well-formed id reaches the query, as in the URLs (a NUL byte fails on PostgreSQL).
    project = (
        selectors.vote_target(PublicIdConverter().to_python(public_id))
        if re.fullmatch(PublicIdConverter.regex, public_id)
        else None
    )
    if project is None:
        return JsonResponse({"error": "No project with this id takes part in a vote."}, status=404)
    stage = project.vote_stage
    meta = RequestMeta.from_request(request)
    account, age = "", None
    if request.user.is_authenticated and stage is not None:
        account = selectors.voter_hash(request.user, stage)
        age = antifraud.account_facts(request.user, timezone.now()).age_seconds
    level = antifraud.pow_level(
        account=account, network=antifraud.network_hash(meta.ip), account_age=age, stage=stage
    )
    challenge = antifraud.new_challenge(level, project=project.public_id)
    return JsonResponse({**challenge, "maxNumber": antifraud.max_number(level)})


@require_GET
def help_page(request):
    """The voter help page: how to vote, receipts, the checks and why they exist."""
    return render(request, "voting/public/help.html")
