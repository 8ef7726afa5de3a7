from datetime import timedelta

import factory
from django.utils import timezone

from hramada.events.models import Book, Event, ReadingSlot, Session
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import PersonFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Forum {n}")
    title_en = factory.SelfAttribute("title")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=2))
    venue = "Minsk"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    title_en = factory.SelfAttribute("title")
    format = Session.Format.MASTER_CLASS
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Book {n}")
    title_en = factory.SelfAttribute("title")


class ReadingSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingSlot

    book = factory.SubFactory(BookFactory)
    starts_at = factory.LazyAttribute(lambda o: o.book.event.starts_at + timedelta(hours=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
    capacity = 1


def registered(event, person=None):
    """A person with a confirmed place at the event (through the registration service)."""
    from hramada.events import services

    person = person or PersonFactory()
    services.register(event=event, person=person)
    return person
