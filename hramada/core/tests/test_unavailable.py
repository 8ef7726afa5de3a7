"""An unreachable database, or one that gave up on a lock, is answered "503, busy, try again" with
``Retry-After``; never a 500, never a hung worker."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.urls import reverse

from hramada.core.tests.concurrency import require_postgres
from hramada.events.tests.factories import EventFactory
from hramada.people.tests.factories import UserFactory


@pytest.mark.django_db
def test_a_database_that_cannot_be_reached_gives_503_with_retry_after(client, monkeypatch):
    from hramada.core.views import public

    def unreachable(request):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(public, "home_sections", [(0, unreachable)])
    client.raise_request_exception = False
    response = client.get(reverse("core:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and "no-store" in response["Cache-Control"]
    assert "Busy, please try again" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_stay_500(client, monkeypatch):
    from hramada.core.views import public

    def broken(request):
        raise ValueError("a bug")

    monkeypatch.setattr(public, "home_sections", [(0, broken)])
    client.raise_request_exception = False
    response = client.get(reverse("core:home"))
    assert response.status_code == 500 and "Retry-After" not in response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stuck_lock_becomes_busy_try_again_and_nothing_is_saved(client):
    """Another transaction holds the event's row (a stuck worker): the registration waits
    ``lock_timeout``, then the visitor is told to try again; no registration, no place taken."""
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"  # from the settings (DB_LOCK_TIMEOUT_MS)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SET lock_timeout = '300ms'")  # this test's own, shorter wait
    event = EventFactory(capacity=10)
    user = UserFactory()
    client.force_login(user)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic(using="default"):
                type(event).objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        client.raise_request_exception = False
        response = client.post(reverse("events:register", args=[event.slug]))
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    event.refresh_from_db()
    assert event.confirmed_count == 0 and not event.registrations.exists()
