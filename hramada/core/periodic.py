"""Periodic jobs under a lease, so that two servers running `manage.py run_periodic` from their timers
never run the same job at the same time.

One row per job (``PeriodicJobLease``) is claimed with a single conditional UPDATE ("set the lease if it
is free or expired"): on PostgreSQL a second UPDATE of the same row waits for the first to commit and
then sees the lease taken; on SQLite writers are serialised. The same code therefore holds on both
engines, needs no Redis and no long transaction around the job (each job keeps its own transactions).
The lease is released when the job ends; should the server die half-way, the lease runs out and the next
run elsewhere takes the job over. A job that runs longer than its lease could be started a second time:
the lease (``--lease``, 15 minutes by default) is set far above the jobs' running time (seconds).
"""

import os
import secrets
import socket
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import PeriodicJobLease

DEFAULT_LEASE = timedelta(minutes=15)


def new_holder() -> str:
    """A name for one run of the scheduler: host and process for the operator, plus a random part so
    that two runs in one process (threads, tests) are told apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def claim(name: str, *, holder: str, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Take the job ``name`` for ``holder`` unless another holder's lease is still running."""
    PeriodicJobLease.objects.get_or_create(name=name)
    now = timezone.now()
    free = Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    taken = PeriodicJobLease.objects.filter(free, name=name).update(
        leased_until=now + lease, holder=holder, last_started_at=now
    )
    return taken == 1


def release(name: str, *, holder: str) -> None:
    """Give the job back (only if ``holder`` still holds it: an expired lease may have passed on)."""
    PeriodicJobLease.objects.filter(name=name, holder=holder).update(
        leased_until=None, last_finished_at=timezone.now()
    )


def current_holder(name: str) -> str:
    return PeriodicJobLease.objects.filter(name=name).values_list("holder", flat=True).first() or ""
