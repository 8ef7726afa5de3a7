from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_invitation_email(invitation_id: int, token: str) -> None:
    """E-mail an invitation link; the plain token exists only here and in the recipient's mailbox."""
    from .models import Invitation

    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    lang = (
        invitation.invited_by.preferred_language if invitation.invited_by else ""
    ) or settings.LANGUAGE_CODE
    with translation.override(lang):
        path = reverse("orgs:accept_invitation", kwargs={"token": token})
        context = {"invitation": invitation, "url": f"{settings.SITE_URL}{path}"}
        subject = render_to_string("orgs/email/invitation_subject.txt", context).strip()
        body = render_to_string("orgs/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
