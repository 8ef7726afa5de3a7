import factory
from django.utils import timezone

from hramada.awards.models import Award, Finalist, FinalistRule, Pledge, Publication
from hramada.contests.tests.factories import CategoryFactory, EditionFactory, ProjectFactory
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory


class FinalistRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinalistRule

    edition = factory.SubFactory(EditionFactory)
    finalists_per_category = 2


class FinalistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finalist

    project = factory.SubFactory(ProjectFactory)
    category = factory.SelfAttribute("project.category")
    edition = factory.SelfAttribute("project.edition")
    source = Finalist.Source.FORMULA
    position = factory.Sequence(lambda n: n + 1)
    confirmed_at = factory.LazyFunction(timezone.now)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Award {n}")
    title_en = factory.SelfAttribute("title")
    prize_amount = 1000


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    edition = factory.SubFactory(EditionFactory)
    sponsor = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Sponsor prize {n}")
    title_en = factory.SelfAttribute("title")
    amount = 500


class PublicationFactory(factory.django.DjangoModelFactory):
    """Published results (organisers publish through ``services.publish_results``, which needs finalists
    and decided awards; pages that only link the results need no more)."""

    class Meta:
        model = Publication

    edition = factory.SubFactory(EditionFactory)
    published_at = factory.LazyFunction(timezone.now)


def member(organisation, role=Role.MANAGER):
    user = UserFactory()
    Membership.objects.create(organisation=organisation, person=user.person, role=role)
    return user


__all__ = ["CategoryFactory", "EditionFactory", "ProjectFactory", "member"]
