"""Delivering messages: a real POST to a local server that checks the signature as docs/webhooks.md
says, the retry schedule with frozen time, switching an endpoint off after failures, no redirects
followed, a short excerpt of the answer, and the guard against calling private addresses in production."""

import base64
import hashlib
import hmac
import json
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hramada.core.models import AuditEntry
from hramada.core.registry import periodic_jobs
from hramada.webhooks import services, transport
from hramada.webhooks.models import Delivery

from .factories import EndpointFactory

# Real commits: a delivery is queued and sent once the change that caused it has committed.
pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> dict:
    """The verification steps of docs/webhooks.md, as a receiver would write them."""
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("timestamp too old or too new")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in headers["webhook-signature"].split(" "):
        version, _, sig = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return json.loads(body)
    raise ValueError("no valid signature")


def lower(headers: dict) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def test_a_test_message_reaches_a_real_server_and_its_signature_verifies(owner, org, receiver):
    endpoint, secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempts == 1 and delivery.response_code == 200
    assert len(delivery.response_excerpt) == transport.EXCERPT  # not the whole answer
    [request] = receiver.requests
    assert request["path"] == "/hook?source=hramada"
    headers = lower(request["headers"])
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == delivery.message_id
    payload = verify(secret, headers, request["body"])
    assert payload["type"] == "webhook.test"
    assert payload["data"] == {"endpoint": endpoint.public_id, "organisation": org.slug}
    assert datetime.fromisoformat(payload["timestamp"]).tzinfo is not None


def test_a_tampered_body_or_another_secret_fails_verification(owner, org, receiver):
    endpoint, secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    services.send_test(actor=owner, endpoint=endpoint)
    [request] = receiver.requests
    headers = lower(request["headers"])
    with pytest.raises(ValueError, match="signature"):
        verify(secret, headers, request["body"].replace(b"webhook.test", b"webhook.fake"))
    with pytest.raises(ValueError, match="signature"):
        verify(EndpointFactory.build().secret, headers, request["body"])


def test_after_a_rotation_the_old_and_new_secrets_both_verify_for_a_day(owner, org, receiver):
    endpoint, old = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    new = services.rotate_secret(actor=owner, endpoint=endpoint)
    assert new != old
    services.send_test(actor=owner, endpoint=endpoint)
    headers = lower(receiver.requests[-1]["headers"])
    body = receiver.requests[-1]["body"]
    assert verify(new, headers, body) and verify(old, headers, body)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        services.send_test(actor=owner, endpoint=endpoint)
        headers = lower(receiver.requests[-1]["headers"])
        assert len(headers["webhook-signature"].split(" ")) == 1
        with pytest.raises(ValueError):
            verify(old, headers, receiver.requests[-1]["body"])


def test_failed_attempts_are_retried_on_the_documented_schedule(owner, org, receiver):
    receiver.statuses = [500]
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    with time_machine.travel(T0, tick=False):
        delivery = services.send_test(actor=owner, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.status == Delivery.Status.PENDING
    assert delivery.response_code == 500 and "500" in delivery.last_error
    delays = [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30)]
    delays += [timedelta(hours=2), timedelta(hours=5), timedelta(hours=10)]
    assert delays == services.RETRY_DELAYS
    now = T0
    for number, delay in enumerate(delays, start=2):
        assert delivery.next_attempt_at == now + delay
        with time_machine.travel(now + delay - timedelta(seconds=1), tick=False):
            assert services.retry_due() == 0  # not due yet
        now = now + delay
        with time_machine.travel(now, tick=False):
            assert services.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == number
    assert delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is None
    assert len(receiver.requests) == 7
    # The same webhook-id on every attempt; the timestamp is each attempt's own.
    assert {lower(r["headers"])["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    assert len({lower(r["headers"])["webhook-timestamp"] for r in receiver.requests}) == 7
    with time_machine.travel(now + timedelta(days=2), tick=False):
        assert services.retry_due() == 0


def test_a_retry_that_succeeds_stops_the_schedule(owner, org, receiver):
    receiver.statuses = [503, 204]
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    with time_machine.travel(T0, tick=False):
        delivery = services.send_test(actor=owner, endpoint=endpoint)
    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        services.retry_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 2
    assert delivery.response_code == 204 and delivery.last_error == ""


def test_redirects_are_not_followed(owner, org, receiver):
    receiver.statuses = [302]
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and delivery.status == Delivery.Status.PENDING
    assert len(receiver.requests) == 1


def test_an_unreachable_endpoint_is_a_failed_attempt_with_its_error(owner, org):
    with socket.socket() as probe:  # a local port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=f"http://127.0.0.1:{port}/", event_types=["results.published"]
    )
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.response_code is None
    assert "Connection" in delivery.last_error


def test_an_attempt_is_made_once_even_if_two_workers_run_it(owner, org, receiver):
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    assert services.attempt(delivery.pk) is False  # already done
    assert len(receiver.requests) == 1


def test_an_endpoint_is_switched_off_after_five_messages_in_a_row_fail(owner, org, receiver):
    receiver.statuses = [500]
    endpoint = EndpointFactory(organisation=org, url=receiver.url)
    now = T0
    for number in range(services.DISABLE_AFTER):
        with time_machine.travel(now, tick=False):
            services.on_event("registration.created", org.pk, {"n": number}, timezone.now())
        for delay in services.RETRY_DELAYS:
            now += delay
            with time_machine.travel(now, tick=False):
                services.retry_due()
        endpoint.refresh_from_db()
        assert endpoint.failed_in_a_row == number + 1
        assert endpoint.is_active == (number + 1 < services.DISABLE_AFTER)
    assert endpoint.disabled_at is not None
    assert AuditEntry.objects.filter(action="webhooks.endpoint.disabled").count() == 1
    # Switched off: no new messages; switching it on again clears the count.
    assert services.on_event("registration.created", org.pk, {}, timezone.now()) == 0
    services.update_endpoint(
        actor=owner, endpoint=endpoint, url=endpoint.url, event_types=endpoint.event_types, is_active=True
    )
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failed_in_a_row == 0 and endpoint.disabled_at is None


def test_a_success_resets_the_count_of_failed_messages(org, receiver):
    endpoint = EndpointFactory(organisation=org, url=receiver.url, failed_in_a_row=3)
    services.on_event("registration.created", org.pk, {}, timezone.now())
    endpoint.refresh_from_db()
    assert endpoint.failed_in_a_row == 0


def test_resend_sends_the_same_message_again(owner, org, receiver):
    endpoint, secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["registration.created"]
    )
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    services.resend(actor=owner, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == Delivery.Status.SUCCEEDED
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert lower(first["headers"])["webhook-id"] == lower(second["headers"])["webhook-id"]
    assert verify(secret, lower(second["headers"]), second["body"])


def test_the_periodic_jobs_are_registered():
    names = [name for name, _fn in periodic_jobs]
    assert "webhooks.retry_due" in names and "webhooks.announce_closed_votes" in names


# --- Production: HTTPS and public addresses only ----------------------------------------------------------


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True


def fake_dns(monkeypatch, address):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.org/x", "Only https"),
        ("https://127.0.0.1/x", "private or local"),
        ("https://10.1.2.3/x", "private or local"),
        ("https://169.254.169.254/latest/meta-data", "private or local"),
        ("https://[::1]/x", "private or local"),
        ("https://[::ffff:192.168.0.1]/x", "private or local"),
        ("https://user:pw@hooks.example.org/x", "user name"),
        ("ftp://hooks.example.org/x", "https://"),
    ],
)
def test_production_refuses_urls_that_are_not_https_or_point_inside(production, owner, org, url, message):
    from hramada.core.errors import DomainError

    with pytest.raises(DomainError, match=message):
        services.create_endpoint(actor=owner, organisation=org, url=url, event_types=["results.published"])


def test_production_refuses_a_name_that_resolves_to_a_private_address(production, owner, org, monkeypatch):
    from hramada.core.errors import DomainError

    fake_dns(monkeypatch, "192.168.1.20")
    with pytest.raises(DomainError, match="private or local"):
        services.create_endpoint(
            actor=owner,
            organisation=org,
            url="https://intranet.example.org/",
            event_types=["results.published"],
        )


def test_production_checks_the_address_again_at_send_time(production, owner, org, monkeypatch):
    """A name that resolved to a public address when saved, then to a private one (DNS rebinding)."""
    fake_dns(monkeypatch, "93.184.216.34")
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url="https://hooks.example.org/", event_types=["results.published"]
    )
    fake_dns(monkeypatch, "127.0.0.1")
    connects = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connects.append(a))
    delivery = services.send_test(actor=owner, endpoint=endpoint)
    delivery.refresh_from_db()
    assert connects == []
    assert delivery.attempts == 1 and "private or local" in delivery.last_error


def test_development_allows_local_http_endpoints(owner, org, receiver):
    endpoint, _secret = services.create_endpoint(
        actor=owner, organisation=org, url=receiver.url, event_types=["results.published"]
    )
    assert endpoint.url.startswith("http://127.0.0.1:")
