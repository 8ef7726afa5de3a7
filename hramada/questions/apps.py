from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "hramada.questions"
    label = "questions"
    verbose_name = _("Forms and questions")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from hramada.core import personal_data
        from hramada.orgs.registry import register_menu_link

        from . import services

        register_menu_link(30, _("Forms"), "questions:form_list")
        personal_data.register("form_answers", export=services.export_answers, erase=services.erase_answers)
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("questions", merge.merge_person, merge.COVERS)
