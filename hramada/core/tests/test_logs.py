"""Structured logs: one JSON object per line, the request id, and no address or personal data."""

import io
import json
import logging
import sys
import types

import pytest

from hramada.core import logs


def test_the_formatter_writes_one_json_object_per_line():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "two\nlines from %s", ("a@b.org",), None)
    out = logs.JsonFormatter().format(record)
    assert "\n" not in out
    entry = json.loads(out)
    assert entry["level"] == "WARNING" and entry["logger"] == "x"
    assert entry["message"] == "two\nlines from [email]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 203.0.113.5 again", "from [ip] again"),
        ("client 2001:db8::1 here", "client [ip] here"),
        ("mapped ::ffff:192.0.2.1", "mapped [ip]"),
        ("mail ales.b+x@example.by sent", "mail [email] sent"),
        ("at 12:30:05, version 1.2.3", "at 12:30:05, version 1.2.3"),
    ],
)
def test_scrub_removes_addresses_and_keeps_the_rest(text, expected):
    assert logs.scrub(text) == expected


@pytest.mark.django_db
def test_the_access_line_names_the_route_and_never_the_address_path_or_query(client, settings):
    settings.LOG_REQUESTS = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("hramada.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        response = client.get(
            "/en/news/?q=someone@example.org",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            HTTP_X_REQUEST_ID="nginx-0123456789abcdef",
        )
        bad = client.get("/en/news/", HTTP_X_REQUEST_ID="evil\nforged line")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert response["X-Request-ID"] == "nginx-0123456789abcdef" == first["request_id"]
    assert bad["X-Request-ID"] != "evil\nforged line" and len(bad["X-Request-ID"]) == 32
    assert second["request_id"] == bad["X-Request-ID"]
    assert first["method"] == "GET" and first["status"] == 200 and first["route"] == "en/news/"
    assert first["view"] == "news:list"
    assert "203.0.113" not in text and "127.0.0.1" not in text and "example.org" not in text
    assert "?q=" not in text
    assert len(first["network"]) == 12


def test_sentry_is_skipped_without_its_package(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # "not installed"
    assert logs.init_sentry("https://key@errors.example.org/1", environment="production") is False
    assert "sentry-sdk is not installed" in caplog.text
    assert logs.init_sentry("", environment="production") is False


def test_sentry_never_sends_personal_data(monkeypatch):
    calls = {}
    sdk = types.ModuleType("sentry_sdk")
    sdk.init = lambda **kwargs: calls.update(kwargs)
    integrations = types.ModuleType("sentry_sdk.integrations")
    django_integration = types.ModuleType("sentry_sdk.integrations.django")
    django_integration.DjangoIntegration = lambda: "django"
    monkeypatch.setitem(sys.modules, "sentry_sdk", sdk)
    monkeypatch.setitem(sys.modules, "sentry_sdk.integrations", integrations)
    monkeypatch.setitem(sys.modules, "sentry_sdk.integrations.django", django_integration)
    assert logs.init_sentry("https://key@errors.example.org/1", environment="production") is True
    assert calls["send_default_pii"] is False
    event = {
        "user": {"ip_address": "203.0.113.5"},
        "request": {
            "query_string": "q=x",
            "cookies": {"sessionid": "s"},
            "headers": {"X-Forwarded-For": "1"},
        },
    }
    cleaned = calls["before_send"](event, {})
    assert "user" not in cleaned and "query_string" not in cleaned["request"]
    assert "cookies" not in cleaned["request"] and cleaned["request"]["headers"] == {}
