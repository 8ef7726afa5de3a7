import factory

from hramada.orgs.models import Membership, Organisation, Role
from hramada.places.tests.factories import CountryFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    name_en = factory.SelfAttribute("name")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.NGO
    country = factory.SubFactory(CountryFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    person = None
    role = Role.MEMBER


def member_of(organisation, role):
    """A new user who belongs to ``organisation`` with ``role``."""
    from hramada.people.tests.factories import UserFactory

    user = UserFactory()
    Membership.objects.create(organisation=organisation, person=user.person, role=role)
    return user
