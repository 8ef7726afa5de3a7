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


@pytest.fixture(scope="session", autouse=True)
def _redis_per_worker():
    """With pytest-xdist, each worker its own Redis database (see ``worker_redis_url``)."""
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    from hramada.core.tests.helpers import worker_redis_url, xdist_worker_index

    if not xdist_worker_index() or not django_settings.REDIS_URL:
        yield
        return
    url = worker_redis_url(django_settings.REDIS_URL)
    default = {**django_settings.CACHES["default"], "LOCATION": url}
    with override_settings(REDIS_URL=url, CACHES={**django_settings.CACHES, "default": default}):
        yield


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


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are skipped before their fixtures run when the database is not
    PostgreSQL: a transactional test would otherwise set up (and flush every table) only to skip."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="concurrency guarantees are proved on PostgreSQL")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
