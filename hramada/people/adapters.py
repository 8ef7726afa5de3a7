import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from disposable_email_domains import blocklist as _disposable_domains
from django import forms
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import language_for_address
from .services import remember_site_language


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

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not again within the reauthentication timeout of logging in.

        allauth counts only explicit re-entries of the password as recent, so an organiser who had
        just logged in was asked for the password again on the two-factor set-up page. A login (any
        step of it: password, code, e-mailed link) within the same window is as fresh a proof.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        return not (records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # The language of the sign-up page is the site's language for this person, which e-mails
            # follow; the profile's "Language for e-mails" stays unset until they choose one.
            remember_site_language(user, getattr(request, "LANGUAGE_CODE", ""))
        return user

    def send_mail(self, template_prefix, email, context):
        """Each message in its recipient's language: an account's own (someone else may cause a message
        to it, such as a sign-up with its address), else the language of the page it was asked from."""
        with translation.override(language_for_address(email, default=translation.get_language())):
            super().send_mail(template_prefix, email, context)
