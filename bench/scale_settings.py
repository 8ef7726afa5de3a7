"""Settings for bench/scale.py's app servers: the real settings, as production runs them (the script sets
``HRAMADA_ENV=production`` and the variables production requires), with the static files collected into
the script's temporary folder (``BENCH_STATIC_ROOT``) instead of the project's ``staticfiles/``, with hashed names as in production but not compressed
(whitenoise's compression takes minutes on a busy 2-core machine and changes nothing the benchmark
measures: nginx serves the static files, the pages only name them)."""

import os

from hramada.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
