import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from hramada.people.selectors import language_for_address


@task()
def send_invitation_email(invitation_id: int) -> None:
    """E-mail an invitation link. The token is made here and only its hash is stored, so the plain
    token exists only in the recipient's mailbox (not in the task queue's arguments)."""
    from .models import Invitation
    from .services import token_hash

    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    if not invitation.is_open:
        return
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    # The invitee's own language if they have an account (or are a known person), else the inviter's.
    inviter = invitation.invited_by.email_language if invitation.invited_by else ""
    with translation.override(language_for_address(invitation.email, default=inviter)):
        path = reverse("orgs:accept_invitation", kwargs={"token": token})
        context = {"invitation": invitation, "url": f"{settings.SITE_URL}{path}"}
        subject = render_to_string("orgs/email/invitation_subject.txt", context).strip()
        body = render_to_string("orgs/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
