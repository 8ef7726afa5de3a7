import factory

from hramada.contests.tests.factories import StageFactory
from hramada.voting.models import VotingRules
from hramada.voting.selectors import rules_fingerprint


class VotingRulesFactory(factory.django.DjangoModelFactory):
    """Unfrozen rules of an open public vote; the first vote (or ``services.freeze_rules``) freezes them."""

    class Meta:
        model = VotingRules

    stage = factory.SubFactory(StageFactory)
    votes_per_category = 1
    show_counts = VotingRules.ShowCounts.AFTER
    format_version = 2
    count_delay_hours = 6
    allow_codes = False
    require_phone = False
    phone_countries = "BY"
    fingerprint = factory.LazyAttribute(rules_fingerprint)  # reads stage and the two rules above
