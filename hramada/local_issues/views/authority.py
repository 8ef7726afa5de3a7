"""Pages of the authorities' part.

- The answer page of an e-mailed link (``/issues/answer/<token>/``, no account): GET shows the issue and
  the form and changes nothing (mail scanners prefetch links); POST answers. An unknown token is 404,
  a revoked or expired link 410, a used one opens read-only and refuses a second answer with 410. A
  network that tries too many unknown tokens is refused for the hour (429).
- The authority's own pages under /manage/ (the middleware has required the second factor): the issues
  forwarded to it and the answer to each.
- Moderators: forward (the suggested authority preselected), send a new link, revoke a link, escalate,
  and the places and categories each authority covers.
- The reporter's and backers' "is it fixed?" page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation
from hramada.voting.antifraud import RequestMeta

from .. import authorities, services
from ..forms_authority import AnswerForm, AreaForm, FixedForm, ForwardForm, LinkAnswerForm
from ..models import AnswerLink, AuthorityArea, Issue

T = "local_issues/authority/"


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _private(response):
    """The token is in the address: no cache keeps the page and no link out sends it as a referrer.
    "same-origin", not "no-referrer": under "no-referrer" browsers send ``Origin: null`` with the
    page's own form, and Django's CSRF check refuses the answer (403)."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _timeline(issue):
    return issue.timeline.select_related("authority").order_by("created_at", "id")


# --- The answer page of an e-mailed link -------------------------------------------------------------------


def _link_refused(request, reason, status):
    return _private(render(request, T + "link_refused.html", {"reason": reason}, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def answer_by_link(request, token):
    network = services.network_key(RequestMeta.from_request(request).ip)
    if authorities.too_many_guesses(network):
        return _link_refused(request, "guesses", 429)
    link = authorities.link_for_token(token)
    if link is None:
        authorities.count_guess(network)
        return _link_refused(request, "unknown", 404)
    state = authorities.link_state(link)
    if state in ("revoked", "expired"):
        return _link_refused(request, state, 410)
    issue = link.issue
    if not issue.is_public:
        return _link_refused(request, "closed", 410)
    waiting = (
        state == "open" and issue.authority_id == link.authority_id and issue.status in authorities.ANSWERABLE
    )
    form = None
    status = 200
    if request.method == "POST":
        if state == "used":
            return _link_refused(request, "used", 410)
        if request.POST.get("issue") != issue.public_id:
            # A form of another issue's page sent to this link (or the reverse): nothing is answered.
            return _link_refused(request, "other_issue", 404)
        form = LinkAnswerForm(request.POST, request.FILES, authority=link.authority)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "issue"}
            try:
                authorities.answer(issue=issue, authority=link.authority, link=link, **values)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Thank you. Your answer is published on the issue's page."))
                return _private(redirect(request.path))
        status = 400
    elif waiting:
        form = LinkAnswerForm(initial={"issue": issue.public_id}, authority=link.authority)
    context = {
        "link": link,
        "issue": issue,
        "authority": link.authority,
        "state": state,
        "waiting": waiting,
        "form": form,
        "reporter": authorities.reporter_for_authority(issue),
        "timeline": _timeline(issue),
        "photos": issue.photos.filter(entry__isnull=True),
    }
    return _private(render(request, T + "answer.html", context, status=status))


# --- The authority's own pages ----------------------------------------------------------------------------


def _authority_for(request, slug) -> Organisation:
    authority = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.AUTHORITY)
    if not request.user.has_perm("local_issues.act_for_authority", authority):
        raise PermissionDenied
    return authority


@login_required
def authority_issues(request, slug):
    authority = _authority_for(request, slug)
    page = paginate(request, authorities.authority_issues(authority), per_page=50)
    return render(request, T + "authority_issues.html", {"authority": authority, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def authority_answer(request, slug, public_id):
    authority = _authority_for(request, slug)
    issue = get_object_or_404(
        Issue.objects.select_related("settlement__district", "category", "community", "reporter"),
        public_id=public_id,
        authority=authority,
    )
    waiting = issue.status in authorities.ANSWERABLE and issue.is_public
    form = AnswerForm(request.POST or None, request.FILES or None, authority=authority) if waiting else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This issue is not waiting for an answer now."))
            return redirect("local_issues:authority_issues", authority.slug)
        if form.is_valid():
            try:
                authorities.answer(issue=issue, authority=authority, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Your answer is published on the issue's page."))
                return redirect("local_issues:authority_issues", authority.slug)
    context = {
        "authority": authority,
        "issue": issue,
        "form": form,
        "reporter": authorities.reporter_for_authority(issue),
        "timeline": _timeline(issue),
        "photos": issue.photos.filter(entry__isnull=True),
        "can_send_link": bool(authority.contact_email) and waiting,
    }
    return render(
        request, T + "authority_answer.html", context, status=400 if request.method == "POST" else 200
    )


# --- Moderators: forward, links, escalate -----------------------------------------------------------------


def _issue_to_moderate(request, public_id) -> Issue:
    issue = get_object_or_404(
        Issue.objects.select_related("settlement__district", "settlement__region", "category", "authority"),
        public_id=public_id,
    )
    if not request.user.has_perm("local_issues.moderate_issue", issue):
        raise PermissionDenied
    return issue


@login_required
@require_http_methods(["GET", "POST"])
def forward(request, public_id):
    issue = _issue_to_moderate(request, public_id)
    suggested = authorities.suggest_authority(issue)
    form = ForwardForm(request.POST or None, initial={"authority": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            link = authorities.forward_issue(
                actor=request.user, issue=issue, authority=form.cleaned_data["authority"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            authority = form.cleaned_data["authority"]
            if link is None:
                messages.success(
                    request, _("Forwarded to %(a)s; its managers answer on the platform.") % {"a": authority}
                )
            else:
                messages.success(
                    request, _("Forwarded to %(a)s; the answer link is e-mailed.") % {"a": authority}
                )
            return redirect("local_issues:forward", issue.public_id)
    context = {
        "issue": issue,
        "form": form,
        "suggested": suggested,
        "above": authorities.authority_above(issue),
        "links": authorities.open_links(issue),
        "timeline": _timeline(issue),
        "forwardable": issue.status in authorities.FORWARDABLE and issue.is_public,
        "can_send_link": issue.status in authorities.ANSWERABLE
        and issue.authority_id is not None
        and bool(issue.authority.contact_email),
    }
    return render(request, T + "forward.html", context, status=400 if request.method == "POST" else 200)


def _back_to(request, issue):
    """Back to the page the action was sent from: the moderator's or the authority's."""
    slug = request.POST.get("authority")
    if slug and issue.authority_id and issue.authority.slug == slug:
        return redirect("local_issues:authority_answer", slug, issue.public_id)
    return redirect("local_issues:forward", issue.public_id)


@login_required
@require_POST
def send_link(request, public_id):
    issue = get_object_or_404(Issue.objects.select_related("authority", "settlement"), public_id=public_id)
    if not (
        request.user.has_perm("local_issues.moderate_issue", issue)
        or (issue.authority_id and authorities.can_act_for(request.user, issue.authority))
    ):
        raise PermissionDenied
    try:
        authorities.send_link(actor=request.user, issue=issue)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("A new answer link is e-mailed to %(email)s.") % {"email": issue.authority.contact_email},
        )
    return _back_to(request, issue)


@login_required
@require_POST
def revoke_link(request, link):
    link = get_object_or_404(
        AnswerLink.objects.select_related("issue__authority", "authority"), public_id=link
    )
    issue = link.issue
    if not (
        request.user.has_perm("local_issues.moderate_issue", issue)
        or authorities.can_act_for(request.user, link.authority)
    ):
        raise PermissionDenied
    try:
        authorities.revoke_link(actor=request.user, link=link)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link is revoked: it no longer opens."))
    return _back_to(request, issue)


@login_required
@require_POST
def escalate(request, public_id):
    issue = _issue_to_moderate(request, public_id)
    try:
        authorities.escalate(actor=request.user, issue=issue)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        issue.refresh_from_db()
        messages.success(request, _("Escalated to %(a)s.") % {"a": issue.authority})
    return redirect("local_issues:forward", issue.public_id)


# --- Moderators: the places and categories of authorities --------------------------------------------------


def _require_moderate(request):
    if not request.user.has_perm("local_issues.moderate"):
        raise PermissionDenied


@login_required
def areas(request):
    _require_moderate(request)
    page = paginate(
        request,
        authorities.authorities().prefetch_related(
            "issue_areas__region",
            "issue_areas__district",
            "issue_areas__settlement",
            "issue_areas__categories",
        ),
        per_page=50,
    )
    return render(request, T + "areas.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def authority_areas(request, slug):
    _require_moderate(request)
    authority = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.AUTHORITY)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authorities.set_area(actor=request.user, authority=authority, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("local_issues:authority_areas", authority.slug)
    items = (
        AuthorityArea.objects.filter(authority=authority)
        .select_related("region", "district__region", "settlement__region", "settlement__district")
        .prefetch_related("categories")
        .order_by("id")
    )
    return render(
        request,
        T + "authority_areas.html",
        {"authority": authority, "form": form, "areas": items},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def area_remove(request, slug, area):
    _require_moderate(request)
    item = get_object_or_404(AuthorityArea, pk=area, authority__slug=slug)
    try:
        authorities.remove_area(actor=request.user, area=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The place is removed from the authority's list."))
    return redirect("local_issues:authority_areas", slug)


# --- The reporter's and backers' "is it fixed?" -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fixed(request, public_id):
    issue = get_object_or_404(Issue.objects.select_related("authority", "settlement"), public_id=public_id)
    person = getattr(request.user, "person", None)
    if not issue.is_public or not authorities.may_check(person, issue):
        raise Http404
    answered = issue.resolution_checks.filter(person=person).first()
    is_open = authorities.check_open(issue)
    form = FixedForm(request.POST or None) if is_open and answered is None else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("The question whether it is fixed is not open for this issue."))
            return redirect("local_issues:fixed", issue.public_id)
        if form.is_valid():
            try:
                authorities.record_check(actor=request.user, issue=issue, fixed=form.cleaned_data["fixed"])
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Thank you for your answer."))
                return redirect("local_issues:fixed", issue.public_id)
    context = {
        "issue": issue,
        "form": form,
        "answered": answered,
        "is_open": is_open,
        "until": authorities.check_window_end(issue),
        "resolution": issue.timeline.filter(kind="resolved").select_related("authority").last(),
        "detail_url": reverse("local_issues:detail", args=[issue.public_id]),
    }
    return render(request, T + "fixed.html", context, status=400 if request.method == "POST" else 200)
