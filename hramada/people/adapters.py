from allauth.account.adapter import DefaultAccountAdapter
from disposable_email_domains import blocklist as _disposable_domains
from django import forms
from django.utils.translation import gettext as _

from .services import ensure_person


def is_disposable_email(address: str) -> bool:
    """Whether the address is at a throw-away e-mail domain (or a subdomain of one)."""
    domain = (address or "").rsplit("@", 1)[-1].strip().lower().rstrip(".")
    parts = domain.split(".")
    return any(".".join(parts[i:]) in _disposable_domains for i in range(len(parts) - 1))


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        # Throw-away addresses make fake accounts free (one public vote per account): refuse them.
        if is_disposable_email(email):
            raise forms.ValidationError(
                _(
                    "Addresses from throw-away e-mail services cannot be used here. Please use an "
                    "address you keep, for example your work or personal mail."
                )
            )
        return super().clean_email(email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            person = ensure_person(user)
            lang = getattr(request, "LANGUAGE_CODE", "")
            if lang and not person.preferred_language:
                person.preferred_language = lang
                person.save(update_fields=["preferred_language"])
        return user
