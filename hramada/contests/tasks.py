"""E-mails to project teams: invitations, "submission received", the screening result and "the vote is
open"; each in its recipient's language."""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from hramada.people.selectors import email_language, language_for_address


def _lead_language(project) -> str:
    from .models import ProjectMember

    lead = project.members.filter(role=ProjectMember.Role.LEAD).select_related("user__person").first()
    return email_language(lead.user) if lead and lead.user_id else settings.LANGUAGE_CODE


@task()
def send_team_invitation(member_id: int) -> None:
    """E-mail a co-author's invitation. The token is made here and only its hash is stored, so the plain
    token exists only in the recipient's mailbox (not in the task queue's arguments)."""
    from .models import ProjectMember
    from .submissions import token_hash

    member = (
        ProjectMember.objects.select_related("project__edition", "invited_by__person")
        .filter(pk=member_id, accepted_at__isnull=True)
        .first()
    )
    if member is None:
        return
    token = secrets.token_urlsafe(32)
    ProjectMember.objects.filter(pk=member.pk).update(token_hash=token_hash(token))
    # The invitee's language if the address belongs to an account (or a known person), else the lead's.
    language = language_for_address(member.email, default=_lead_language(member.project))
    with translation.override(language):
        path = reverse("contests:accept_invitation", kwargs={"token": token})
        context = {"member": member, "project": member.project, "url": f"{settings.SITE_URL}{path}"}
        subject = render_to_string("contests/email/invitation_subject.txt", context).strip()
        body = render_to_string("contests/email/invitation.txt", context)
    send_mail(subject, body, None, [member.email])


@task()
def send_project_email(project_id: int, kind: str) -> None:
    """Tell the whole team that the project was received, the screening result and its reason, or that
    the vote is open: each member in their own language."""
    from .models import Project, ProjectMember

    project = Project.objects.select_related("edition__contest", "category").get(pk=project_id)
    members = (
        ProjectMember.objects.filter(project=project, accepted_at__isnull=False, user__isnull=False)
        .select_related("user__person")
        .order_by("role", "created_at")
    )
    by_language: dict[str, list[str]] = {}
    for member in members:
        if member.user.email:
            by_language.setdefault(email_language(member.user), []).append(member.user.email)
    for language, emails in by_language.items():
        with translation.override(language):  # the addresses too carry the language (/be/, /ru/, /en/)
            context = {
                "project": project,
                "kind": kind,
                "url": settings.SITE_URL + reverse("contests:my_project", args=[project.public_id]),
                "public_url": settings.SITE_URL + reverse("contests:project", args=[project.public_id]),
            }
            subject = render_to_string("contests/email/project_subject.txt", context).strip()
            body = render_to_string("contests/email/project.txt", context)
        for email in emails:
            send_mail(subject, body, None, [email])
