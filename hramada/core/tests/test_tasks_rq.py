"""Background tasks on Redis: a real project task goes through django-tasks-rq into a Redis queue and a
burst worker (the documented `manage.py rqworker`) runs it.

Needs the Redis at 127.0.0.1:6379 (database 13, emptied before and after); skipped when it cannot be
reached."""

import django_rq
import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends

from hramada.events.models import Registration
from hramada.events.tasks import send_registration_email
from hramada.events.tests.factories import EventFactory, registered
from hramada.people.tests.factories import PersonFactory

REDIS_URL = "redis://127.0.0.1:6379/13"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_settings(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}): the RQ backend test needs a real Redis")
    client.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield client
    client.flushdb()
    client.close()


def test_a_project_task_waits_in_redis_until_a_burst_worker_runs_it(rq_settings):
    """Registering for an event enqueues the confirmation e-mail (events.tasks.send_registration_email)
    after commit; with the RQ backend it waits in Redis, and nothing is sent until a worker runs it."""
    registered(EventFactory(), PersonFactory(email="ales@example.org"))
    registration = Registration.objects.get()

    assert type(task_backends["default"]).__module__.startswith("django_tasks_rq")
    [job_id] = django_rq.get_queue("default").job_ids
    assert mail.outbox == [], "nothing runs before a worker takes the task"
    result = send_registration_email.get_result(job_id)
    assert result.status == TaskResultStatus.READY and result.args == [registration.pk]

    call_command(
        "rqworker",
        "default",
        burst=True,
        worker_class="rq.worker.SimpleWorker",  # in this process, so it sees the test's database and outbox
        job_class="django_tasks_rq.Job",
    )

    assert rq_settings.llen("rq:queue:default") == 0
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert [m.to for m in mail.outbox] == [["ales@example.org"]]
