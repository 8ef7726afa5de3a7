"""Two servers running `manage.py run_periodic` at once never run the same job together (core.periodic)."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hramada.core import periodic, registry
from hramada.core.models import PeriodicJobLease

from .concurrency import GUARD, require_postgres, run_concurrently


@pytest.fixture
def one_job(monkeypatch):
    """Replace the registered jobs with one that records each run and lasts a moment."""
    runs = []
    lock = threading.Lock()

    def slow_job():
        with lock:
            runs.append(threading.current_thread().name)
        time.sleep(0.5)  # long enough for the other server's run to find it running
        return 1

    jobs = [("test.slow", slow_job)]
    # The command's module first: importing it while the registry is patched would bind it to our list.
    monkeypatch.setattr("hramada.core.management.commands.run_periodic.periodic_jobs", jobs)
    monkeypatch.setattr(registry, "periodic_jobs", jobs)
    return runs


def run_periodic() -> str:
    out = StringIO()
    call_command("run_periodic", stdout=out)
    return out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@GUARD
def test_two_servers_at_once_run_a_job_once(one_job, monkeypatch, guard):
    """Two runs on two real connections, released together: the job runs once and the other run says it
    skipped it. With the guard off (``claim`` always grants the job) the same race runs the job twice,
    which shows the test can fail."""
    require_postgres()
    if guard == "off":
        monkeypatch.setattr(periodic, "claim", lambda name, **kw: True)
    outputs = run_concurrently(run_periodic, [(), ()])
    assert all(isinstance(o, str) for o in outputs), outputs
    if guard == "on":
        assert len(one_job) == 1
        assert sorted(o.split(":")[1].strip().split(" ")[0] for o in outputs) == ["1", "skipped"], outputs
        lease = PeriodicJobLease.objects.get(name="test.slow")
        assert lease.leased_until is None and lease.last_finished_at is not None  # released after the run
    else:
        assert len(one_job) == 2


@pytest.mark.django_db
def test_a_job_held_by_another_server_is_skipped_and_an_expired_lease_is_taken_over(one_job):
    assert periodic.claim("test.slow", holder="server-a:1:x")
    assert "test.slow: skipped (running on server-a:1:x)" in run_periodic()
    assert one_job == []

    # server-a died: once its lease has run out, the next run takes the job over.
    PeriodicJobLease.objects.filter(name="test.slow").update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    assert "test.slow: 1" in run_periodic()
    assert len(one_job) == 1
    # server-a coming back cannot release the lease it lost.
    periodic.claim("test.slow", holder="server-b:2:y")
    periodic.release("test.slow", holder="server-a:1:x")
    assert PeriodicJobLease.objects.get(name="test.slow").holder == "server-b:2:y"


@pytest.mark.django_db
def test_a_failing_job_gives_its_lease_back(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    jobs = [("test.broken", broken)]
    monkeypatch.setattr("hramada.core.management.commands.run_periodic.periodic_jobs", jobs)
    with pytest.raises(Exception, match="test.broken"):
        call_command("run_periodic", stdout=StringIO(), stderr=StringIO())
    assert PeriodicJobLease.objects.get(name="test.broken").leased_until is None
