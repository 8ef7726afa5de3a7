from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hramada.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from hramada.core import personal_data
        from hramada.core.registry import (
            register_home_section,
            register_manage_section,
            register_nav_link,
            register_periodic_job,
        )
        from hramada.places.selectors import register_community_section

        from . import selectors, services, signals  # noqa: F401 - signals keep the page cache honest

        personal_data.register("event_registrations", export=services.export_registrations, erase=None)
        register_home_section(20, selectors.home_section)
        register_manage_section(20, selectors.manage_section)
        register_nav_link(10, _("Events"), "events:list")
        register_community_section(selectors.community_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
        register_periodic_job("events.expire_offers", services.expire_offers)

        from hramada.orgs.registry import register_menu_link

        register_menu_link(20, _("Events"), "events:org_events", perm="events.add_event")
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("events", merge.merge_person, merge.COVERS)
        from hramada.orgs.registry import register_organisation_people

        register_organisation_people(merge.organisation_people)
