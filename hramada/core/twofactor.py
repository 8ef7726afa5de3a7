"""Two-factor authentication is a property of the session, not of the account.

An account "has two-factor" when a TOTP authenticator is enrolled; a *session* "passed two-factor" when
the person typed a code from it in this session (at login, when enrolling, or when asked again). Every
protected path asks the second question: a password alone, whatever form it was typed into, reaches
nothing that needs the code.

allauth keeps a log of the authentication steps of the session (``account_authentication_methods``);
``mfa`` entries are written when a code is accepted. ``TwoFactorMiddleware`` reads that log once per
request and marks ``request.user.two_factor_passed``, which the permission rules read through
``passed_two_factor(user)`` (rules only see the user).
"""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
    record_authentication,
)
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import get_user
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _


def has_totp(user) -> bool:
    """Whether the account has a TOTP authenticator enrolled (not whether this session used it)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_two_factor(request, user=None) -> bool:
    """Whether this session accepted a second-factor code for ``user`` (default: the request's)."""
    user = user if user is not None else request.user
    if not user.is_authenticated:
        return False
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def passed_two_factor(user) -> bool:
    """For permission rules: the user of this request passed two-factor in this session.

    False for a user object that did not come through ``TwoFactorMiddleware`` (a script, a task):
    only a request's session can prove the second factor.
    """
    return bool(user.is_authenticated and getattr(user, "two_factor_passed", False))


def record_enrolment(request, authenticator) -> None:
    """Enrolling proves the code too: the person just typed one from the new authenticator."""
    record_authentication(request, authenticator.user, "mfa", id=authenticator.pk, type=authenticator.type)
    if request.user.is_authenticated:
        request.user.two_factor_passed = True


def forget_second_factor(request) -> None:
    """The authenticator was removed: this session no longer counts as having passed two-factor."""
    records = get_authentication_records(request, request.user)
    if any(r.get("method") == "mfa" for r in records):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [r for r in records if r.get("method") != "mfa"]
    request.user.two_factor_passed = False


def _unprefixed(path: str) -> str:
    lang = get_language_from_path(path)
    return path[len(lang) + 1 :] if lang else path


def is_staff_path(path: str) -> bool:
    return _unprefixed(path).startswith(settings.STAFF_PATH_PREFIXES)


def _marked_user(request):
    user = get_user(request)
    user.two_factor_passed = session_passed_two_factor(request, user)
    return user


class TwoFactorMiddleware:
    """Marks the request's user with ``two_factor_passed``, guards organiser and staff pages, and
    keeps pages with personal data (``PRIVATE_PATH_PREFIXES``) out of every cache.

    On ``/manage/`` and ``/admin/`` a signed-in user without an authenticator is sent to enrol one,
    and one whose session has not passed the second factor is asked for a code, both coming back to
    the page they asked for. Anonymous users fall through to the views, which ask them to log in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: _marked_user(request))
        path = _unprefixed(request.path_info)
        staff_page = path.startswith(settings.STAFF_PATH_PREFIXES)
        if staff_page and request.user.is_authenticated and not request.user.two_factor_passed:
            return self._ask_for_code(request)
        response = self.get_response(request)
        if path.startswith(settings.PRIVATE_PATH_PREFIXES):
            # Organiser lists and exports, the audit log, one's own data and account pages: no
            # cache may keep them (a shared computer's browser, a proxy).
            add_never_cache_headers(response)
        return response

    def _ask_for_code(self, request):
        query = urlencode({"next": request.get_full_path()})
        if has_totp(request.user):
            messages.info(request, _("Organiser pages need your authenticator's code for this session."))
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        messages.warning(request, _("Organiser pages need two-factor authentication. Set it up to continue."))
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")
