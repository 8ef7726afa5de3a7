import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from hramada.core.models import TaskOutbox
from hramada.core.tasks import enqueue_on_commit, relay_outbox
from hramada.orgs.tasks import send_invitation_email

pytestmark = pytest.mark.django_db(transaction=True)


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_database_queue_takes_the_task_inside_the_transaction_and_loses_it_on_rollback(settings):
    """With the database queue a task (and its outbox row) is part of the same commit: it exists exactly
    when the change does."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic():
        enqueue_on_commit(send_invitation_email, 123)
        assert DBTaskResult.objects.count() == 1 and TaskOutbox.objects.count() == 1
        transaction.set_rollback(True)
    assert DBTaskResult.objects.count() == 0 and TaskOutbox.objects.count() == 0
    with transaction.atomic():
        enqueue_on_commit(send_invitation_email, 123)
    assert DBTaskResult.objects.count() == 1
    assert TaskOutbox.objects.get().args == [123]


def test_on_the_database_queue_a_failed_task_runs_again_when_due(settings):
    """The database queue does not retry a failed task by itself; its outbox row does."""
    from hramada.events.tests.factories import EventFactory, registered
    from hramada.people.tests.factories import PersonFactory

    def work():
        call_command("db_worker", batch=True, interval=0, startup_delay=False, stdout=io.StringIO())

    settings.TASKS = DATABASE_QUEUE
    settings.EMAIL_BACKEND = "hramada.core.tests.test_task_outbox.BrokenMail"
    registered(EventFactory(), PersonFactory(email="ales@example.org"))
    work()  # the mail server refuses

    row = TaskOutbox.objects.get()
    assert row.last_error.startswith("SMTPServerDisconnected") and row.running_until is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    work()
    assert mail.outbox == [], "nothing runs again before the relay hands it over"

    assert relay_outbox(now=row.due_at) == 1
    work()

    assert [m.to for m in mail.outbox] == [["ales@example.org"]]
    assert not TaskOutbox.objects.exists()


def test_immediate_backend_runs_only_after_commit():
    calls = []
    with transaction.atomic():
        transaction.on_commit(lambda: calls.append("committed"))
        enqueue_on_commit(send_invitation_email, 999_999)  # no such invitation: would raise if run now
        assert calls == [] and mail.outbox == []
