from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hramada.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.urls import register_converter

        from .ids import PublicIdConverter, TokenConverter

        register_converter(PublicIdConverter, "pid")
        register_converter(TokenConverter, "token")

        from allauth.mfa import signals as mfa_signals
        from allauth.mfa.models import Authenticator

        from . import checks, twofactor  # noqa: F401 (checks registers the deployment checks)
        from .registry import register_periodic_job
        from .tasks import relay_outbox

        register_periodic_job("core.relay_task_outbox", relay_outbox)

        def removed(sender, request, user, authenticator, **kwargs):
            if authenticator.type == Authenticator.Type.TOTP and request is not None:
                twofactor.forget_second_factor(request)

        mfa_signals.authenticator_removed.connect(removed, dispatch_uid="hramada.core.totp_removed")
