"""Helpers for tests that prove concurrency guarantees with real simultaneous connections."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are proved on PostgreSQL")


def run_concurrently(fn, args_list):
    """Start one thread per args, release them together, return results/exceptions in thread order."""
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)
    language = translation.get_language()  # threads start with none active: use the test's

    def worker(i, args):
        try:
            translation.activate(language)
            barrier.wait()
            results[i] = fn(*args)
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
