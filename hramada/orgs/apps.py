from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgsConfig(AppConfig):
    name = "hramada.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from hramada.core import personal_data
        from hramada.core.registry import (
            register_home_section,
            register_manage_section,
            register_nav_link,
            register_user_link,
        )

        from . import selectors, services

        personal_data.register(
            "memberships", export=services.export_memberships, erase=services.erase_memberships
        )
        register_home_section(60, selectors.home_section)
        register_manage_section(10, selectors.manage_section)
        register_nav_link(30, _("Organisations"), "orgs:list")
        # Only for people who manage something: the organiser pages ask for two-factor authentication,
        # which experts and plain members do not need (experts have "My reviews").
        register_user_link(
            10,
            pgettext_lazy("menu link to the organiser pages", "Organiser"),
            "core:manage",
            selectors.manages_anything,
        )
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("orgs", merge.merge_person, merge.COVERS)
        from hramada.orgs.registry import register_organisation_people

        register_organisation_people(merge.organisation_people)
        from .registry import register_menu_link

        register_menu_link(90, _("Possible duplicates"), "orgs:duplicates", perm="orgs.merge_people")
