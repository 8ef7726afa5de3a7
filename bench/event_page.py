"""Benchmark: our public event page (with its timetable) against pretix's public event page.

Both run in this one process tree on this machine, each under gunicorn with 2 sync workers and
SQLite, serving the page of an event with a programme: ours is the demo's March Meetings 2027
(two days, ten sessions, a Human Library), pretix's is an event with tickets for sale. pretix is
installed from the package index into bench/.pretix-venv (not a project dependency); the first run
migrates and rebuilds it (several minutes), later runs reuse bench/.pretix-data.

    .venv/bin/python bench/event_page.py [--requests 2000] [--concurrency 8]

Last line: RESULT event_page <ours req/s> req/s baseline <pretix req/s> ratio <ours/pretix>
"""

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

PRETIX_VENV = HERE / ".pretix-venv"
PRETIX_DATA = HERE / ".pretix-data"
PRETIX_PY = PRETIX_VENV / "bin" / "python"

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


def prepare_pretix():
    if not PRETIX_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PRETIX_VENV)], check=True)  # noqa: S603
        subprocess.run([str(PRETIX_PY), "-m", "pip", "install", "-q", "pretix", "gunicorn"], check=True)  # noqa: S603
    (PRETIX_DATA / "data").mkdir(parents=True, exist_ok=True)
    cfg = PRETIX_DATA / "pretix.cfg"
    if not cfg.exists():
        cfg.write_text(
            f"[pretix]\ninstance_name=bench\nurl=http://127.0.0.1\ndatadir={PRETIX_DATA / 'data'}\ncurrency=EUR\n\n"
            "[database]\nbackend=sqlite3\n\n[mail]\nfrom=bench@example.org\n"
        )
    marker = PRETIX_DATA / "ready"
    if not marker.exists():
        print("pretix: migrate and rebuild (first run only, several minutes)...", flush=True)
        subprocess.run(
            [str(PRETIX_PY), "-m", "pretix", "migrate"], env=pretix_env(), check=True, capture_output=True
        )  # noqa: S603
        subprocess.run(
            [str(PRETIX_PY), "-m", "pretix", "rebuild"], env=pretix_env(), check=True, capture_output=True
        )  # noqa: S603
        marker.write_text("ok")
    subprocess.run([str(PRETIX_PY), "-c", PRETIX_SEED], env=pretix_env(), check=True, cwd=PRETIX_DATA)  # noqa: S603


def start_gunicorn(python, app, env, cwd):
    port = harness.free_port()
    proc = subprocess.Popen(  # noqa: S603
        [
            str(python),
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=cwd,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def page_bytes(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status, body[:300])
    return len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    prepare_pretix()

    # Ours: a fresh SQLite database with the demo data, served by gunicorn like pretix.
    db = HERE / ".event-page.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"], env=env, cwd=ROOT, check=True, capture_output=True
    )  # noqa: S603

    ours, ours_port = start_gunicorn(sys.executable, "bench.wsgi:application", env, ROOT)
    theirs, pretix_port = start_gunicorn(PRETIX_PY, "pretix.wsgi", pretix_env(), PRETIX_DATA)
    try:
        our_path, their_path = "/en/events/march-meetings-2027/", "/bench/forum/"
        sizes = (page_bytes(ours_port, our_path), page_bytes(pretix_port, their_path))
        for port, path in ((ours_port, our_path), (pretix_port, their_path)):
            harness.drive(port, [("GET", path, "", "")] * 100, args.concurrency)  # warm up
        results = {}
        for _round in range(2):  # alternate to spread the machine's noise over both
            for name, port, path in (("ours", ours_port, our_path), ("pretix", pretix_port, their_path)):
                r = harness.drive(port, [("GET", path, "", "")] * (args.requests // 2), args.concurrency)
                results.setdefault(name, []).append(r)
    finally:
        for proc in (ours, theirs):
            proc.terminate()
            proc.wait(10)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def summary(rs):
        return sum(r["rps"] for r in rs) / len(rs), max(r["p99_ms"] for r in rs), rs[0]["statuses"]

    ours_rps, ours_p99, ours_status = summary(results["ours"])
    pretix_rps, pretix_p99, pretix_status = summary(results["pretix"])
    print(f"page size: ours {sizes[0]} bytes, pretix {sizes[1]} bytes")
    print(f"ours:   {ours_rps:.0f} req/s, p99 {ours_p99:.1f} ms, statuses {ours_status}")
    print(f"pretix: {pretix_rps:.0f} req/s, p99 {pretix_p99:.1f} ms, statuses {pretix_status}")
    print(
        f"RESULT event_page {ours_rps:.0f} req/s baseline {pretix_rps:.0f} req/s ratio {ours_rps / pretix_rps:.2f}"
    )


if __name__ == "__main__":
    main()
