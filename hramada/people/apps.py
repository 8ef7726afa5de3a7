from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "hramada.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from hramada.core import personal_data

        from . import services, signals  # noqa: F401 - connects the receivers

        personal_data.register("person", export=services.export_person_section, erase=None)
        personal_data.register("account", export=services.export_account_section, erase=None)
