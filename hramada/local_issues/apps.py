from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalIssuesConfig(AppConfig):
    name = "hramada.local_issues"
    label = "local_issues"
    verbose_name = _("Local issues")

    def ready(self):
        from hramada.core.registry import register_nav_link

        from . import rules  # noqa: F401  (registers the named permissions)

        register_nav_link(28, _("Local issues"), "local_issues:list")
