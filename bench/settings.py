"""Settings for benchmarks: the real settings plus a baseline view (bench/urls.py), DEBUG off.

With ``HRAMADA_ENV=production`` in the environment they are the production settings (bench/event_page.py
runs so). Two switches for benchmarks only: ``BENCH_STATIC_ROOT`` collects static files elsewhere than
the project's ``staticfiles/``, and ``BENCH_PAGE_CACHE=off`` replaces the public page cache with a
dummy, so every anonymous event page is rendered (the uncached page).
"""

import os

from hramada.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

# As in production: e-mails are queued as database rows for a worker, not sent inside the request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
if os.environ.get("BENCH_PAGE_CACHE") == "off":
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}  # noqa: F405
