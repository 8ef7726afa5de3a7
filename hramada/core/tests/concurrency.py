"""Helpers for tests that prove concurrency guarantees with real simultaneous connections.

Every thread these helpers start uses its own database connection (Django's connections are per
thread) and closes it when done. Two ways to race:

- ``run_concurrently``: many requests released together at a barrier; for guards that hold whatever
  the interleaving (N seats, N racers).
- ``Worker`` with a ``Checkpoint``: one request stopped at a chosen point inside its work (a hook the
  test installs), while the test does something else on another connection; for races whose window
  is a few statements wide and would rarely be hit by chance. ``wait_for_lock_wait`` tells when the
  other connection is blocked on a row lock, which is where a guard makes it wait.

A guard's test runs with the guard on and with it off (``guard_switch``), and the "off" run must show
the invariant broken: otherwise the harness did not race and the "on" run proves nothing.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.utils import translation

GUARD = pytest.mark.parametrize("guard", ["on", "off"])


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are proved on PostgreSQL")


def run_concurrently(fn, args_list):
    """Start one thread per args, release them together, return results/exceptions in thread order."""
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)
    language = translation.get_language()  # threads start with none active: use the test's

    def worker(i, args):
        try:
            translation.activate(language)
            barrier.wait()
            results[i] = fn(*args)
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


class Worker(threading.Thread):
    """``fn(*args)`` in a thread of its own (its own connection), started at once; ``result()`` waits
    for it and returns what it returned or raised."""

    def __init__(self, name: str, fn, *args):
        super().__init__(name=name, daemon=True)
        self.fn, self.args = fn, args
        self.language = translation.get_language()
        self.value = self.error = None
        self.start()

    def run(self):
        try:
            translation.activate(self.language)
            self.value = self.fn(*self.args)
        except Exception as exc:  # noqa: BLE001 - the test inspects the outcome
            self.error = exc
        finally:
            connections.close_all()

    def result(self, timeout: float = 30):
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} did not finish within {timeout} s"
        return self.error if self.error is not None else self.value


class Checkpoint:
    """A point inside one thread's work where it stops until the test lets it go on.

    The hook calls ``stop_here()`` (only in the thread named ``thread``, and only the first time);
    the test waits with ``reached()`` and lets it go with ``release()``."""

    def __init__(self, thread: str):
        self.thread = thread
        self._reached, self._go = threading.Event(), threading.Event()

    def stop_here(self) -> None:
        if threading.current_thread().name != self.thread or self._reached.is_set():
            return
        self._reached.set()
        assert self._go.wait(30), "the test never released the checkpoint"

    def reached(self, timeout: float = 30) -> None:
        assert self._reached.wait(timeout), f"{self.thread} never reached the checkpoint"

    def release(self) -> None:
        self._go.set()


def lock_waits() -> int:
    """How many connections to this database are waiting for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_lock_wait(timeout: float = 10) -> None:
    """Wait until another connection is blocked on a lock (fails after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while lock_waits() == 0:
        assert time.monotonic() < deadline, "no connection ever waited for a lock"
        time.sleep(0.01)


def index_exists(name: str) -> bool:
    """Whether the database has a constraint or an index of this name (a partial unique constraint
    is a unique index in PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = %s)"
            " OR EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = %s)",
            [name, name],
        )
        return cursor.fetchone()[0]


@contextmanager
def constraint_dropped(model, name: str, *, clean_up):
    """Drop one of ``model``'s constraints in the test's own database for the block, then put it
    back; ``clean_up()`` first removes the rows the block wrote that the constraint would refuse."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    with connection.schema_editor() as editor:
        editor.remove_constraint(model, constraint)
    assert not index_exists(name)
    try:
        yield
    finally:
        clean_up()
        with connection.schema_editor() as editor:
            editor.add_constraint(model, constraint)


@contextmanager
def guard_switch(guard: str, model, name: str, *, clean_up):
    """``guard="on"``: check the constraint is in the database; ``"off"``: drop it for the block."""
    if guard == "on":
        assert index_exists(name)
        yield
    else:
        with constraint_dropped(model, name, clean_up=clean_up):
            yield
