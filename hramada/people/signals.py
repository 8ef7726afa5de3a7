"""Keep a person's contact e-mail in step with the login's primary address (changed through allauth)."""

from allauth.account.signals import email_changed
from django.dispatch import receiver

from .models import Person


@receiver(email_changed)
def follow_primary_email(sender, request, user, from_email_address, to_email_address, **kwargs):
    Person.objects.filter(user=user).update(email=to_email_address.email)
