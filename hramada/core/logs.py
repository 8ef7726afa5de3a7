"""Structured logs: one JSON object per line, each with the request's id (docs/deploy.md, "Logs").

The request id comes from the proxy's ``X-Request-ID`` when it is a sane token (so nginx's and
Hramada's lines about one request share it), else it is generated; it is sent back in the response's
``X-Request-ID``. Logs carry no personal data: no IP address in clear (the access line has a keyed
hash of the client's network, comparable within a day and not reversible without ``HASH_KEY``), no
query strings (search words, e-mail addresses in links), no user names; the access line names the
URL *pattern* (``en/events/<slug:slug>/``), not the path (answer links carry secret tokens). Messages
from any library are scrubbed of IP and e-mail addresses before they are written.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings

request_id_var: ContextVar[str] = ContextVar("hramada_request_id", default="")
access_logger = logging.getLogger("hramada.request")

# Letters, digits and ._:- only, 8 to 100 characters: a UUID, nginx's $request_id, a trace id. Anything
# else (a line break to forge a log line, a megabyte of text) is replaced by our own.
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$")

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Hex groups joined by colons, possibly ending in an IPv4 address (::ffff:192.0.2.1); only taken for
# an address with "::" or at least four colons (_looks_like_ipv6), so times such as 12:30:05 stay.
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Record attributes a log call may pass in ``extra`` and that are written out; anything else (Django
# attaches the whole ``request`` to its records) is left out.
EXTRA_FIELDS = (
    "method",
    "route",
    "view",
    "status",
    "duration_ms",
    "network",
    "authenticated",
    "htmx",
    "task",
    "status_code",
)


def _looks_like_ipv6(text: str) -> bool:
    return "::" in text or text.count(":") >= 4


def scrub(text: str) -> str:
    """The text with IP addresses and e-mail addresses replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _IPV6.sub(lambda m: "[ip]" if _looks_like_ipv6(m.group(0)) else m.group(0), text)
    return _IPV4.sub("[ip]", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the allowed extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(_without_path(record)),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            # The traceback's text can quote values (a form's e-mail): scrubbed like the message.
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _without_path(record: logging.LogRecord) -> str:
    """The message, with the request's path replaced by its URL pattern (Django's "Not Found: /path"):
    paths carry secret tokens (answer links, ticket codes)."""
    message = record.getMessage()
    request = getattr(record, "request", None)
    path = getattr(request, "path", "")
    if path and path in message:
        match = getattr(request, "resolver_match", None)
        message = message.replace(path, match.route if match else "[path]")
    return message


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record and scrubs its message, for the text format too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # Django logs a response's error after the middleware has returned: the request keeps it.
            request = getattr(record, "request", None)
            record.request_id = request_id_var.get() or getattr(request, "id", "") or "-"
        # Scrubbed here too, so the text format carries no address either.
        record.msg, record.args = scrub(_without_path(record)), None
        return True


def incoming_request_id(request) -> str:
    candidate = request.headers.get("x-request-id", "")
    return candidate if _SANE_ID.match(candidate) else uuid.uuid4().hex


def network_hash_of(request) -> str:
    """A short keyed hash of the client's network (/24, /64), for telling clients apart in logs."""
    from allauth.core.internal.httpkit import get_client_ip

    from hramada.core.hashing import keyed_hash

    try:
        ip = get_client_ip(request) or ""
    except Exception:  # noqa: BLE001 (a malformed X-Forwarded-For: no hash rather than a 500)
        return ""
    network = _network(ip)
    # The day in the purpose: the same network gets another hash tomorrow, so logs kept longer do not
    # link one client's days together.
    day = datetime.now(tz=UTC).date().isoformat()
    return keyed_hash(network, purpose=f"log-network:{day}")[:12] if network else ""


def _network(ip: str) -> str:
    import ipaddress

    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


class RequestIdMiddleware:
    """Gives each request an id (``request.id``, the logs, ``X-Request-ID``) and writes its access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request)
        request.id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if getattr(settings, "LOG_REQUESTS", False) and access_logger.isEnabledFor(logging.INFO):
                self._log(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    def _log(self, request, response, started):
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        access_logger.info(
            "%s %s %s",
            request.method,
            match.route if match else "-",
            response.status_code,
            extra={
                "method": request.method,
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "network": network_hash_of(request) or None,
                # Only whether someone was signed in, never who; the user is not loaded for this.
                "authenticated": bool(user.is_authenticated) if _user_loaded(user) else None,
                "htmx": bool(request.headers.get("hx-request")) or None,
            },
        )


def _user_loaded(user) -> bool:
    # request.user is a lazy object: reading it would load the session and the user for a log line.
    from django.utils.functional import SimpleLazyObject, empty

    if user is None:
        return False
    return not isinstance(user, SimpleLazyObject) or user._wrapped is not empty


def init_sentry(dsn: str, *, environment: str, release: str = "") -> bool:
    """Sends errors to Sentry when its SDK is installed (the ``sentry`` extra); never personal data.

    Returns whether Sentry was set up. Without the package, a warning at start-up and nothing else.
    """
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        logging.getLogger(__name__).warning(
            "SENTRY_DSN is set but sentry-sdk is not installed (pip install 'hramada[sentry]'): not sending."
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,  # no IP addresses, cookies, user ids or request bodies
        integrations=[DjangoIntegration()],
        traces_sample_rate=0.0,
        before_send=_scrub_event,
    )
    return True


def _scrub_event(event, hint):
    request = event.get("request") or {}
    request.pop("query_string", None)
    request.pop("cookies", None)
    request.pop("data", None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in ("x-forwarded-for", "x-real-ip", "cookie", "authorization", "referer"):
            headers.pop(name)
    event.pop("user", None)
    return event
