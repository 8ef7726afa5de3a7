"""Concurrency guarantees, proved on PostgreSQL with real simultaneous connections (threads).

How to see these tests go red: in capacity._take_place, replace the conditional UPDATE with a
plain read of ``confirmed_count`` followed by an unconditional increment (or remove the lock) and
run ``DATABASE_URL=postgres://... pytest hramada/events/tests/test_concurrency.py``: the exact
counts fail. ``test_unguarded_count_then_insert_overbooks`` keeps that demonstration in the suite:
the same harness, pointed at a naive count-then-insert, catches the overbooking.
"""

import threading
import time

import pytest
from django.db import DatabaseError, connections, transaction

from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import require_postgres, run_concurrently
from hramada.events import services
from hramada.events.models import Event, Registration
from hramada.events.models import RegistrationStatus as S
from hramada.people.tests.factories import PersonFactory

from .factories import EventFactory, ReadingSlotFactory, registered

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def test_many_simultaneous_registrations_never_overbook():
    seats, people = 7, 40
    event = EventFactory(capacity=seats)
    persons = [PersonFactory() for _ in range(people)]
    results = run_concurrently(lambda p: services.register(event=event, person=p), [(p,) for p in persons])
    assert not [r for r in results if isinstance(r, Exception)]
    counts = {status: Registration.objects.filter(event=event, status=status).count() for status in S.values}
    assert counts[S.CONFIRMED] == seats
    assert counts[S.WAITLISTED] == people - seats  # nothing lost
    event.refresh_from_db()
    assert event.confirmed_count == seats
    # The waiting list is served in arrival order: cancelling one seat offers it to the earliest waiter.
    earliest = (
        Registration.objects.filter(event=event, status=S.WAITLISTED).order_by("created_at", "id").first()
    )
    organiser_cancel(Registration.objects.filter(event=event, status=S.CONFIRMED).first())
    earliest.refresh_from_db()
    assert earliest.status == S.OFFERED


def organiser_cancel(registration):
    """Cancel as platform staff (the service checks permissions)."""
    from hramada.people.tests.factories import UserFactory

    services.cancel(actor=UserFactory(is_staff=True), registration=registration)


def test_double_submit_of_one_person_counts_once():
    event = EventFactory(capacity=50)
    person = PersonFactory()
    results = run_concurrently(lambda: services.register(event=event, person=person), [()] * 12)
    created = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1 and len(refused) == 11
    assert Registration.objects.filter(event=event, person=person).count() == 1
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_human_library_slot_is_never_double_booked():
    slot = ReadingSlotFactory(capacity=2)
    readers = [registered(slot.book.event) for _ in range(15)]
    results = run_concurrently(lambda r: services.book_slot(slot=slot, reader=r), [(r,) for r in readers])
    booked = [r for r in results if not isinstance(r, Exception)]
    assert len(booked) == 2
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception))
    slot.refresh_from_db()
    assert slot.booked_count == 2 and slot.bookings.count() == 2


def test_taking_a_place_really_locks_the_counter_row():
    event = EventFactory(capacity=3)
    taken, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                assert services._take_place(Event, event.pk)
                taken.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert taken.wait(10)
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            Event.objects.select_for_update(nowait=True).get(pk=event.pk)
    finally:
        release.set()
        thread.join(10)


def test_unguarded_count_then_insert_overbooks():
    """Control: a naive check-then-insert (no lock, no conditional update) lets the same harness overbook."""
    seats = 3
    event = EventFactory(capacity=seats)
    persons = [PersonFactory() for _ in range(20)]

    def naive_register(person):
        with transaction.atomic():
            taken = Registration.objects.filter(event=event, status=S.CONFIRMED).count()
            time.sleep(0.05)  # the gap every real request has between reading and writing
            status = S.CONFIRMED if taken < seats else S.WAITLISTED
            return Registration.objects.create(
                event=event, person=person, status=status, ticket_code=person.public_id
            )

    run_concurrently(naive_register, [(p,) for p in persons])
    assert Registration.objects.filter(event=event, status=S.CONFIRMED).count() > seats
