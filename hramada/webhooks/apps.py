from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "hramada.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from hramada.core.registry import register_event_subscriber, register_periodic_job
        from hramada.orgs.registry import register_menu_link

        from . import rules, services  # noqa: F401  (rules registers the named permission)

        register_event_subscriber(services.on_event)
        register_periodic_job("webhooks.retry_due", services.retry_due)
        register_periodic_job("webhooks.announce_closed_votes", services.announce_closed_votes)
        register_menu_link(60, _("Webhooks"), "webhooks:list", perm="webhooks.manage_endpoints")
