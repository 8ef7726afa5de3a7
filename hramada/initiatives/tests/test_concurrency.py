"""Volunteer shifts never overbook, proved on PostgreSQL with real simultaneous connections (threads,
each with its own connection), as ``hramada/events/tests/test_concurrency.py`` does for event places.

Each guard runs with the guard on and off (``guard`` parameter); "off" disables it in the test and
asserts that the invariant is then broken, so the harness demonstrably races:

- places in a shift: ``services._lock_shift`` locks the shift row (``select_for_update``) before the
  sign-up counts the active sign-ups (``services._taken``) and writes the count + 1. Both runs pause
  after counting (``slow_count``); "off" also swaps the lock for a plain read: racing requests then count the same sign-ups, all see a free place, all insert
  one, and each writes the same stale count + 1, so more people are signed up than the shift has
  places while the counter stays within the capacity (the check constraint ``shift_not_overbooked``
  on the counter cannot see it).
- one active sign-up per person: the partial unique index ``shift_signup_once_while_active``. With
  the lock, the "already signed up?" read already refuses a second one; "off" here removes both the
  lock and the index, and the same person holds several places.

A lock test shows the shift row really is locked while a sign-up is under way (``NOWAIT`` fails).
"""

import threading
import time

import pytest
from django.db import DatabaseError, connections, transaction

from hramada.core.errors import DomainError
from hramada.core.tests.concurrency import GUARD, guard_switch, require_postgres, run_concurrently
from hramada.initiatives import services
from hramada.initiatives.models import Shift, ShiftSignup
from hramada.people.tests.factories import UserFactory

from .factories import ShiftFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GAP = 0.2  # seconds between the count and the write (longer than opening a connection: the racers overlap)


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def slow_count(monkeypatch):
    """A pause after counting a shift's sign-ups, before the write: the time a real request spends
    between them. Installed with the guard on too, so the lock is shown to hold across it."""
    real_taken = services._taken

    def taken_then_pause(shift, person):
        found = real_taken(shift, person)
        time.sleep(GAP)
        return found

    monkeypatch.setattr(services, "_taken", taken_then_pause)


def guard_switch_lock(guard, monkeypatch):
    """ "off": the shift is read without a lock (what the ORM invites)."""
    slow_count(monkeypatch)
    if guard == "off":
        monkeypatch.setattr(
            services, "_lock_shift", lambda pk: Shift.objects.select_related("role__initiative").get(pk=pk)
        )


@GUARD
def test_many_simultaneous_sign_ups_never_overbook_a_shift(guard, monkeypatch):
    places, people = 4, 16  # serialised by the lock: 16 × GAP stays well under the 5 s lock timeout
    guard_switch_lock(guard, monkeypatch)
    shift = ShiftFactory(capacity=places)
    users = [UserFactory() for _ in range(people)]
    results = run_concurrently(lambda u: services.sign_up(actor=u, shift=shift), [(u,) for u in users])
    signed = [r for r in results if isinstance(r, ShiftSignup)]
    active = ShiftSignup.objects.filter(shift=shift, cancelled_at__isnull=True).count()
    shift.refresh_from_db()
    if guard == "off":
        assert active > places  # overbooked; the counter lost updates and the constraint saw nothing
        assert shift.signed_up_count < active
        return
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(signed) == places and active == places and shift.signed_up_count == places
    assert len(refused) == people - places  # every other request got the "full" message, none an error
    assert all("This shift is full" in r.message for r in refused)


@GUARD
def test_a_double_submit_of_one_person_takes_one_place(guard, monkeypatch):
    shift = ShiftFactory(capacity=20)
    user = UserFactory()
    guard_switch_lock(guard, monkeypatch)
    with guard_switch(
        guard,
        ShiftSignup,
        "shift_signup_once_while_active",
        clean_up=lambda: ShiftSignup.objects.filter(shift=shift).delete(),
    ):
        results = run_concurrently(lambda: services.sign_up(actor=user, shift=shift), [()] * 10)
        created = [r for r in results if isinstance(r, ShiftSignup)]
        if guard == "off":
            assert len(created) > 1, results  # one person, several places
            return
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1 and len(refused) == 9
    assert all("already signed up" in r.message for r in refused)
    shift.refresh_from_db()
    assert shift.signed_up_count == 1


def test_a_sign_up_really_locks_the_shift_row():
    shift = ShiftFactory(capacity=3)
    locked, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                services._lock_shift(shift.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert locked.wait(10)
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            Shift.objects.select_for_update(nowait=True).get(pk=shift.pk)
    finally:
        release.set()
        thread.join(10)
