from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "hramada.news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        from hramada.core import personal_data
        from hramada.core.registry import (
            register_home_section,
            register_nav_link,
            register_periodic_job,
            register_related_section,
        )
        from hramada.orgs.registry import register_menu_link
        from hramada.places.selectors import register_community_section

        from . import rules, selectors, services  # noqa: F401  (rules registers the named permissions)

        register_nav_link(12, _("News"), "news:list")
        register_home_section(10, selectors.home_section)
        register_community_section(selectors.community_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
        # The latest news on the pages of what posts are about (those apps never import news).
        register_related_section("events.event", selectors.section_for("events"))
        register_related_section("contests.edition", selectors.section_for("editions"))
        register_related_section("programmes.programme", selectors.section_for("programmes"))
        register_related_section("initiatives.initiative", selectors.section_for("initiatives"))
        register_related_section("local_issues.issue", selectors.section_for("issues"))
        register_related_section("orgs.organisation", selectors.organisation_section)
        register_menu_link(15, _("News"), "news:org_list", perm="news.add_post")
        register_periodic_job("news.publish_due", services.publish_due)
        # Authors are named on posts: exported; on erasure no longer named (the posts stay).
        personal_data.register("news", export=services.export_person, erase=services.erase_person)
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("news", merge.merge_person, merge.COVERS)
