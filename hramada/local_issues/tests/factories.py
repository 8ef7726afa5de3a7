import factory
from django.utils import timezone

from hramada.local_issues.models import AuthorityArea, Backing, Category, Issue, Moderator, TimelineEntry
from hramada.orgs.models import Organisation
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CommunityFactory


def category(code: str = "roads") -> Category:
    """One of the categories the migration creates."""
    return Category.objects.get(code=code)


class IssueFactory(factory.django.DjangoModelFactory):
    """A published issue (``published_at=None``, ``status="waiting"`` for one in the moderation queue)."""

    class Meta:
        model = Issue

    community = factory.SubFactory(CommunityFactory)
    settlement = factory.SelfAttribute("community.settlement")
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"Pothole {n}")
    description = "A deep pothole at the bus stop; children step into it."
    reporter = factory.SubFactory(PersonFactory)
    status = "open"
    published_at = factory.LazyFunction(timezone.now)


class AuthorityFactory(OrganisationFactory):
    kind = Organisation.Kind.AUTHORITY
    contact_email = factory.Sequence(lambda n: f"authority{n}@example.org")


class AuthorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorityArea

    authority = factory.SubFactory(AuthorityFactory)


class ModeratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Moderator

    person = factory.SubFactory(PersonFactory)


class TimelineEntryFactory(factory.django.DjangoModelFactory):
    """A timeline entry; pass ``created_at=`` to place it in time (saved after the row is created,
    since ``created_at`` is set automatically on insert)."""

    class Meta:
        model = TimelineEntry

    issue = factory.SubFactory(IssueFactory)
    kind = "forwarded"

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        entry = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=entry.pk).update(created_at=created_at)
            entry.created_at = created_at
        return entry


class BackingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Backing

    issue = factory.SubFactory(IssueFactory)
    person = factory.SubFactory(PersonFactory)
