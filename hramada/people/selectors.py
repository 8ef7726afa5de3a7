"""Reads about people: which language to write to someone in."""

from django.conf import settings

from .models import Person, User


def email_language(user) -> str:
    """The language of e-mails to a login's owner (``Person.email_language``); the site's default for
    an account without a person."""
    person = getattr(user, "person", None) if user is not None else None
    return person.email_language if person is not None else settings.LANGUAGE_CODE


def language_for_address(email: str, default: str = "") -> str:
    """The language to write to an address in: that of the account or the person who has it, else
    ``default`` (for example the language of whoever invited them), else the site's default."""
    from allauth.account.models import EmailAddress

    email = (email or "").strip()
    if email:
        user = User.objects.select_related("person").filter(email__iexact=email).first()
        if user is None:
            address = (
                EmailAddress.objects.filter(email__iexact=email, verified=True)
                .select_related("user__person")
                .first()
            )
            user = address.user if address else None
        if user is not None and getattr(user, "person", None) is not None:
            return user.person.email_language
        person = (
            Person.objects.filter(email__iexact=email, erased_at__isnull=True).order_by("-updated_at").first()
        )
        if person is not None and (person.preferred_language or person.site_language):
            return person.email_language
    return default or settings.LANGUAGE_CODE
