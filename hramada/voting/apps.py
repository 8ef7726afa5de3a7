from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "hramada.voting"
    label = "voting"
    verbose_name = _("Public voting")

    def ready(self):
        from hramada.contests.selectors import register_edition_extension

        from . import selectors

        # The edition and project pages (contests) show the vote without importing this app.
        register_edition_extension(selectors.edition_vote)

        from hramada.contests import registry

        # The edition's organiser page links to the vote's organiser pages.
        registry.register_edition_manage_link(50, _("Public vote: rules"), "voting:rules")
        registry.register_edition_manage_link(55, _("Public vote: voting codes"), "voting:codes")
        registry.register_edition_manage_link(60, _("Public vote: fraud panel"), "voting:fraud")
        if hasattr(registry, "register_stage_edit_guard"):
            from . import services

            registry.register_stage_edit_guard(services.guard_stage_edit)
