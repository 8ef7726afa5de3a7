from datetime import timedelta

import factory
from django.utils import timezone

from hramada.initiatives.models import BudgetLine, Initiative, InitiativeActivity, Shift, VolunteerRole
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.places.tests.factories import CommunityFactory


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A published initiative of an organisation (``published_at=None`` for a draft)."""

    class Meta:
        model = Initiative

    community = factory.SubFactory(CommunityFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
    title_en = factory.SelfAttribute("title")
    summary_en = "Sport for everyone in the district."
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
    published_at = factory.LazyFunction(timezone.now)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerRole

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Steward {n}")
    title_en = factory.SelfAttribute("title")


class ShiftFactory(factory.django.DjangoModelFactory):
    """An upcoming shift (in three days) of two hours."""

    class Meta:
        model = Shift

    role = factory.SubFactory(RoleFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 2


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Line {n}")
    planned = 500


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeActivity

    initiative = factory.SubFactory(InitiativeFactory)
    event = factory.SubFactory(
        "hramada.events.tests.factories.EventFactory",
        organisation=factory.SelfAttribute("..initiative.organisation"),
    )
    kind = InitiativeActivity.Kind.MASTER_CLASS


def organiser(user):
    """The user as a request's user after two-factor (as the middleware marks it), for service calls."""
    user.two_factor_passed = True
    return user
