from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "hramada.initiatives"
    label = "initiatives"
    verbose_name = _("Local initiatives")

    def ready(self):
        from hramada.awards.registry import register_award_links
        from hramada.core import personal_data
        from hramada.core.registry import (
            register_home_section,
            register_manage_section,
            register_nav_link,
            register_periodic_job,
            register_user_link,
        )
        from hramada.orgs.registry import register_menu_link
        from hramada.places.selectors import register_community_section

        from . import rules, selectors, services  # noqa: F401  (rules registers the named permissions)

        register_nav_link(27, _("Initiatives"), "initiatives:list")
        register_home_section(30, selectors.home_section)
        register_manage_section(40, selectors.manage_section)
        register_community_section(selectors.community_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
        register_menu_link(40, _("Initiatives"), "initiatives:org_list", perm="initiatives.add_initiative")
        register_user_link(60, _("My volunteering"), "initiatives:my_volunteering", selectors.volunteers_link)
        register_periodic_job("initiatives.remind_volunteers", services.remind_volunteers)
        register_award_links(selectors.award_links)
        # On an action plan's page (programmes never imports initiatives).
        from hramada.programmes.registry import register_plan_action

        register_plan_action(
            _("Start an initiative from this plan"), "initiatives:from_plan", shown=services.plan_action_shown
        )
        # Organiser roles are deleted on erasure; shift sign-ups and hours stay with the pseudonymised
        # person, so the initiative's totals of volunteers and hours stay right (docs/initiatives.md).
        personal_data.register("initiatives", export=services.export_person, erase=services.erase_person)
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("initiatives", merge.merge_person, merge.COVERS)
        from hramada.orgs.registry import register_organisation_people

        register_organisation_people(merge.organisation_people)
