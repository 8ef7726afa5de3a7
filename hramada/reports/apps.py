from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hramada.reports"
    label = "reports"
    verbose_name = _("Impact reports")

    def ready(self):
        from hramada.core.registry import register_nav_link
        from hramada.orgs.registry import register_menu_link

        from . import rules  # noqa: F401  (registers the named permissions)

        register_nav_link(80, _("Impact"), "reports:indicators")
        register_menu_link(70, _("Impact reports"), "reports:org_indicators", perm="reports.view_org_reports")
