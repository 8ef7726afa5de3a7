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
        from . import retention, services

        if hasattr(registry, "register_stage_edit_guard"):
            registry.register_stage_edit_guard(services.guard_stage_edit)

        from hramada.core.registry import register_periodic_job

        # `manage.py run_periodic` (every minute): votes that opened get frozen rules without waiting
        # for their first vote, and spent challenges are forgotten once expired (not on every vote).
        register_periodic_job("voting.freeze_due_rules", services.freeze_due_rules)
        register_periodic_job("voting.purge_challenges", services.purge_challenges)
        # Privacy: the vote log's network hashes and unfinished phone checks do not outlive their use.
        register_periodic_job("voting.forget_networks", retention.forget_networks)
        register_periodic_job("voting.forget_phone_checks", retention.forget_phone_checks)
        register_periodic_job("voting.forget_voting_codes", retention.forget_voting_codes)
        # Merging two people (people.services.merge_people) moves this app's rows too.
        from hramada.core.registry import register_person_merge

        from . import merge

        register_person_merge("voting", merge.merge_person, merge.COVERS)
