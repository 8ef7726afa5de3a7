"""Probes for load balancers and orchestrators, and the Prometheus metrics (docs/deploy.md).

``/healthz`` answers while the process can answer at all (liveness: it touches nothing else, so a
database outage does not make every app server look dead and get restarted). ``/readyz`` checks what
a request needs (readiness: the database, the replica, the cache, the task queue, the migrations)
and answers 503 with the names of what failed. ``/metrics`` is for Prometheus, from the addresses in
``METRICS_ALLOWED_IPS`` only. None of them has a language prefix, a session, CSRF or a cache.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from hramada.core.replica import REPLICA, replica_configured

logger = logging.getLogger(__name__)

# Once every migration is applied, it stays so for this process's code: checked once, not per probe
# (loading the migration graph takes a while).
_migrations_applied = False


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    """Liveness: the process is up and answering. No database, no cache."""
    return JsonResponse({"status": "ok"})


def check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache = caches["default"]
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_task_queue() -> None:
    from django_tasks import task_backends

    backend = task_backends["default"]
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    if name.startswith("django_tasks.backends."):
        return  # immediate or dummy: runs in the request, nothing to reach
    if name.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
        return
    # A queue on Redis (RQ): ping the connection of each queue the backend uses.
    import django_rq  # noqa: PLC0415 (present whenever an RQ backend is configured)

    for queue in getattr(backend, "queues", None) or ["default"]:
        django_rq.get_connection(queue).ping()


def check_migrations() -> None:
    global _migrations_applied  # noqa: PLW0603 (a per-process memo of a fact that cannot become false)
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_applied = True


def readiness_checks() -> dict:
    checks = {"database": lambda: check_database(DEFAULT_DB_ALIAS)}
    if replica_configured():
        checks["replica"] = lambda: check_database(REPLICA)
    checks["cache"] = check_cache
    checks["tasks"] = check_task_queue
    checks["migrations"] = check_migrations
    return checks


@csrf_exempt
@never_cache
@require_safe
def readyz(request):
    """Readiness: 200 when every dependency answers, else 503 naming the ones that did not."""
    results, failed = {}, []
    for name, check in readiness_checks().items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 (any failure of a dependency means "not ready")
            # The class only: an error's text can carry a host name or a password from a URL.
            results[name] = {"ok": False, "error": type(exc).__name__}
            failed.append(name)
            logger.warning("readiness check failed: %s (%s)", name, type(exc).__name__)
            if name in ("database", "replica", "migrations"):
                alias = REPLICA if name == "replica" else DEFAULT_DB_ALIAS
                connections[alias].close_if_unusable_or_obsolete()
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)


def _allowed_networks():
    networks = []
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            logger.error("METRICS_ALLOWED_IPS: %r is not an address or a network", entry)
    return networks


def metrics_client_allowed(request) -> bool:
    """The client's address (proxies resolved as for allauth: TRUSTED_PROXY_COUNT) is allowed.

    With no proxy trusted, a request that carries X-Forwarded-For came through a proxy anyway (nginx
    on this machine, so from 127.0.0.1): its real client is unknown, and it is refused.
    """
    from allauth.core.internal.httpkit import get_client_ip

    if not settings.ALLAUTH_TRUSTED_PROXY_COUNT and request.headers.get("x-forwarded-for"):
        return False
    try:
        address = ipaddress.ip_address(get_client_ip(request) or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _allowed_networks())


@csrf_exempt
@never_cache
@require_safe
def metrics(request):
    """Prometheus metrics (django-prometheus), for allowed addresses only; 404 for anyone else."""
    try:
        allowed = metrics_client_allowed(request)
    except Exception:  # noqa: BLE001 (a malformed X-Forwarded-For: not allowed, never a 500)
        allowed = False
    if not allowed:
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    _register_collectors()
    return ExportToDjangoView(request)


class TaskOutboxCollector:
    """``hramada_task_outbox_rows{state="waiting"|"given_up"}``: tasks not run yet (the queue's backlog
    during a peak, near zero afterwards) and tasks the relay gave up on (core.tasks; docs/deploy.md)."""

    NAME = "hramada_task_outbox_rows"
    HELP = "Background tasks in the outbox: waiting to run (or to run again), and given up"

    def describe(self):  # names only: registering must not query the database
        from prometheus_client.core import GaugeMetricFamily

        yield GaugeMetricFamily(self.NAME, self.HELP, labels=["state"])

    def collect(self):
        from django.db import DatabaseError
        from django.db.models import Count, Q
        from prometheus_client.core import GaugeMetricFamily

        from .models import TaskOutbox

        try:
            counts = TaskOutbox.objects.aggregate(
                waiting=Count("pk", filter=Q(given_up_at__isnull=True)), given_up=Count("given_up_at")
            )
        except DatabaseError:
            logger.warning("metrics: the task outbox could not be counted", exc_info=True)
            return
        family = GaugeMetricFamily(self.NAME, self.HELP, labels=["state"])
        for state, n in counts.items():
            family.add_metric([state], n)
        yield family


_collectors_registered = False


def _register_collectors() -> None:
    """Add Hramada's own metrics to the registry django-prometheus exports, once per process."""
    global _collectors_registered  # noqa: PLW0603
    if _collectors_registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(TaskOutboxCollector())
    _collectors_registered = True
