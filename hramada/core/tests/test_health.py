"""/healthz, /readyz and /metrics: what they check, what they answer, and who may read the metrics."""

import copy

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from hramada.core import health


@pytest.fixture(autouse=True)
def _migrations_not_memoised(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_without_touching_the_database(client):
    # No db fixture: any query here would fail the test ("Database access not allowed").
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "tasks", "migrations"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies, "no session, no CSRF cookie on a probe"


@pytest.mark.django_db
def test_probes_have_no_language_prefix_and_refuse_writes(client):
    assert client.get("/en/readyz").status_code == 404
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_names_an_unreachable_cache(client, monkeypatch):
    # A Redis cache on port 1 of this machine: nothing listens, the connection is refused at once.
    monkeypatch.setattr(health, "caches", {"default": RedisCache("redis://127.0.0.1:1/0", {})})
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_names_a_failing_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", refuse)
    monkeypatch.setattr(health, "check_migrations", lambda: None)  # it needs a cursor too
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database" in response.json()["failed"]
    assert response.json()["checks"]["database"]["error"] == "OperationalError"


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client):
    # Forget core's latest migration (inside the test's transaction, rolled back afterwards).
    [(app, name)] = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("core")
    MigrationRecorder(connections[DEFAULT_DB_ALIAS]).record_unapplied(app, name)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]


@pytest.mark.django_db
def test_readyz_checks_the_replica_when_there_is_one(client, settings):
    broken = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = "/nonexistent-folder/replica.sqlite3"
    else:
        broken["PORT"] = "1"
    settings.DATABASES = {**settings.DATABASES, "replica": broken}
    connections.settings["replica"] = broken
    try:
        response = client.get("/readyz")
    finally:
        connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]
    assert response.status_code == 503
    assert response.json()["failed"] == ["replica"]


# --- /metrics -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_for_loopback_by_default(client):
    client.get("/healthz")  # at least one counted request
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_metrics_count_the_task_outbox(client):
    from django.utils import timezone

    from hramada.core.models import TaskOutbox

    now = timezone.now()
    for given_up in (None, None, now):
        TaskOutbox.objects.create(
            task_path="hramada.orgs.tasks.send_invitation_email", args=[1], due_at=now, given_up_at=given_up
        )

    page = client.get("/metrics").content.decode()

    assert 'hramada_task_outbox_rows{state="waiting"} 2.0' in page
    assert 'hramada_task_outbox_rows{state="given_up"} 1.0' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "allowed"),
    [
        ("203.0.113.5", None, 0, False),  # a stranger
        ("127.0.0.1", "203.0.113.5", 0, False),  # through a local proxy nobody declared
        ("127.0.0.1", "203.0.113.5", 1, False),  # through the declared proxy: the stranger
        ("127.0.0.1", "127.0.0.1", 1, True),  # the scraper on this machine, through the proxy
        ("203.0.113.5", "127.0.0.1", 0, False),  # a forged header, no proxy trusted
        ("127.0.0.1", "not an address", 1, False),  # garbage: 404, never a 500
        ("::1", None, 0, True),
    ],
)
def test_metrics_only_for_allowed_addresses(client, settings, remote, forwarded, proxies, allowed):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    response = client.get("/metrics", REMOTE_ADDR=remote, **headers)
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.django_db
def test_metrics_allowed_networks_are_configurable(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "not-a-network"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
