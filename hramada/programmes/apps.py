from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "hramada.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from hramada.core.registry import register_nav_link

        from . import rules  # noqa: F401  (registers the named permissions)

        register_nav_link(25, _("Programmes"), "programmes:list")

        from django.core import checks

        from . import credentials

        checks.register(credentials.check_signing_key, checks.Tags.security, deploy=True)

        from hramada.core import personal_data

        from . import delivery, selectors

        personal_data.register(
            "programme_participation",
            export=delivery.export_participation,
            erase=delivery.erase_participation,
        )
        from hramada.core.registry import register_user_link

        register_user_link(40, _("My programmes"), "programmes:my_programmes", selectors.my_programmes_link)

        # The participant's community work (H4): export and erasure, the community page's section.
        from hramada.places.selectors import register_community_section

        from . import community_work

        personal_data.register(
            "programme_community_work",
            export=community_work.export_community_work,
            erase=community_work.erase_community_work,
        )
        register_community_section(selectors.community_work_section)
        from hramada.core.registry import register_community_timeline

        from . import timeline

        register_community_timeline(timeline.community_timeline)
        selectors.register_cohort_section(selectors.cohort_plans_section)

        # Calls and applications (H1): export and erasure, menu and dashboard links.
        from hramada.core.registry import register_home_section, register_manage_section
        from hramada.orgs.registry import register_menu_link

        from . import calls

        personal_data.register(
            "programme_applications", export=calls.export_applications, erase=calls.erase_applications
        )
        register_user_link(
            41, _("My applications"), "programmes:my_applications", selectors.my_applications_link
        )
        register_menu_link(45, _("New programme"), "programmes:programme_new", "programmes.add_programme")
        register_manage_section(45, selectors.programmes_manage_section)
        register_home_section(25, selectors.programmes_home_section)
        from hramada.questions.registry import register_answer_owner

        register_answer_owner("programme_application", "programmes.view_application")

        # Selection and decisions (H2): the committee's reasons for changes by hand about a person.
        from . import decisions

        personal_data.register(
            "programme_selection", export=decisions.export_selection, erase=decisions.erase_selection
        )
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("programmes", merge.merge_person, merge.COVERS)
        from hramada.orgs.registry import register_organisation_people

        register_organisation_people(merge.organisation_people)
