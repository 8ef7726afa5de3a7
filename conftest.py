"""Test-wide guards: English UI, a clean cache, and no network except this machine's own services."""

import ipaddress
import socket

import pytest
from django.core.cache import caches
from django.utils import translation

_real_connect = socket.socket.connect


def _guarded_connect(sock, address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise RuntimeError(f"Tests must not open network connections (tried {address!r}).")
    return _real_connect(sock, address, *args, **kwargs)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for alias in settings.CACHES:
        caches[alias].clear()
    with translation.override("en"):
        yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
