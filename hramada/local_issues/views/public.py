"""Public pages of local issues: the list (filtered and sorted), an issue's page with its timeline,
raising an issue, backing, comments, following, abuse reports, "My issues", a community's priorities
and the moderation policy.

A refused action (a service's ``DomainError`` or a form error) answers 400 with the page again, the
message next to the form and what was typed still in it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.core.replica import replica_view
from hramada.places.models import Community

from .. import selectors, services
from ..forms import CommentForm, IssueForm, ReasonForm, ReportForm
from ..models import Issue

PER_PAGE = 20
MAX_LISTED = 1000  # issues a list shows for one choice of filters (50 pages)


def network_key(request) -> str:
    from hramada.voting.antifraud import RequestMeta

    return services.network_key(RequestMeta.from_request(request).ip)


@replica_view  # a public list: anonymous visitors' copies may be a moment old
@require_GET
def issue_list(request):
    filters = selectors.IssueFilters.from_query(request.GET)
    # At most MAX_LISTED issues per choice of filters: a deep page number (OFFSET) costs as much as
    # every issue before it, and nobody reads page 2,000; the page asks to narrow the filters instead.
    page = paginate(request, selectors.filtered_issues(filters)[:MAX_LISTED], per_page=PER_PAGE)
    filtered = any(
        (filters.region, filters.district, filters.community, filters.category, filters.state, filters.year)
    )
    return render(
        request,
        "local_issues/public/list.html",
        {
            "page": page,
            "filters": filters,
            "choices": selectors.filter_choices(filters),
            "filtered": filtered,
            "capped": page.paginator.count >= MAX_LISTED,
            "max_listed": MAX_LISTED,
        },
    )


def _page_context(request, public_id) -> dict:
    data = selectors.issue_page(public_id, request.user)
    if data is None:
        raise Http404
    return data


def _render_issue(request, data, *, status=200, comment_form=None, report_form=None, error=None):
    issue = data["issue"]
    return render(
        request,
        "local_issues/public/issue.html",
        {
            **data,
            "comment_form": comment_form or CommentForm(),
            "report_form": report_form or ReportForm(),
            "reason_form": ReasonForm(),
            "error": error,
            "open_to_actions": issue.is_public and issue.status != "merged",
        },
        status=status,
    )


@never_cache
@require_GET
def issue_detail(request, public_id):
    return _render_issue(request, _page_context(request, public_id))


def _issue_action(request, public_id, action, success_message, anchor=""):
    """Run one resident's action on the issue; a refusal re-renders the page with 400 and the message."""
    data = _page_context(request, public_id)
    try:
        action(data["issue"])
    except DomainError as exc:
        return _render_issue(request, data, status=400, error=exc.message)
    messages.success(request, success_message)
    return redirect(reverse("local_issues:detail", args=[public_id]) + anchor)


@login_required
@require_POST
def issue_back(request, public_id):
    return _issue_action(
        request,
        public_id,
        lambda issue: services.back_issue(actor=request.user, issue=issue, network_key=network_key(request)),
        _("You back this issue. We will e-mail you when there is news."),
        "#backing",
    )


@login_required
@require_POST
def issue_unback(request, public_id):
    return _issue_action(
        request,
        public_id,
        lambda issue: services.unback_issue(actor=request.user, issue=issue),
        _("You no longer back this issue."),
        "#backing",
    )


@login_required
@require_POST
def issue_follow(request, public_id):
    return _issue_action(
        request,
        public_id,
        lambda issue: services.follow_issue(actor=request.user, issue=issue),
        _("You follow this issue: we will e-mail you when there is news."),
        "#backing",
    )


@login_required
@require_POST
def issue_unfollow(request, public_id):
    return _issue_action(
        request,
        public_id,
        lambda issue: services.unfollow_issue(actor=request.user, issue=issue),
        _("You no longer follow this issue."),
        "#backing",
    )


@login_required
@require_POST
def issue_comment(request, public_id):
    data = _page_context(request, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.add_comment(
                actor=request.user,
                issue=data["issue"],
                body=form.cleaned_data["body"],
                network_key=network_key(request),
            )
        except DomainError as exc:
            form.add_error("body" if exc.field == "body" else None, exc.message)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(reverse("local_issues:detail", args=[public_id]) + f"#c-{comment.public_id}")
    return _render_issue(request, data, status=400, comment_form=form)


@login_required
@require_POST
def issue_report(request, public_id):
    data = _page_context(request, public_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        comment = None
        if form.cleaned_data["comment"]:
            comment = selectors.comment_of(data["issue"], form.cleaned_data["comment"].lower())
            if comment is None:
                raise Http404
        try:
            services.report_abuse(
                actor=request.user, issue=data["issue"], comment=comment, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("Thank you. Moderators will look at your report."))
            return redirect("local_issues:detail", public_id)
    return _render_issue(request, data, status=400, report_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    initial = {}
    if slug := request.GET.get("community"):
        initial["community"] = Community.objects.filter(slug=slug, is_published=True).first()
    if request.method == "POST":
        form = IssueForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                issue = services.raise_issue(
                    actor=request.user, network_key=network_key(request), **form.service_values()
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if issue.is_public:
                    messages.success(request, _("Your issue is published. Neighbours can now back it."))
                else:
                    messages.success(
                        request,
                        _(
                            "Thank you. Your issue waits for a moderator's check (issues from new accounts "
                            "are checked first); we will e-mail you when it is published."
                        ),
                    )
                return redirect("local_issues:detail", issue.public_id)
        if request.FILES and form.errors:
            form.add_error("photos", _("Please choose the photos again: a browser does not send them twice."))
        return render(request, "local_issues/public/new.html", {"form": form}, status=400)
    return render(request, "local_issues/public/new.html", {"form": IssueForm(initial=initial)})


@never_cache
@login_required
@require_GET
def my_issues(request):
    person = getattr(request.user, "person", None)
    mine = selectors.my_issues(person) if person else {"raised": [], "backed": []}
    return render(request, "local_issues/public/mine.html", mine)


@require_GET
def priorities(request, slug):
    community = get_object_or_404(
        Community.objects.select_related("settlement__region"), slug=slug, is_published=True
    )
    return render(
        request,
        "local_issues/public/priorities.html",
        {"community": community, "issues": selectors.community_priorities(community), "now": timezone.now()},
    )


@require_GET
def policy(request):
    return render(
        request,
        "local_issues/public/policy.html",
        {
            "trusted_after_days": services.trusted_after_days(),
            "per_day": services._setting("LOCAL_ISSUES_PER_PERSON_DAY"),
        },
    )


def issue_or_404(public_id) -> Issue:
    issue = selectors.issue_by_public_id(public_id)
    if issue is None:
        raise Http404
    return issue
