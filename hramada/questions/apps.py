from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "hramada.questions"
    label = "questions"
    verbose_name = _("Forms and questions")

    def ready(self):
        from hramada.core import personal_data

        from . import services

        personal_data.register("form_answers", export=services.export_answers, erase=services.erase_answers)
