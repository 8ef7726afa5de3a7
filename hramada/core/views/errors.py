"""Error pages that read nothing from the database (it may be the reason they are shown)."""

import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Django's 500 handler. A database that cannot be reached, or that gave up waiting for a lock or
    a slow statement (``lock_timeout``, ``statement_timeout``, SQLite's busy timeout), is not a bug:
    it is answered "503, busy, try again" with ``Retry-After``. Nothing was half-saved: the request's
    transaction was rolled back."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render(request, "core/errors/503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "core/errors/500.html", status=500)
