"""Enqueueing background work from inside a service's transaction (docs/deploy.md, "Workers (RQ)").

Neither real queue runs a failed task again (a task that fails while the database restarts under the
worker, or the mail server refuses, would be lost), and with a queue outside the database (RQ on Redis)
a task asked for inside a transaction could be lost between the commit and the enqueue (the server
dies, Redis is unreachable). So tasks go through the outbox (``TaskOutbox``): a row written in the
service's transaction, handed to the queue in that same transaction (database queue) or after the
commit (RQ), removed once the task has run, and handed over again by the periodic relay when it falls
due.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

# Backends that store the task in our own database: enqueueing inside the transaction makes the
# task part of the same commit, so it exists exactly when the change does.
TRANSACTIONAL_BACKENDS = ("django_tasks_db.backend.DatabaseBackend",)
# The real queues (the database's, RQ's): their tasks go through core.models.TaskOutbox, which runs a
# failed task again (neither backend retries by itself) and, for RQ, keeps a task whose hand-over after
# the commit was lost.
OUTBOX_BACKENDS = (*TRANSACTIONAL_BACKENDS, "django_tasks_rq.backend.RQBackend")
MAX_ATTEMPTS = 8  # hand-overs before the relay gives up and leaves the task to the operator
MAX_WAIT = timedelta(hours=6)


def _backend_name(task_) -> str:
    backend = type(task_backends[task_.backend])
    return f"{backend.__module__}.{backend.__qualname__}"


def retry_after(attempt: int) -> timedelta:
    """How long after its ``attempt``-th hand-over a task still in the outbox is handed over again:
    ``TASK_OUTBOX_RETRY_AFTER`` seconds, doubled with every attempt, at most six hours."""
    return min(timedelta(seconds=settings.TASK_OUTBOX_RETRY_AFTER * 2 ** (attempt - 1)), MAX_WAIT)


def enqueue_on_commit(task_, *args) -> None:
    """Run ``task_`` once the current transaction has committed (never for a rolled-back change), and
    on a real queue until it has run (at least once: core.models.TaskOutbox)."""
    name = _backend_name(task_)
    if name not in OUTBOX_BACKENDS:  # in-process backends (tests, development)
        transaction.on_commit(lambda: task_.enqueue(*args))
        return
    from .models import TaskOutbox

    row = TaskOutbox.objects.create(
        task_path=task_.module_path, args=list(args), attempts=1, due_at=timezone.now() + retry_after(1)
    )
    if name in TRANSACTIONAL_BACKENDS and transaction.get_connection().in_atomic_block:
        _run_later(task_).enqueue(row.pk)  # part of the same commit
    else:
        transaction.on_commit(partial(_hand_over, row.pk, task_.module_path))


def _run_later(original):
    """``run_from_outbox`` on the original task's backend, queue and priority."""
    return run_from_outbox.using(
        backend=original.backend, queue_name=original.queue_name, priority=original.priority
    )


def _hand_over(outbox_id: int, task_path: str) -> None:
    """Queue the outbox row's run (on the task's own queue); a failure here only delays it: the row
    stays and the relay hands it over when it falls due."""
    try:
        _run_later(import_string(task_path)).enqueue(outbox_id)
    except Exception:
        logger.exception(
            "Could not queue %s (outbox row %s); the relay will hand it over", task_path, outbox_id
        )


def _running_lease() -> timedelta:
    """How long a run keeps its row claimed: the queue's time limit for a task, and a minute more."""
    limit = settings.RQ_QUEUES.get("default", {}).get("DEFAULT_TIMEOUT", 600)
    return timedelta(seconds=int(limit) + 60)


@task()
def run_from_outbox(outbox_id: int) -> None:
    """Run the task an outbox row holds and remove the row when the task has succeeded. The run first
    claims the row (``running_until``) under its lock; a row that is gone was run already, a row claimed
    by a run still going is left to it: both do nothing. The task itself runs outside that transaction
    (its own writes, such as a PDF's progress, are seen as they happen)."""
    from .models import TaskOutbox

    now = timezone.now()
    with transaction.atomic():
        row = (
            TaskOutbox.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, given_up_at__isnull=True)
            .filter(Q(running_until__isnull=True) | Q(running_until__lte=now))
            .first()
        )
        if row is None:
            return
        row.running_until = now + _running_lease()
        row.save(update_fields=["running_until"])
    try:
        import_string(row.task_path).call(*row.args)
    except Exception as exc:
        _settle(outbox_id, error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    _settle(outbox_id)


SETTLE_TRIES = 15
SETTLE_PAUSE = 2  # seconds


def _settle(outbox_id: int, error: str | None = None) -> None:
    """After a run: remove the row (the task succeeded) or give it back to the relay with the error,
    which hands it over again when it falls due. The database itself is often what failed (restarting
    under the worker): try again on a new connection for half a minute. Should that fail too, the claim
    runs out by itself (``_running_lease``) and the task is handed over again (run twice when it had
    succeeded)."""
    from .models import TaskOutbox

    for attempt in range(SETTLE_TRIES):
        try:
            row = TaskOutbox.objects.filter(pk=outbox_id)
            if error is None:
                row.delete()
            else:
                row.update(running_until=None, last_error=error)
            return
        except DatabaseError:
            connection.close()
            if attempt + 1 < SETTLE_TRIES:
                time.sleep(SETTLE_PAUSE)
    logger.error("Could not settle the outbox row %s after its run (error: %s)", outbox_id, error or "none")


def relay_outbox(now=None) -> int:
    """Periodic: hand over again every outbox row that fell due (its task was lost, failed or is stuck
    behind a dead worker), with the wait doubled each time; after ``MAX_ATTEMPTS`` hand-overs a row is
    marked given up and logged as an error. Returns how many were handed over."""
    from .models import TaskOutbox

    now = now or timezone.now()
    due = (
        TaskOutbox.objects.filter(due_at__lte=now, given_up_at__isnull=True)
        .filter(Q(running_until__isnull=True) | Q(running_until__lte=now))
        .order_by("due_at")
    )
    handed = 0
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:  # claimed by a run now, or done since
                continue
            if row.attempts >= MAX_ATTEMPTS:
                row.given_up_at = now
                row.save(update_fields=["given_up_at"])
                logger.error(
                    "Gave up on the task %s after %s attempts (last error: %s)",
                    row,
                    row.attempts,
                    row.last_error,
                )
                continue
            row.attempts += 1
            row.due_at = now + retry_after(row.attempts)
            row.save(update_fields=["attempts", "due_at"])
            transaction.on_commit(partial(_hand_over, row.pk, row.task_path))
        handed += 1
    return handed
