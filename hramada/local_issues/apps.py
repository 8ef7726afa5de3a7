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

        # --- Authorities (answers, reminders, the residents' check after "resolved") ---
        from hramada.core import personal_data
        from hramada.core.registry import register_periodic_job

        from . import authorities

        register_periodic_job("local_issues.remind_authorities", authorities.remind_authorities)
        register_periodic_job("local_issues.ask_if_fixed", authorities.ask_if_fixed)
        # A resident's "fixed / not fixed" answers stay with the pseudonymised person (the outcome on
        # the timeline was computed from them); they are exported.
        personal_data.register("local_issues_resolution_checks", export=authorities.export_person)
