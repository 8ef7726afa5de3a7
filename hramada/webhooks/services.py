"""Organisers' webhook endpoints and the delivery of events to them (Standard Webhooks signatures).

Events reach ``on_event`` through ``core.registry.emit`` after the change that caused them committed;
each subscribed, active endpoint gets a ``Delivery`` sent by the ``deliver`` task. A failed attempt is
tried again after ``RETRY_DELAYS`` (the ``webhooks.retry_due`` periodic job picks them up); a message
that failed every attempt counts against its endpoint, which is switched off after ``DISABLE_AFTER``
such messages in a row.
"""

import json
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.contests.models import Stage
from hramada.core import audit, registry
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Organisation

from . import signing, tasks, transport
from .models import EVENT_TYPES, TEST_EVENT, ClosedStage, Delivery, Endpoint

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd... failed attempt: seven attempts over about 18 hours.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER = 5  # messages in a row that failed every attempt switch the endpoint off
LEASE = timedelta(minutes=2)  # an attempt in progress is not picked up again before this
ROTATION_OVERLAP = timedelta(hours=24)  # the old secret also signs for this long after a rotation
RECENTLY_CLOSED = timedelta(days=1)  # older closed votes are not announced (e.g. on the first run)
MAX_ENDPOINTS = 20


def _require(actor, organisation) -> None:
    if actor is None or not actor.has_perm("webhooks.manage_endpoints", organisation):
        raise DomainError(_("Only the organisation's owners can manage its webhooks."))


def _clean(url: str, event_types) -> tuple[str, list[str]]:
    url = (url or "").strip()
    try:
        transport.check_url(url)
        if transport.strict():
            transport.resolve(url)
    except transport.UnsafeDestination as exc:
        raise DomainError(str(exc), field="url") from None
    unknown = set(event_types) - set(EVENT_TYPES)
    if unknown:
        raise DomainError(_("Unknown event: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if not event_types:
        raise DomainError(_("Choose at least one event."), field="event_types")
    return url, sorted(event_types)


@transaction.atomic
def create_endpoint(
    *, actor, organisation, url: str, event_types, description: str = "", is_active: bool = True
) -> tuple[Endpoint, str]:
    """An owner adds an endpoint; its secret is returned to be shown once."""
    _require(actor, organisation)
    url, event_types = _clean(url, event_types)
    if Endpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS:
        raise DomainError(_("An organisation can have at most %(n)s endpoints.") % {"n": MAX_ENDPOINTS})
    endpoint = Endpoint.objects.create(
        organisation=organisation,
        url=url,
        description=description.strip(),
        event_types=event_types,
        is_active=is_active,
        secret=signing.new_secret(),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="webhooks.endpoint.created",
        target=endpoint,
        scope=organisation,
        data={"url": url, "events": event_types, "active": is_active},
    )
    return endpoint, endpoint.secret


@transaction.atomic
def update_endpoint(
    *, actor, endpoint: Endpoint, url: str, event_types, description: str = "", is_active: bool
) -> Endpoint:
    """An owner changes an endpoint; switching it on again clears its count of failed messages."""
    _require(actor, endpoint.organisation)
    url, event_types = _clean(url, event_types)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if is_active and not endpoint.is_active:
        endpoint.failed_in_a_row = 0
        endpoint.disabled_at = None
    endpoint.url, endpoint.event_types = url, event_types
    endpoint.description, endpoint.is_active = description.strip(), is_active
    endpoint.save()
    audit.record(
        actor=actor,
        action="webhooks.endpoint.changed",
        target=endpoint,
        scope=endpoint.organisation,
        data={"url": url, "events": event_types, "active": is_active},
    )
    return endpoint


@transaction.atomic
def rotate_secret(*, actor, endpoint: Endpoint, now=None) -> str:
    """A new secret, shown once; the old one also signs for ``ROTATION_OVERLAP`` (a second signature)."""
    _require(actor, endpoint.organisation)
    now = now or timezone.now()
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + ROTATION_OVERLAP
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    audit.record(
        actor=actor, action="webhooks.endpoint.secret_rotated", target=endpoint, scope=endpoint.organisation
    )
    return endpoint.secret


@transaction.atomic
def delete_endpoint(*, actor, endpoint: Endpoint) -> None:
    """An owner removes an endpoint with its delivery log."""
    _require(actor, endpoint.organisation)
    audit.record(
        actor=actor,
        action="webhooks.endpoint.deleted",
        target=endpoint,
        scope=endpoint.organisation,
        data={"url": endpoint.url},
    )
    endpoint.delete()


def _body(event_type: str, occurred_at, data: dict) -> str:
    payload = {"type": event_type, "timestamp": occurred_at.isoformat(), "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _queue(endpoints, event_type: str, body: str, now) -> list[Delivery]:
    message_id = signing.new_message_id()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(endpoint=e, message_id=message_id, event_type=event_type, body=body, next_attempt_at=now)
            for e in endpoints
        ]
    )
    for delivery in deliveries:
        enqueue_on_commit(tasks.deliver, delivery.pk)
    return deliveries


def on_event(event_type: str, organisation_id: int, data: dict, occurred_at) -> int:
    """``core.registry`` subscriber: one delivery per active endpoint of the organisation subscribed."""
    endpoints = [
        e
        for e in Endpoint.objects.filter(organisation_id=organisation_id, is_active=True)
        if event_type in e.event_types
    ]
    if not endpoints:
        return 0
    with transaction.atomic():
        return len(_queue(endpoints, event_type, _body(event_type, occurred_at, data), timezone.now()))


@transaction.atomic
def send_test(*, actor, endpoint: Endpoint) -> Delivery:
    """The "send a test" button: a ``webhook.test`` message to this endpoint only, active or not."""
    _require(actor, endpoint.organisation)
    now = timezone.now()
    data = {"endpoint": endpoint.public_id, "organisation": endpoint.organisation.slug}
    (delivery,) = _queue([endpoint], TEST_EVENT, _body(TEST_EVENT, now, data), now)
    audit.record(actor=actor, action="webhooks.endpoint.tested", target=endpoint, scope=endpoint.organisation)
    return delivery


@transaction.atomic
def resend(*, actor, delivery: Delivery) -> Delivery:
    """Send a message again now (same webhook-id and body, so a receiver can tell it is a repeat)."""
    endpoint = delivery.endpoint
    _require(actor, endpoint.organisation)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == Delivery.Status.PENDING and delivery.attempts == 0:
        raise DomainError(_("This message has not been sent yet; it is on its way."))
    delivery.status = Delivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
    audit.record(
        actor=actor,
        action="webhooks.delivery.resent",
        target=endpoint,
        scope=endpoint.organisation,
        data={"message_id": delivery.message_id},
    )
    enqueue_on_commit(tasks.deliver, delivery.pk)
    return delivery


def _signing_secrets(endpoint: Endpoint, now) -> list[str]:
    keep_previous = (
        endpoint.previous_secret and endpoint.previous_secret_until and now < endpoint.previous_secret_until
    )
    return [endpoint.secret, endpoint.previous_secret] if keep_previous else [endpoint.secret]


def attempt(delivery_id: int, now=None) -> bool:
    """Make one attempt if the delivery is due (claimed with a lease, so two workers never both send);
    returns True when it was sent and answered 2xx."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("endpoint__organisation").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active and delivery.event_type != TEST_EVENT:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, next_attempt_at=None, last_error=_("The endpoint is switched off.")
        )
        return False
    headers = signing.headers(
        _signing_secrets(endpoint, now), delivery.message_id, int(now.timestamp()), delivery.body
    )
    code, excerpt, error = None, "", ""
    try:
        answer = transport.post(endpoint.url, delivery.body, headers)
        code, excerpt = answer.status, answer.excerpt
        if not 200 <= code < 300:
            error = _("The endpoint answered %(code)s.") % {"code": code}
    except transport.UnsafeDestination as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001  (any network failure is a failed attempt, recorded)
        error = f"{type(exc).__name__}: {exc}"[:300]
    _record_attempt(delivery, code=code, excerpt=excerpt, error=error, now=now)
    return not error


@transaction.atomic
def _record_attempt(delivery: Delivery, *, code, excerpt: str, error: str, now) -> None:
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    delivery.attempts += 1
    delivery.response_code, delivery.response_excerpt, delivery.last_error = code, excerpt, error[:300]
    delivery.last_attempt_at = now
    if not error:
        delivery.status, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, None
        if endpoint.failed_in_a_row:
            endpoint.failed_in_a_row = 0
            endpoint.save(update_fields=["failed_in_a_row", "updated_at"])
    elif delivery.attempts < MAX_ATTEMPTS:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    else:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        if delivery.event_type != TEST_EVENT:
            endpoint.failed_in_a_row += 1
            if endpoint.failed_in_a_row >= DISABLE_AFTER and endpoint.is_active:
                endpoint.is_active, endpoint.disabled_at = False, now
                audit.record(
                    actor=None,
                    action="webhooks.endpoint.disabled",
                    target=endpoint,
                    scope=(Organisation, endpoint.organisation_id),
                    data={"failed_messages": endpoint.failed_in_a_row},
                )
            endpoint.save(update_fields=["failed_in_a_row", "is_active", "disabled_at", "updated_at"])
    delivery.save(
        update_fields=[
            "attempts",
            "response_code",
            "response_excerpt",
            "last_error",
            "last_attempt_at",
            "status",
            "next_attempt_at",
            "updated_at",
        ]
    )


def retry_due(now=None) -> int:
    """Periodic: send the deliveries whose next attempt is due; returns how many were queued."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        tasks.deliver.enqueue(pk)
    return len(ids)


def announce_closed_votes(now=None) -> int:
    """Periodic: ``vote_stage.closed`` once for each public vote that closed in the last day."""
    now = now or timezone.now()
    since = now - RECENTLY_CLOSED
    stages = (
        Stage.objects.filter(kind=Stage.Kind.PUBLIC_VOTE, edition__published_at__isnull=False)
        .filter(
            Q(ends_at__lte=now, ends_at__gt=since) | Q(closed_early_at__lte=now, closed_early_at__gt=since)
        )
        .exclude(pk__in=ClosedStage.objects.values("stage_id"))
        .select_related("edition__contest")
    )
    announced = 0
    for stage in stages:
        with transaction.atomic():
            _notice, created = ClosedStage.objects.get_or_create(stage=stage)
            if created:
                registry.emit(
                    "vote_stage.closed",
                    stage.edition.contest.organisation_id,
                    {
                        "stage": stage.public_id,
                        "edition": stage.edition.public_id,
                        "closed_at": stage.closes_at.isoformat(),
                        "closed_early": stage.closes_at < stage.ends_at,
                    },
                )
                announced += 1
    return announced
