from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_staff_path(path: str) -> bool:
    lang = get_language_from_path(path)
    if lang:
        path = path[len(lang) + 1 :]
    return path.startswith(settings.STAFF_PATH_PREFIXES)


class StaffTwoFactorMiddleware:
    """Organiser and staff pages (``/manage/``, ``/admin/``) need a TOTP authenticator enrolled.

    A signed-in user without one is sent to the enrolment page first. Anonymous users fall through
    to the views, which ask them to log in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and is_staff_path(request.path_info) and not has_totp(user):
            messages.warning(
                request, _("Organiser pages need two-factor authentication. Set it up to continue.")
            )
            return redirect(f"{_reverse_activate()}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _reverse_activate():
    from django.urls import reverse

    return reverse("mfa_activate_totp")
