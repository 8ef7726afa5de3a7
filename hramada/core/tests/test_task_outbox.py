"""The outbox for tasks on a queue outside the database (core.tasks, RQ on Redis): a task asked for in a
transaction is kept until it has run, so neither a lost hand-over (Redis unreachable, the server dying
after the commit) nor a failed run (the database restarting under the worker) loses it.

Needs the Redis at 127.0.0.1:6379 (database 13, emptied before and after); skipped when it cannot be
reached."""

import smtplib
from datetime import timedelta

import django_rq
import pytest
import redis
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends

from hramada.core import tasks as core_tasks
from hramada.core.models import TaskOutbox
from hramada.events.models import Registration
from hramada.events.tests.factories import EventFactory, registered
from hramada.people.tests.factories import PersonFactory

REDIS_URL = "redis://127.0.0.1:6379/13"
UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there

pytestmark = pytest.mark.django_db(transaction=True)


class BrokenMail(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


@pytest.fixture
def rq(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}): the outbox test needs a real Redis")
    client.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield client
    client.flushdb()
    client.close()


def work():
    """A burst worker (the documented `manage.py rqworker`), in this process to see the test database."""
    call_command(
        "rqworker",
        "default",
        burst=True,
        worker_class="rq.worker.SimpleWorker",
        job_class="django_tasks_rq.Job",
    )


def outbox_row(**fields):
    """A row for the registration e-mail task, due now unless ``fields`` say otherwise."""
    fields.setdefault("due_at", timezone.now())
    return TaskOutbox.objects.create(
        task_path="hramada.events.tasks.send_registration_email", args=[1], **fields
    )


def queued():
    return len(django_rq.get_queue("default").job_ids)


def register():
    registered(EventFactory(), PersonFactory(email="ales@example.org"))
    return Registration.objects.get()


def test_a_task_waits_in_redis_and_in_the_outbox_until_a_worker_has_run_it(rq):
    """Registering for an event asks for the confirmation e-mail (events.tasks.send_registration_email):
    with the RQ backend its outbox row is written with the registration and its run waits in Redis;
    nothing is sent until a worker runs it, and the row goes once it has succeeded."""
    registration = register()

    assert type(task_backends["default"]).__module__.startswith("django_tasks_rq")
    [row] = TaskOutbox.objects.all()
    assert (row.task_path, row.args) == ("hramada.events.tasks.send_registration_email", [registration.pk])
    [job_id] = django_rq.get_queue("default").job_ids
    result = core_tasks.run_from_outbox.get_result(job_id)
    assert result.status == TaskResultStatus.READY and result.args == [row.pk]
    assert mail.outbox == [], "nothing runs before a worker takes the task"

    work()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert queued() == 0
    assert [m.to for m in mail.outbox] == [["ales@example.org"]]
    assert not TaskOutbox.objects.exists()


def test_nothing_is_kept_or_queued_for_a_change_that_rolled_back(rq):
    with pytest.raises(RuntimeError), transaction.atomic():
        register()
        raise RuntimeError("the service failed after asking for the e-mail")

    assert not TaskOutbox.objects.exists() and queued() == 0


def test_a_lost_hand_over_is_made_again_by_the_relay_when_due(rq, settings):
    settings.RQ_QUEUES = {"default": {"URL": UNREACHABLE, "DEFAULT_TIMEOUT": 60}}
    register()  # Redis is unreachable at the commit: the registration stands, the e-mail waits

    [row] = TaskOutbox.objects.all()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    assert queued() == 0
    assert core_tasks.relay_outbox() == 0, "not due yet"

    assert core_tasks.relay_outbox(now=row.due_at) == 1
    assert queued() == 1
    work()

    assert len(mail.outbox) == 1
    assert not TaskOutbox.objects.exists()


def test_a_failed_run_is_retried_later_and_runs_once(rq, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMail"
    register()
    work()  # the mail server refuses: the task fails in the worker

    [row] = TaskOutbox.objects.all()
    assert row.last_error.startswith("SMTPServerDisconnected")
    assert row.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first_due = row.due_at
    assert core_tasks.relay_outbox(now=first_due) == 1
    row.refresh_from_db()
    assert row.attempts == 2 and row.due_at == first_due + core_tasks.retry_after(2)
    work()

    assert len(mail.outbox) == 1
    assert not TaskOutbox.objects.exists()


def test_a_second_copy_of_a_task_that_already_ran_does_nothing(rq):
    register()
    row = TaskOutbox.objects.get()
    core_tasks.relay_outbox(now=row.due_at)  # as if the first hand-over were thought lost
    assert queued() == 2

    work()

    assert len(mail.outbox) == 1, "the copy found the row gone"


def test_a_task_claimed_by_a_run_still_going_is_neither_run_again_nor_relayed(rq):
    register()
    row = TaskOutbox.objects.get()
    later = row.due_at + timedelta(minutes=1)
    TaskOutbox.objects.filter(pk=row.pk).update(running_until=later + timedelta(minutes=1))
    core_tasks.run_from_outbox.call(row.pk)  # a second copy while the first one runs

    assert mail.outbox == [] and TaskOutbox.objects.filter(pk=row.pk).exists()
    assert core_tasks.relay_outbox(now=later) == 0

    # The run's worker died: once its claim has run out, the relay hands the task over again.
    assert core_tasks.relay_outbox(now=later + timedelta(minutes=2)) == 1


def test_the_wait_doubles_and_the_relay_gives_up_after_the_last_attempt(rq, settings):
    settings.TASK_OUTBOX_RETRY_AFTER = 60
    assert [core_tasks.retry_after(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (60, 120, 240)]
    assert core_tasks.retry_after(30) == core_tasks.MAX_WAIT

    now = timezone.now()
    row = outbox_row(attempts=core_tasks.MAX_ATTEMPTS, due_at=now, last_error="SMTPServerDisconnected: gone")

    assert core_tasks.relay_outbox(now=now) == 0
    row.refresh_from_db()
    assert row.given_up_at == now and queued() == 0
    assert core_tasks.relay_outbox(now=now + timedelta(days=1)) == 0, "given up: left to the operator"


def test_the_operator_hands_a_given_up_task_over_again_from_the_administration_site(client):
    from hramada.core.models import AuditEntry
    from hramada.core.tests.helpers import login_staff
    from hramada.people.tests.factories import UserFactory

    row = outbox_row(
        attempts=core_tasks.MAX_ATTEMPTS,
        due_at=timezone.now() - timedelta(days=1),
        given_up_at=timezone.now(),
        last_error="SMTPServerDisconnected: gone",
    )
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/core/taskoutbox/")
    assert page.status_code == 200 and "SMTPServerDisconnected: gone" in page.content.decode()
    response = client.post(
        "/admin/core/taskoutbox/", {"action": "hand_over_again", "_selected_action": [row.pk]}
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.given_up_at is None and row.attempts == 0 and row.due_at <= timezone.now()
    assert AuditEntry.objects.filter(action="admin.core.taskoutbox.handed_over").exists()


def test_a_failed_run_is_released_even_while_the_database_restarts(monkeypatch):
    """The run failed because the database went away; releasing its row fails at first too, and is
    tried again on a new connection until the database is back."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    row = outbox_row(attempts=1, running_until=timezone.now() + timedelta(minutes=11))
    real_update, refusals = QuerySet.update, []

    def update(self, **kwargs):
        if self.model is TaskOutbox and len(refusals) < 2:
            refusals.append(kwargs)
            raise OperationalError("the database system is starting up")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    monkeypatch.setattr(core_tasks, "SETTLE_PAUSE", 0)
    core_tasks._settle(row.pk, error="OperationalError: the database system is shutting down")

    row.refresh_from_db()
    assert len(refusals) == 2
    assert row.running_until is None and row.last_error.startswith("OperationalError")


def test_a_run_that_succeeded_removes_its_row_even_while_the_database_restarts(monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    row = outbox_row(attempts=1, running_until=timezone.now() + timedelta(minutes=11))
    real_delete, refusals = QuerySet.delete, []

    def delete(self):
        if self.model is TaskOutbox and len(refusals) < 2:
            refusals.append(1)
            raise OperationalError("the database system is shutting down")
        return real_delete(self)

    monkeypatch.setattr(QuerySet, "delete", delete)
    monkeypatch.setattr(core_tasks, "SETTLE_PAUSE", 0)
    core_tasks._settle(row.pk)

    assert len(refusals) == 2 and not TaskOutbox.objects.exists()
