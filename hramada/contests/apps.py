from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "hramada.contests"
    label = "contests"
    verbose_name = _("Contests")

    def ready(self):
        from hramada.core.registry import (
            register_home_section,
            register_manage_section,
            register_nav_link,
            register_periodic_job,
        )
        from hramada.orgs.registry import register_menu_link
        from hramada.places.selectors import register_community_section

        from . import selectors, services

        register_nav_link(15, _("Contests"), "contests:list")
        register_home_section(15, selectors.home_section)
        register_manage_section(15, selectors.manage_section)
        register_menu_link(25, _("Contests"), "contests:org_contests", perm="contests.manage_contest")
        register_periodic_job("contests.announce_open_votes", services.announce_open_votes)
        # A community's page lists the contest projects done there (places never imports contests).
        register_community_section(selectors.community_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
