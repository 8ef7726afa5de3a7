"""Benchmark: our public event page (with its timetable) against pretix's public event page.

Both sides run as their documentation says to run them in production, on this machine, each under
gunicorn with the same number of sync workers (``--workers``, default 2):
  ours:   ``HRAMADA_ENV=production`` (DEBUG off, compressed static files collected into a temporary
          folder, secure cookies, HTTPS behind a proxy: requests carry ``X-Forwarded-Proto: https``),
          a fresh PostgreSQL database of its own (``hramada_bench_event_page``) with the demo data and
          Redis as the cache (``REDIS_URL``, its own Redis database). The page is the demo's March
          Meetings 2027 (two days, ten sessions, a Human Library). Two servers: one as deployed
          (anonymous visitors get the page cache's copy), one with the page cache replaced by a dummy
          (``BENCH_PAGE_CACHE=off``: every request renders the page, as the first visitor after a
          change does).
  pretix: installed with pip into bench/.pretix-venv (never a project dependency), configured in
          bench/.pretix-data/pretix.cfg as its installation guide does for production: PostgreSQL
          (database ``bench_pretix``, kept between runs) and Redis for the cache and sessions
          (``[redis] sessions=true``) and as Celery's broker. The page is an event with five products
          for sale. The first run migrates and builds pretix (several minutes); later runs reuse it.
After a warm-up, ``--rounds`` rounds each send ``--requests / rounds`` anonymous GETs to pretix, our
cached page and our uncached page in turn, so the shared machine's noise falls on all three alike;
each ratio is the median of the rounds' ratios.

Checks (status 1 if any fails): every response of every side is 200, and each page holds its event's
title.

    .venv/bin/python bench/event_page.py [--requests 2000] [--rounds 5] [--concurrency 8] [--workers 2]

The line before the last: our uncached page against pretix.
Last line: RESULT event_page <ours cached req/s> req/s baseline <pretix req/s> ratio <cached/pretix>
"""

import argparse
import http.client
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

PRETIX_VENV = HERE / ".pretix-venv"
PRETIX_DATA = HERE / ".pretix-data"
PRETIX_PY = PRETIX_VENV / "bin" / "python"
PRETIX_DB = os.environ.get("BENCH_PRETIX_DB", "bench_pretix")
PRETIX_REDIS_DB = int(os.environ.get("BENCH_PRETIX_REDIS_DB", "11"))
OUR_DB = os.environ.get("BENCH_DB", "hramada_bench_event_page")
OUR_REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "15"))
# gunicorn's --timeout for all three servers: pretix's first requests load much of pretix, which
# takes longer than gunicorn's default 30 s on a busy 2-core machine (the worker is killed and the
# request fails). The same for every side; the p99 latencies printed show how far below it they stay.
WORKER_TIMEOUT = 300
OUR_PATH, OUR_TITLE = "/en/events/march-meetings-2027/", b"March Meetings"
PRETIX_PATH, PRETIX_TITLE = "/bench/forum/", b"CSO March Meetings"

PRETIX_SEED = """
import datetime as dt, django
django.setup()
from django.utils import timezone
from django_scopes import scopes_disabled
from pretix.base.models import Event, Item, Organizer, Quota
with scopes_disabled():
    org, _ = Organizer.objects.get_or_create(slug="bench", defaults={"name": "Bench NGO"})
    event = Event.objects.filter(organizer=org, slug="forum").first()
    if event is None:
        start = timezone.now() + dt.timedelta(days=90)
        event = Event.objects.create(organizer=org, slug="forum", name="CSO March Meetings", currency="EUR",
                                     date_from=start, date_to=start + dt.timedelta(days=1), live=True,
                                     location="Minsk")
        quota = Quota.objects.create(event=event, name="Places", size=220)
        for name, price in [("Participant", 0), ("Participant with accommodation", 40), ("Master class", 10),
                            ("Human Library reader", 0), ("Fuck-Up Night", 5)]:
            item = Item.objects.create(event=event, name=name, default_price=price, active=True)
            quota.items.add(item)
print("seeded")
"""


def pretix_env():
    return {
        **os.environ,
        "PRETIX_CONFIG_FILE": str(PRETIX_DATA / "pretix.cfg"),
        "DJANGO_SETTINGS_MODULE": "pretix.settings",
    }


def pretix_config() -> str:
    """pretix.cfg as pretix's installation guide writes it for production, on this machine's
    PostgreSQL and Redis (cache, sessions and Celery's queue in one Redis database of its own; Celery
    keys and cache keys do not meet). No worker runs: a page view queues no task."""
    pg = harness.PG_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]  # user@host:port
    user, host_port = pg.split("@", 1)
    host, _, port = host_port.partition(":")
    redis = harness.REDIS_HOST_URL
    return (
        f"[pretix]\ninstance_name=bench\nurl=http://127.0.0.1\ndatadir={PRETIX_DATA / 'data'}\ncurrency=EUR\n\n"
        f"[database]\nbackend=postgresql\nname={PRETIX_DB}\nuser={user}\nhost={host}\nport={port or 5432}\n\n"
        f"[redis]\nlocation={redis}/{PRETIX_REDIS_DB}\nsessions=true\n\n"
        f"[celery]\nbackend={redis}/{PRETIX_REDIS_DB}\nbroker={redis}/{PRETIX_REDIS_DB}\n\n"
        "[mail]\nfrom=bench@example.org\n"
    )


def prepare_pretix():
    import psycopg

    if not PRETIX_PY.exists():
        print("pretix: installing into bench/.pretix-venv (first run only)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PRETIX_VENV)], check=True)  # noqa: S603
        subprocess.run([str(PRETIX_PY), "-m", "pip", "install", "-q", "pretix", "gunicorn"], check=True)  # noqa: S603
    (PRETIX_DATA / "data").mkdir(parents=True, exist_ok=True)
    (PRETIX_DATA / "pretix.cfg").write_text(pretix_config())
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PRETIX_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{PRETIX_DB}"')
    version = subprocess.run(  # noqa: S603
        [str(PRETIX_PY), "-c", "import pretix; print(pretix.__version__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"pretix {version}: migrate (first run: several minutes)...", flush=True)
    run = {"env": pretix_env(), "check": True, "capture_output": True, "cwd": PRETIX_DATA}
    subprocess.run([str(PRETIX_PY), "-m", "pretix", "migrate"], **run)  # noqa: S603
    marker = PRETIX_DATA / "built"
    if not marker.exists() or marker.read_text() != version:
        print("pretix: rebuild (static files; after an install or upgrade only)...", flush=True)
        subprocess.run([str(PRETIX_PY), "-m", "pretix", "rebuild"], **run)  # noqa: S603
        marker.write_text(version)
    subprocess.run([str(PRETIX_PY), "-c", PRETIX_SEED], **run)  # noqa: S603
    harness.fresh_redis(PRETIX_REDIS_DB)  # a cold cache, warmed below like ours
    return version


def prepare_ours(static_root: str) -> dict:
    """A fresh database with the demo data and collected static files; the servers' environment."""
    env = {
        **os.environ,
        "HRAMADA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HASH_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": harness.fresh_database(OUR_DB),
        "REDIS_URL": harness.fresh_redis(OUR_REDIS_DB),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": "consolemail://",
        "BENCH_STATIC_ROOT": static_root,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)  # noqa: S603
    subprocess.run([sys.executable, "manage.py", "load_demo"], **run)  # noqa: S603
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], **run)  # noqa: S603
    return env


def fetch(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per side, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, each side")
    args = parser.parse_args()

    version = prepare_pretix()
    static_root = tempfile.mkdtemp(prefix="hramada-bench-static-")
    servers = {}
    try:
        print("ours: fresh database, demo data, collectstatic...", flush=True)
        env = prepare_ours(static_root)
        https = {"X-Forwarded-Proto": "https"}  # what the reverse proxy in front adds
        sides = {
            "pretix": (PRETIX_PATH, PRETIX_TITLE, {}),
            "ours cached": (OUR_PATH, OUR_TITLE, https),
            "ours uncached": (OUR_PATH, OUR_TITLE, https),
        }
        servers["pretix"] = harness.Server(
            workers=args.workers,
            python=PRETIX_PY,
            app="pretix.wsgi",
            cwd=PRETIX_DATA,
            env=pretix_env(),
            health="/healthcheck/",
            start_timeout=600,
            worker_timeout=WORKER_TIMEOUT,
        )
        servers["ours cached"] = harness.Server(
            workers=args.workers,
            env=env,
            health_headers=https,
            start_timeout=600,
            worker_timeout=WORKER_TIMEOUT,
        )
        servers["ours uncached"] = harness.Server(
            workers=args.workers,
            env={**env, "BENCH_PAGE_CACHE": "off"},
            health_headers=https,
            start_timeout=600,
            worker_timeout=WORKER_TIMEOUT,
        )
        checks = harness.Checks()
        sizes = {}
        for name, (path, title, headers) in sides.items():
            status, body = fetch(servers[name].port, path, headers)
            sizes[name] = len(body)
            checks.require(
                status == 200 and title in body, f"{name}: {path} answered {status}, {len(body)} bytes"
            )

        def load(name, n):
            path, _title, headers = sides[name]
            items = [{"method": "GET", "path": path, "headers": headers} for _ in range(n)]
            return harness.send(servers[name].port, items, args.concurrency)

        warm = {name: load(name, 100) for name in sides}
        per_round = max(1, args.requests // args.rounds)
        rounds = harness.alternate(
            {name: (lambda n, name=name: load(name, per_round)) for name in sides}, args.rounds
        )
        _status, cached_again = fetch(servers["ours cached"].port, OUR_PATH, https)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    for name in sides:
        checks.statuses(f"{name} (warm-up)", warm[name], {200})
        checks.statuses(name, rounds[name], {200})
    checks.require(OUR_TITLE in cached_again, "ours cached: the page served after the run lacks the title")
    summary = {name: harness.combined(rs) for name, rs in rounds.items()}
    cached = harness.round_ratios(rounds["ours cached"], rounds["pretix"])
    uncached = harness.round_ratios(rounds["ours uncached"], rounds["pretix"])
    print(
        f"pretix {version}: PostgreSQL, Redis cache and sessions; ours: production settings, PostgreSQL, "
        f"Redis; {args.workers} gunicorn sync workers each, concurrency {args.concurrency}, "
        f"{args.rounds} rounds of {per_round} requests per side"
    )
    print("page size: " + ", ".join(f"{name} {size} bytes" for name, size in sizes.items()))
    for name, r in summary.items():
        print(
            f"{name:14} {r['rps']:6.1f} req/s (median of rounds), p50 {r['p50_ms']:.1f} ms, "
            f"p99 {r['p99_ms']:.1f} ms, statuses {r['statuses']}"
        )
    print("ratio per round, cached / pretix:   " + ", ".join(f"{x:.2f}" for x in cached))
    print("ratio per round, uncached / pretix: " + ", ".join(f"{x:.2f}" for x in uncached))
    print(
        f"uncached: ours {summary['ours uncached']['rps']:.1f} req/s baseline "
        f"{summary['pretix']['rps']:.1f} req/s ratio {statistics.median(uncached):.2f}"
    )
    checks.finish(
        f"RESULT event_page {summary['ours cached']['rps']:.1f} req/s baseline "
        f"{summary['pretix']['rps']:.1f} ratio {statistics.median(cached):.2f}"
    )


if __name__ == "__main__":
    main()
