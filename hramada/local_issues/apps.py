from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalIssuesConfig(AppConfig):
    name = "hramada.local_issues"
    label = "local_issues"
    verbose_name = _("Local issues")

    def ready(self):
        from hramada.core.registry import register_nav_link

        from . import (
            rules,  # noqa: F401  (registers the named permissions)
            signals,  # noqa: F401  (the accountability figures' cache revision)
        )

        register_nav_link(28, _("Local issues"), "local_issues:list")

        # Residents and moderators (helper A): "My issues", the community page's section, personal data.
        from hramada.core import personal_data
        from hramada.core.registry import register_user_link
        from hramada.places.selectors import register_community_section

        from . import personal_data as issues_data
        from . import selectors

        register_user_link(43, _("My issues"), "local_issues:mine", selectors.my_issues_link)
        register_user_link(62, _("Issue moderation"), "local_issues:moderation", selectors.moderation_link)
        register_community_section(selectors.community_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
        personal_data.register(
            "local_issues", export=issues_data.export_local_issues, erase=issues_data.erase_local_issues
        )

        # --- Authorities (answers, reminders, the residents' check after "resolved") ---
        from hramada.core import personal_data
        from hramada.core.registry import register_manage_section, register_periodic_job
        from hramada.orgs.registry import register_menu_link

        from . import authorities

        register_menu_link(
            45,
            _("Local issues"),
            "local_issues:authority_issues",
            perm="local_issues.act_for_authority",
            kind="authority",
        )
        register_manage_section(44, authorities.forwarding_section)
        register_manage_section(45, authorities.authority_section)
        register_periodic_job("local_issues.remind_authorities", authorities.remind_authorities)
        register_periodic_job("local_issues.ask_if_fixed", authorities.ask_if_fixed)
        # A resident's "fixed / not fixed" answers are exported here too; the "local_issues" section's
        # erasure deletes them (the outcome on the timeline, computed from them, stays).
        personal_data.register("local_issues_resolution_checks", export=authorities.export_person)
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("local_issues", merge.merge_person, merge.COVERS)
