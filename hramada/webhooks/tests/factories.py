import factory

from hramada.orgs.tests.factories import OrganisationFactory
from hramada.webhooks import signing
from hramada.webhooks.models import EVENT_TYPES, Endpoint


class EndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endpoint

    organisation = factory.SubFactory(OrganisationFactory)
    url = "https://hooks.example.org/hramada"
    event_types = factory.LazyFunction(lambda: sorted(EVENT_TYPES))
    secret = factory.LazyFunction(signing.new_secret)
