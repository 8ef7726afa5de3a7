import factory
from django.utils import timezone

from hramada.news.models import Post
from hramada.orgs.tests.factories import OrganisationFactory


class PostFactory(factory.django.DjangoModelFactory):
    """A published post in English (``published_at=None`` for a draft)."""

    class Meta:
        model = Post

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"News {n}")
    title_en = factory.SelfAttribute("title")
    excerpt_en = "What happened, in two sentences."
    body_en = "The **whole** story."
    published_at = factory.LazyFunction(timezone.now)
