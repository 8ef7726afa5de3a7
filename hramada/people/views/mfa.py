"""allauth's two-factor set-up pages, which remember where the person was going.

An organiser page sends a person without an authenticator to the set-up page with ``?next=``; allauth's
own page forgets it (its form posts to a bare URL, and then shows the recovery codes with no way on).
These views keep ``next`` in the session from the set-up page to the recovery codes, whose page ends
with a "Continue" link to it. Typing the new authenticator's code also counts as passing the second
factor in this session.
"""

from allauth.account.utils import get_next_redirect_url
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.conf import settings
from django.shortcuts import resolve_url

from hramada.core.twofactor import record_enrolment

NEXT_KEY = "hramada_after_two_factor"


class ActivateTOTP(ActivateTOTPView):
    def dispatch(self, request, *args, **kwargs):
        if next_url := get_next_redirect_url(request):
            request.session[NEXT_KEY] = next_url
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        totp = Authenticator.objects.get(user=self.request.user, type=Authenticator.Type.TOTP)
        record_enrolment(self.request, totp)
        return response

    def get_success_url(self):
        if self.did_generate_recovery_codes:
            return super().get_success_url()  # the codes first; their page leads on
        return self.request.session.pop(NEXT_KEY, None) or super().get_success_url()


class ViewRecoveryCodes(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = self.request.session.pop(NEXT_KEY, None) or resolve_url(
            settings.LOGIN_REDIRECT_URL
        )
        return context


activate_totp = ActivateTOTP.as_view()
view_recovery_codes = ViewRecoveryCodes.as_view()
