"""E-mails to reviewers (experts, jurors): their new assignments, and a reminder before the round closes.

Sent after the change commits (``core.tasks.enqueue_on_commit``), in the reviewer's preferred language,
with a link to "My reviews". Tasks take ids and read the current state, so an assignment withdrawn in
the meantime is left out, and nothing is sent when nothing is left.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from hramada.people.selectors import email_language


def _send(reviewer, template: str, context: dict) -> None:
    user = reviewer.user
    if user is None or not user.email:
        return
    with translation.override(
        email_language(user)
    ):  # the link too: addresses carry the language (/be/, /ru/, /en/)
        context = {
            **context,
            "round": reviewer.round,
            "reviews_url": settings.SITE_URL + reverse("reviews:my_reviews"),
        }
        subject = render_to_string(f"reviews/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"reviews/email/{template}.txt", context)
    EmailMessage(subject, body, None, [user.email]).send()


def _reviewer(reviewer_id: int):
    from .models import Reviewer

    return Reviewer.objects.select_related("user__person", "round").filter(pk=reviewer_id).first()


@task()
def send_assignment_email(reviewer_id: int, assignment_ids: list[int]) -> None:
    """One e-mail listing the reviewer's new assignments (all those made by one plan, or one by hand)."""
    from .models import Assignment, AssignmentStatus

    reviewer = _reviewer(reviewer_id)
    if reviewer is None:
        return
    assignments = list(
        Assignment.objects.filter(
            pk__in=assignment_ids, reviewer=reviewer, status=AssignmentStatus.PENDING
        ).select_related("item")
    )
    if assignments:
        _send(reviewer, "assigned", {"assignments": assignments})


@task()
def send_reminder_email(reviewer_id: int) -> None:
    """Remind a reviewer of their pending reviews in a round that closes soon."""
    from .models import AssignmentStatus

    reviewer = _reviewer(reviewer_id)
    if reviewer is None:
        return
    pending = list(reviewer.assignments.filter(status=AssignmentStatus.PENDING).select_related("item"))
    if pending:
        _send(reviewer, "reminder", {"pending": pending})
