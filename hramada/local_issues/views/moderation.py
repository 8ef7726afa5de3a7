"""The moderators' pages (under /manage/, so the middleware has required the second factor): the
queue of issues waiting for approval and of abuse reports, and the actions on an issue or a comment
(approve, hide or show with a reason, merge into another issue, dismiss a report).

Every page needs ``local_issues.moderate``; each action needs ``local_issues.moderate_issue`` on its
issue (a region's moderator moderates that region only), which the services check again. A refused
action answers 400 with the queue, the message and what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hramada.core.errors import DomainError

from .. import selectors, services
from ..forms import MergeForm, ReasonForm
from ..models import AbuseReport
from .public import issue_or_404


def _require_moderator(request, issue=None):
    if not services.can_moderate(request.user, issue):
        raise PermissionDenied


def _queue(request, *, status=200, failed=None):
    return render(
        request,
        "local_issues/manage/moderation.html",
        {**selectors.moderation_queue(request.user), "failed": failed or {}},
        status=status,
    )


def _done(request, message, fallback="local_issues:moderation"):
    messages.success(request, message)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _failed(request, *, target: str, action: str, message: str, value: str = "", issue=None):
    """The queue again with the message, and the failed issue's forms with what was typed in them."""
    failed = {"target": target, "action": action, "message": message, "value": value, "issue": issue}
    return _queue(request, status=400, failed=failed)


@login_required
@require_GET
def queue(request):
    _require_moderator(request)
    return _queue(request)


@login_required
@require_POST
def approve(request, public_id):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    try:
        services.publish_issue(actor=request.user, issue=issue)
    except DomainError as exc:
        return _failed(request, target=issue.public_id, action="approve", issue=issue, message=exc.message)
    return _done(request, _("The issue is published."))


@login_required
@require_POST
def hide(request, public_id):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _failed(
            request, target=issue.public_id, action="hide", issue=issue, message=message, value=reason
        )
    try:
        services.hide_issue(actor=request.user, issue=issue, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _failed(
            request, target=issue.public_id, action="hide", issue=issue, message=exc.message, value=reason
        )
    return _done(request, _("The issue is hidden; its page shows your reason."))


@login_required
@require_POST
def show(request, public_id):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    try:
        services.show_issue(actor=request.user, issue=issue)
    except DomainError as exc:
        return _failed(request, target=issue.public_id, action="show", issue=issue, message=exc.message)
    return _done(request, _("The issue is shown again."))


@login_required
@require_POST
def merge(request, public_id):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    form = MergeForm(request.POST)
    value = request.POST.get("into", "")
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _failed(
            request, target=issue.public_id, action="merge", issue=issue, message=message, value=value
        )
    into = selectors.issue_by_public_id(form.cleaned_data["into"])
    if into is None:
        return _failed(
            request,
            target=issue.public_id,
            action="merge",
            issue=issue,
            message=_("There is no issue with this number."),
            value=value,
        )
    try:
        services.merge_issues(actor=request.user, issue=issue, into=into)
    except DomainError as exc:
        return _failed(
            request, target=issue.public_id, action="merge", issue=issue, message=exc.message, value=value
        )
    return _done(request, _("The issues are merged: every backing is now on the issue kept."))


@login_required
@require_POST
def comment_hide(request, public_id, comment):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    found = selectors.comment_of(issue, comment)
    if found is None:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _failed(request, target=found.public_id, action="hide_comment", message=message, value=reason)
    try:
        services.hide_comment(actor=request.user, comment=found, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _failed(
            request, target=found.public_id, action="hide_comment", message=exc.message, value=reason
        )
    return _done(request, _("The comment is hidden."))


@login_required
@require_POST
def comment_show(request, public_id, comment):
    issue = issue_or_404(public_id)
    _require_moderator(request, issue)
    found = selectors.comment_of(issue, comment)
    if found is None:
        raise PermissionDenied
    try:
        services.show_comment(actor=request.user, comment=found)
    except DomainError as exc:
        return _failed(request, target=found.public_id, action="show_comment", message=exc.message)
    return _done(request, _("The comment is shown again."))


@login_required
@require_POST
def report_dismiss(request, report):
    report = get_object_or_404(AbuseReport.objects.select_related("issue__settlement"), pk=report)
    _require_moderator(request, report.issue)
    try:
        services.handle_report(actor=request.user, report=report)
    except DomainError as exc:
        return _failed(request, target=str(report.pk), action="dismiss", message=exc.message)
    return _done(request, _("The report is closed; nothing was hidden."))
