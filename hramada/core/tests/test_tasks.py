import pytest
from django.core import mail
from django.db import transaction

from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.tasks import send_invitation_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_queue_takes_the_task_inside_the_transaction_and_loses_it_on_rollback(settings):
    """With the database queue a task is part of the same commit: it exists exactly when the change does."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        with transaction.atomic():
            enqueue_on_commit(send_invitation_email, 123)
            assert DBTaskResult.objects.count() == 1
            transaction.set_rollback(True)
        assert DBTaskResult.objects.count() == 0
        with transaction.atomic():
            enqueue_on_commit(send_invitation_email, 123)
        assert DBTaskResult.objects.count() == 1
    finally:
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_immediate_backend_runs_only_after_commit():
    calls = []
    with transaction.atomic():
        transaction.on_commit(lambda: calls.append("committed"))
        enqueue_on_commit(send_invitation_email, 999_999)  # no such invitation: would raise if run now
        assert calls == [] and mail.outbox == []
