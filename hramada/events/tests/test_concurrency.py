"""Capacity guarantees, proved on PostgreSQL with real simultaneous connections (threads, each with
its own connection).

Each guard runs with the guard on and off (``guard`` parameter); "off" disables it in the test and
asserts that the invariant is then broken, so the harness demonstrably races:

- places at an event and seats in a session: ``capacity._take_place``, one conditional UPDATE of the
  counter row (``confirmed_count < capacity``), which also holds the row's lock until the
  registration is written. "off" swaps it for what the ORM invites: read the row, compare, write the
  incremented count (``unguarded_take``). One request after another that is right; racing, the
  requests read the same count and the counter loses updates, so more people are confirmed than
  there are places, and the check constraint on the counter (``confirmed_count <= capacity``) cannot
  see it.
- places in a Human Library reading: ``library._take_slot``, the same conditional UPDATE on the
  reading's ``booked_count``; "off" as above.
- one active registration per person: the partial unique index; ``register`` does not read first,
  so without it a second registration goes through even one after another.
- a waiting-list offer and its expiry: ``accept_offer`` locks the registration row; "off" makes that
  lock a no-op in the accepting request only. The race is forced: the expiry job stops inside its
  transaction after withdrawing the offer and offering the place to the next person, the acceptance
  starts, and the job commits once the acceptance waits for a lock.

A lock test shows the counter row really is locked while a place is taken (``NOWAIT`` fails).
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet

from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import (
    GUARD,
    Checkpoint,
    Worker,
    guard_switch,
    require_postgres,
    run_concurrently,
    wait_for_lock_wait,
)
from hramada.events import library, programme, registrations, services
from hramada.events.models import HOLDS_PLACE, Event, ReadingSlot, Registration, Session, SessionSignup
from hramada.events.models import RegistrationStatus as S
from hramada.people.tests.factories import PersonFactory, UserFactory

from .factories import EventFactory, ReadingSlotFactory, SessionFactory, registered

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GAP = 0.05  # seconds between a naive read and its write: the time a real request spends between them


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def unguarded_take(model, counter: str = "confirmed_count"):
    """A place taken the naive way: read the row, compare with the capacity, write the count + 1."""

    def take(pk) -> bool:
        row = model.objects.get(pk=pk)
        taken = getattr(row, counter)
        if row.capacity is not None and taken >= row.capacity:
            return False
        time.sleep(GAP)
        model.objects.filter(pk=pk).update(**{counter: taken + 1})
        return True

    return take


def event_take(guard):
    real = registrations._take_place
    naive = unguarded_take(Event)
    return real if guard == "on" else lambda model, pk: naive(pk) if model is Event else real(model, pk)


@GUARD
def test_many_simultaneous_registrations_never_overbook(guard, monkeypatch):
    seats, people = 7, 40
    monkeypatch.setattr(registrations, "_take_place", event_take(guard))
    # Control, one request after another: the naive version is right too (1 place, 2 people).
    small = EventFactory(capacity=1)
    assert [services.register(event=small, person=PersonFactory()).status for _ in range(2)] == [
        S.CONFIRMED,
        S.WAITLISTED,
    ]
    event = EventFactory(capacity=seats)
    persons = [PersonFactory() for _ in range(people)]
    results = run_concurrently(lambda p: services.register(event=event, person=p), [(p,) for p in persons])
    assert not [r for r in results if isinstance(r, Exception)]
    counts = {status: Registration.objects.filter(event=event, status=status).count() for status in S.values}
    event.refresh_from_db()
    if guard == "off":
        assert counts[S.CONFIRMED] > seats  # overbooked; the counter lost updates and saw nothing
        assert event.confirmed_count < counts[S.CONFIRMED]
        return
    assert counts[S.CONFIRMED] == seats
    assert counts[S.WAITLISTED] == people - seats  # nothing lost
    assert event.confirmed_count == seats
    # The waiting list is served in arrival order: cancelling one seat offers it to the earliest waiter.
    earliest = (
        Registration.objects.filter(event=event, status=S.WAITLISTED).order_by("created_at", "id").first()
    )
    services.cancel(
        actor=UserFactory(is_staff=True),
        registration=Registration.objects.filter(event=event, status=S.CONFIRMED).first(),
    )
    earliest.refresh_from_db()
    assert earliest.status == S.OFFERED


@GUARD
def test_double_submit_of_one_person_counts_once(guard):
    event = EventFactory(capacity=50)
    person = PersonFactory()
    with guard_switch(
        guard,
        Registration,
        "one_active_registration_per_event",
        clean_up=lambda: Registration.objects.filter(event=event).delete(),
    ):
        results = run_concurrently(lambda: services.register(event=event, person=person), [()] * 12)
        created = [r for r in results if isinstance(r, Registration)]
        event.refresh_from_db()
        if guard == "off":
            assert len(created) > 1 and event.confirmed_count == len(created)  # one person, several places
            return
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1 and len(refused) == 11
    assert Registration.objects.filter(event=event, person=person).count() == 1
    assert event.confirmed_count == 1


@GUARD
def test_human_library_slot_is_never_double_booked(guard, monkeypatch):
    if guard == "off":
        monkeypatch.setattr(library, "_take_slot", unguarded_take(ReadingSlot, "booked_count"))
    slot = ReadingSlotFactory(capacity=2)
    readers = [registered(slot.book.event) for _ in range(15)]
    results = run_concurrently(lambda r: services.book_slot(slot=slot, reader=r), [(r,) for r in readers])
    booked = [r for r in results if not isinstance(r, Exception)]
    slot.refresh_from_db()
    if guard == "off":
        assert slot.bookings.count() > 2  # more readers than the reading has places
        return
    assert len(booked) == 2
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception))
    assert slot.booked_count == 2 and slot.bookings.count() == 2


@GUARD
def test_session_seats_are_never_overbooked(guard, monkeypatch):
    if guard == "off":
        real, naive = programme._take_place, unguarded_take(Session)
        monkeypatch.setattr(
            programme, "_take_place", lambda model, pk: naive(pk) if model is Session else real(model, pk)
        )
    session = SessionFactory(needs_signup=True, capacity=3)
    people = [registered(session.event) for _ in range(20)]
    results = run_concurrently(
        lambda p: services.signup_session(session=session, person=p), [(p,) for p in people]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    confirmed = SessionSignup.objects.filter(session=session, status=S.CONFIRMED).count()
    session.refresh_from_db()
    if guard == "off":
        assert confirmed > 3
        return
    assert confirmed == 3 and session.confirmed_count == 3
    assert SessionSignup.objects.filter(session=session, status=S.WAITLISTED).count() == 17


@GUARD
def test_an_offer_accepted_while_it_expires_is_accepted_or_expired_never_both(guard, monkeypatch):
    """The expiry job withdraws an offer and offers the place to the next person; at that moment the
    first person accepts. With the lock, the acceptance waits and then finds no open offer; without
    it, it confirms the withdrawn offer over the job's change, and the one place has two holders."""
    event = EventFactory(capacity=1)
    holder = PersonFactory()
    services.register(event=event, person=holder)
    first, second = UserFactory(), UserFactory()
    offered = services.register(event=event, person=first.person)
    services.register(event=event, person=second.person)
    services.cancel(actor=UserFactory(is_staff=True), registration=Registration.objects.get(person=holder))
    offered.refresh_from_db()
    assert offered.status == S.OFFERED
    deadline = offered.offered_until

    expiring = Checkpoint("expiry")
    real_offer_next = registrations._offer_next

    def offer_next_then_stop(*args):
        found = real_offer_next(*args)
        expiring.stop_here()  # the offer is withdrawn and the place offered on; not committed yet
        return found

    monkeypatch.setattr(registrations, "_offer_next", offer_next_then_stop)
    if guard == "off":
        real_select_for_update = QuerySet.select_for_update

        def no_lock_in_accept(self, *args, **kwargs):
            if threading.current_thread().name == "accept":
                return self
            return real_select_for_update(self, *args, **kwargs)

        monkeypatch.setattr(QuerySet, "select_for_update", no_lock_in_accept)
    # The job's clock is past the deadline; the acceptance comes just before it, as its own clock says.
    job = Worker("expiry", lambda: services.expire_offers(now=deadline + timedelta(seconds=1)))
    expiring.reached()
    accept = Worker("accept", lambda: services.accept_offer(actor=first, registration=offered))
    wait_for_lock_wait()  # the acceptance waits for the job's lock on the registration
    expiring.release()
    assert job.result() == 1
    accepted = accept.result()
    holders = Registration.objects.filter(event=event, status__in=HOLDS_PLACE)
    event.refresh_from_db()
    if guard == "off":
        assert not isinstance(accepted, Exception), accepted
        assert holders.count() == 2 and event.confirmed_count == 1  # one place, two people hold it
        return
    assert isinstance(accepted, DomainError) and "no open offer" in accepted.message, accepted
    assert list(holders.values_list("person_id", flat=True)) == [second.person.pk]
    assert event.confirmed_count == 1


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
