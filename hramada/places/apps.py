from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "hramada.places"
    label = "places"
    verbose_name = _("Places and communities")

    def ready(self):
        from hramada.core import personal_data
        from hramada.core.registry import register_home_section, register_nav_link

        from . import selectors, services

        personal_data.register(
            "community_roles", export=services.export_leader_roles, erase=services.erase_leader_roles
        )
        register_home_section(50, selectors.home_section)
        register_nav_link(20, _("Communities"), "places:communities")
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("places", merge.merge_person, merge.COVERS)
