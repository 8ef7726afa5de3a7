"""Sending one webhook over HTTP(S) with the standard library: no redirects followed, a 10-second
timeout, a short excerpt of the answer kept, and in production only HTTPS to public addresses.

The guard against server-side request forgery resolves the host when the URL is saved and again at
every send, refuses private, loopback, link-local, reserved and multicast addresses, and connects to the
very address it checked (so a DNS answer that changes between the check and the connection cannot
point the request at the internal network).
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 10  # seconds, for connecting and for each read
EXCERPT = 200  # characters of the receiver's answer kept in the log


class UnsafeDestination(Exception):
    """The URL may not be called (message for the organiser)."""


@dataclass
class Response:
    status: int
    excerpt: str


def strict() -> bool:
    """Production rules (HTTPS, public addresses only); development and tests may call local servers."""
    return bool(getattr(settings, "PRODUCTION", False))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Refuse a URL the platform must not call (raises ``UnsafeDestination`` with a reason)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeDestination(_("Enter a full URL starting with https://."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("The URL must not contain a user name or password."))
    if strict() and parts.scheme != "https":
        raise UnsafeDestination(_("Only https:// addresses can receive webhooks."))
    try:
        parts.port  # noqa: B018  (a port out of range raises)
    except ValueError:
        raise UnsafeDestination(_("The port in this URL is not valid.")) from None


def resolve(url: str) -> str:
    """The address to connect to, checked: in production only a public one."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeDestination(_("The host name of this URL could not be found.")) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeDestination(_("The host name of this URL could not be found."))
    if strict() and not all(_public(a) for a in addresses):
        raise UnsafeDestination(_("This URL points to a private or local network address."))
    return addresses[0]


class _CheckedHTTP(http.client.HTTPConnection):
    """Connects to the address ``resolve`` checked instead of resolving the host name again."""

    def __init__(self, host, port, address):
        super().__init__(host, port, timeout=TIMEOUT)
        self.checked_address = address

    def connect(self):
        self.sock = socket.create_connection((self.checked_address, self.port), self.timeout)


class _CheckedHTTPS(_CheckedHTTP):
    default_port = 443

    def connect(self):
        super().connect()
        # The certificate is checked against the host name in the URL, not the address.
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: str, headers: dict) -> Response:
    """POST ``body`` to ``url``; raises ``UnsafeDestination``, ``OSError`` or ``http.client`` errors.
    A redirect is an answer like any other (3xx, not a success): it is never followed."""
    check_url(url)
    address = resolve(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    cls = _CheckedHTTPS if parts.scheme == "https" else _CheckedHTTP
    connection = cls(parts.hostname, port, address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            path,
            body=body.encode(),
            headers={**headers, "content-type": "application/json", "user-agent": "Hramada-Webhooks/1"},
        )
        answer = connection.getresponse()
        excerpt = answer.read(EXCERPT * 4).decode("utf-8", "replace")[:EXCERPT]
        return Response(status=answer.status, excerpt=excerpt)
    finally:
        connection.close()
