"""`manage.py run_periodic` runs every job the apps registered, and one failure does not stop the rest."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hramada.core import registry


def test_lists_the_jobs_the_apps_registered():
    out = StringIO()
    call_command("run_periodic", "--list", stdout=out)
    assert "events.expire_offers" in out.getvalue().split()


@pytest.mark.django_db
def test_runs_each_job_and_reports_what_it_did():
    out = StringIO()
    call_command("run_periodic", stdout=out)
    assert "events.expire_offers: 0" in out.getvalue()


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    calls = []

    def broken():
        raise RuntimeError("boom")

    def counting():
        calls.append(1)
        return 3

    monkeypatch.setattr(registry, "periodic_jobs", [("test.broken", broken), ("test.counting", counting)])
    monkeypatch.setattr("hramada.core.management.commands.run_periodic.periodic_jobs", registry.periodic_jobs)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="test.broken"):
        call_command("run_periodic", stdout=out, stderr=err)
    assert calls == [1] and "test.counting: 3" in out.getvalue()
    assert "test.broken: FAILED" in err.getvalue()


def test_unknown_job_names_are_refused():
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("run_periodic", "--only", "nope")
