from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "hramada.awards"
    label = "awards"
    verbose_name = _("Finalists, jury and awards")

    def ready(self):
        from hramada.contests import registry
        from hramada.orgs.registry import register_menu_link

        from . import selectors

        # The edition's organiser page links here; contests never imports awards.
        registry.register_edition_manage_link(70, _("Finalists, jury and awards"), "awards:manage")
        # The contest list and the edition page link the results once they are published.
        registry.register_edition_results_links(selectors.results_links)
        register_menu_link(45, _("Sponsored prizes"), "awards:sponsor_pledges", perm="awards.declare_pledge")
