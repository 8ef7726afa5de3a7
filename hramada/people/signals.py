"""Keep a person's contact e-mail in step with the login's primary address (changed through allauth), and
remember the language of the site they sign up and log in on (their e-mails follow it)."""

from allauth.account.signals import email_changed, user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import get_language

from .models import Person
from .services import remember_site_language


@receiver(email_changed)
def follow_primary_email(sender, request, user, from_email_address, to_email_address, **kwargs):
    Person.objects.filter(user=user).update(email=to_email_address.email)


def _language_of(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or get_language() or ""


@receiver(user_signed_up)
def language_at_sign_up(sender, request, user, **kwargs):
    if request is not None:
        remember_site_language(user, _language_of(request))


@receiver(user_logged_in)
def language_at_login(sender, request, user, **kwargs):
    if request is not None:
        remember_site_language(user, _language_of(request))
