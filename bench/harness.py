"""Shared benchmark machinery: a throw-away PostgreSQL database, gunicorn, logged-in clients, load.

Every benchmark measures its target and a baseline in the same run on the same server, and reports
the ratio, because this machine (2 shared cores) is too noisy for absolute numbers to mean much.
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database() -> str:
    """Drop and create the bench database; return its DATABASE_URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


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
    """gunicorn with sync workers (the deployment DESIGN.md measured best on 2 cores)."""

    def __init__(self, database_url: str, workers: int = 2):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def session_cookies(users) -> list[str]:
    """A logged-in session (and a CSRF secret) per user, as a browser would hold after logging in."""
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(16)  # an unmasked 32-character secret is accepted in the header
        cookies.append((f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", csrf))
    return cookies


def drive(port: int, requests: list[tuple[str, str, str, str]], concurrency: int) -> dict:
    """Send (method, path, cookie, csrf) requests from ``concurrency`` keep-alive connections.

    Returns throughput and latency percentiles, and status counts. Each request is sent once.
    """
    lock = threading.Lock()
    queue = list(reversed(requests))
    latencies, statuses = [], {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                method, path, cookie, csrf = queue.pop()
            headers = {
                "Cookie": cookie,
                "X-CSRFToken": csrf,
                "Referer": f"http://127.0.0.1:{port}/",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            started = time.perf_counter()
            try:
                conn.request(method, path, body="" if method == "POST" else None, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = "error"
            elapsed = time.perf_counter() - started
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
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "statuses": statuses,
        "n": len(latencies),
    }
