"""Enqueueing background work from inside a service's transaction."""

from django.db import transaction
from django_tasks import task_backends

# Backends that store the task in our own database: enqueueing inside the transaction makes the
# task part of the same commit (a transactional outbox), so it exists exactly when the change does.
TRANSACTIONAL_BACKENDS = ("django_tasks_db.backend.DatabaseBackend",)


def enqueue_on_commit(task, *args) -> None:
    """Run ``task`` once the current transaction has committed (never for a rolled-back change)."""
    backend = type(task_backends[task.backend])
    name = f"{backend.__module__}.{backend.__qualname__}"
    if name in TRANSACTIONAL_BACKENDS and transaction.get_connection().in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
