"""iCalendar (RFC 5545) text for events and sessions, written by hand: it is a small, stable format."""

import re
from datetime import UTC

from django.conf import settings
from django.utils import timezone

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, every line break (CRLF, LF or a bare CR)
    written as ``\\n``, other control characters dropped; no organiser's text can start a new line
    (a property or a component of its own) in the file."""
    text = (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )
    return _CONTROL.sub("", text)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, chunk = [], b""
    for ch in line:
        enc = ch.encode()
        if len(chunk) + len(enc) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += enc
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def _dt(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(items, *, name: str) -> str:
    """``items``: iterable of dicts with uid, title, starts_at, ends_at, and optional location, description, url."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hramada//Events//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    stamp = _dt(timezone.now())
    for item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item['uid']}@{settings.SITE_URL.split('://')[-1]}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_dt(item['starts_at'])}",
            f"DTEND:{_dt(item['ends_at'])}",
            f"SUMMARY:{_escape(item['title'])}",
        ]
        if item.get("location"):
            lines.append(f"LOCATION:{_escape(item['location'])}")
        if item.get("description"):
            lines.append(f"DESCRIPTION:{_escape(item['description'])}")
        if item.get("url"):
            lines.append(f"URL:{item['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
