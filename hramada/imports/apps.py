from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "hramada.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from hramada.core.registry import register_person_merge
        from hramada.orgs.registry import register_menu_link, register_organisation_people

        from . import merge, rules  # noqa: F401 - rules registers the permission

        register_menu_link(25, _("Import people"), "imports:list", perm="imports.import_people")
        register_person_merge("imports", merge.merge_person, merge.COVERS)
        register_organisation_people(merge.organisation_people)
