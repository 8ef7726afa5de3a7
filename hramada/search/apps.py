from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hramada.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from hramada.core.registry import register_periodic_job

        from . import services, signals

        signals.connect()
        register_periodic_job("search.catch_up", services.catch_up)
