"""E-mails to project teams: invitations, "submission received" and the screening result."""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


def _lead_language(project) -> str:
    from .models import ProjectMember

    lead = project.members.filter(role=ProjectMember.Role.LEAD).select_related("user__person").first()
    person = getattr(lead.user, "person", None) if lead and lead.user_id else None
    return (person.preferred_language if person else "") or settings.LANGUAGE_CODE


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
    with translation.override(_lead_language(member.project)):
        path = reverse("contests:accept_invitation", kwargs={"token": token})
        context = {"member": member, "project": member.project, "url": f"{settings.SITE_URL}{path}"}
        subject = render_to_string("contests/email/invitation_subject.txt", context).strip()
        body = render_to_string("contests/email/invitation.txt", context)
    send_mail(subject, body, None, [member.email])


@task()
def send_project_email(project_id: int, kind: str) -> None:
    """Tell the whole team that the project was received, or the screening result and its reason,
    in the lead's language."""
    from .models import Project, ProjectMember

    project = Project.objects.select_related("edition__contest", "category").get(pk=project_id)
    recipients = list(
        ProjectMember.objects.filter(project=project, accepted_at__isnull=False)
        .select_related("user")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    with translation.override(_lead_language(project)):
        context = {
            "project": project,
            "kind": kind,
            "url": settings.SITE_URL + reverse("contests:my_project", args=[project.public_id]),
            "public_url": settings.SITE_URL + reverse("contests:project", args=[project.public_id]),
        }
        subject = render_to_string("contests/email/project_subject.txt", context).strip()
        body = render_to_string("contests/email/project.txt", context)
    for email in recipients:
        send_mail(subject, body, None, [email])
