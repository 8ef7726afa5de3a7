from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "hramada.initiatives"
    label = "initiatives"
    verbose_name = _("Local initiatives")

    def ready(self):
        from hramada.core.registry import register_nav_link

        from . import rules  # noqa: F401  (registers the named permissions)

        register_nav_link(27, _("Initiatives"), "initiatives:list")
