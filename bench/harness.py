"""Shared benchmark machinery: throw-away PostgreSQL databases, gunicorn, logged-in clients, load,
alternating rounds and the checks every benchmark makes.

Every benchmark measures its target and a baseline in the same run on the same machine, and reports
the ratio, because this machine (2 shared cores) is too noisy for absolute numbers to mean much. Both
sides' answers are checked (status codes and what they stored); a failed check prints
``CHECK FAILED: ...`` and the script exits with status 1, after its ``RESULT`` line.
"""

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_DB", "hramada_bench")
REDIS_HOST_URL = os.environ.get("BENCH_REDIS_HOST", "redis://127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(name: str | None = None) -> str:
    """Drop and create the bench database (``BENCH_DB`` unless named); return its DATABASE_URL."""
    import psycopg

    name = name or DB_NAME
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fresh_redis(db: int) -> str:
    """Empty Redis database ``db`` (each benchmark has its own number); return its URL."""
    import redis

    url = f"{REDIS_HOST_URL}/{db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("HASH_KEY", "bench-hash-key")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Server:
    """gunicorn with sync workers (the deployment DESIGN.md measured best on 2 cores).

    By default it serves this project (``bench.wsgi``, the real settings plus the baseline view) on
    ``database_url``; ``python``, ``app``, ``cwd`` and ``env`` serve another project (the peer a
    benchmark compares with) with the same gunicorn settings. ``health`` is a path that answers 200
    once the server is up (within ``start_timeout`` seconds). ``worker_timeout`` is gunicorn's
    ``--timeout`` (its default, 30 s, unless a benchmark gives every side the same longer one).
    """

    def __init__(
        self,
        database_url: str | None = None,
        workers: int = 2,
        *,
        python: str | Path = sys.executable,
        app: str = "bench.wsgi:application",
        cwd: str | Path = ROOT,
        env: dict | None = None,
        health: str = "/healthz",
        health_headers: dict | None = None,
        start_timeout: float = 120,
        worker_timeout: int = 30,
    ):
        self.port = free_port()
        self.workers = workers
        if env is None:
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
            if database_url:
                env["DATABASE_URL"] = database_url
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                str(python),
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                str(worker_timeout),
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env,
        )
        deadline = time.time() + start_timeout  # a busy machine imports a large project slowly
        status = None
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", health, headers=health_headers or {})
                response = conn.getresponse()
                response.read()
                status = response.status
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn ({app}) did not start: {health} answered {status}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def session_cookies(users) -> list[tuple[str, str]]:
    """A logged-in session (and a CSRF secret) per user, as a browser would hold after logging in.

    The session is stored by the configured session engine (with ``REDIS_URL``: ``cached_db``, in
    Redis and the database, as in production), so the server reads it as it would a real login's.
    """
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(16)  # an unmasked 32-character secret is accepted in the header
        cookies.append((f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", csrf))
    return cookies


def send(port: int, items: list[dict], concurrency: int, keep_body: bool = False) -> dict:
    """Send each item (``method``, ``path``, ``headers``, optional ``body``) once from
    ``concurrency`` keep-alive connections.

    Each item gets its ``status`` (and ``response``, the body, with ``keep_body``). Returns throughput,
    latency percentiles, the count of each status and the wall time.
    """
    lock = threading.Lock()
    queue = list(reversed(items))
    latencies, statuses = [], {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                item = queue.pop()
            started = time.perf_counter()
            try:
                conn.request(item["method"], item["path"], body=item.get("body"), headers=item["headers"])
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, body = "error", b""
            elapsed = time.perf_counter() - started
            item["status"] = status
            if keep_body:
                item["response"] = body
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "statuses": statuses,
        "n": len(latencies),
        "wall": wall,
    }


def drive(port: int, requests: list[tuple[str, str, str, str]], concurrency: int, headers=None) -> dict:
    """Send (method, path, cookie, csrf) requests from ``concurrency`` keep-alive connections, with
    the same ``headers`` on each (optional); see ``send``. Each request is sent once."""
    items = []
    for method, path, cookie, csrf in requests:
        item_headers = {
            "Referer": f"http://127.0.0.1:{port}/",
            "Content-Type": "application/x-www-form-urlencoded",
            **(headers or {}),
        }
        if cookie:
            item_headers["Cookie"] = cookie
        if csrf:
            item_headers["X-CSRFToken"] = csrf
        items.append(
            {
                "method": method,
                "path": path,
                "headers": item_headers,
                "body": "" if method == "POST" else None,
            }
        )
    return send(port, items, concurrency)


def combined(results: list[dict]) -> dict:
    """Several ``send`` results as one: median throughput and p50, worst p99, summed counts."""
    statuses = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "rps": statistics.median(r["rps"] for r in results),
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
        "statuses": statuses,
        "n": sum(r["n"] for r in results),
        "wall": sum(r["wall"] for r in results),
    }


def alternate(sides: dict, rounds: int) -> dict[str, list[dict]]:
    """Run ``rounds`` rounds; in each, call every side once, in order (``sides``: name -> a function
    of the round's number returning a ``send`` result). Baseline and target then see the same
    machine: a burst of other work on the 2 shared cores spoils one round of both, not one side."""
    results = {name: [] for name in sides}
    for n in range(rounds):
        for name, run in sides.items():
            results[name].append(run(n))
    return results


def round_ratios(target: list[dict], baseline: list[dict]) -> list[float]:
    """Per round, target throughput / baseline throughput (``alternate``'s lists)."""
    return [t["rps"] / b["rps"] for t, b in zip(target, baseline, strict=True)]


class Checks:
    """What a benchmark asserts about both its sides; ``finish`` prints the failures and the RESULT
    line and exits with status 1 if any check failed (0 otherwise)."""

    def __init__(self):
        self.failures: list[str] = []

    def require(self, ok: bool, message: str) -> bool:
        if not ok:
            self.failures.append(message)
        return ok

    def statuses(self, label: str, results, allowed) -> bool:
        """Every request of ``results`` (one ``send`` result or a list of them) answered with a
        status in ``allowed``, and there was at least one request."""
        results = results if isinstance(results, list) else [results]
        counts = combined(results)["statuses"] if results else {}
        unexpected = {status: n for status, n in counts.items() if status not in set(allowed)}
        return self.require(
            bool(counts) and not unexpected,
            f"{label}: statuses {counts}, expected only {sorted(allowed)}",
        )

    def finish(self, result_line: str):
        for failure in self.failures:
            print(f"CHECK FAILED: {failure}")
        print(result_line, flush=True)
        sys.exit(1 if self.failures else 0)
