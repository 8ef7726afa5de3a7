"""Scale-out on one machine: one app server, then two behind nginx, then two with faults; nothing lost.

Starts on loopback, in a temporary folder, everything a scaled-out deployment has (docs/deploy.md):
  - a PostgreSQL 15 primary and a streaming standby made with pg_basebackup (Debian's binaries, their
    own data folders and ports, run as the ``postgres`` user when this script runs as root);
  - Redis (its own redis-server on a free port): cache, sessions, rate limits and the RQ queue;
  - an RQ worker (``manage.py rqworker``) running the background tasks (TASK_BACKEND=django_tasks_rq);
  - two gunicorn app servers (sync workers) with the production settings (HRAMADA_ENV=production,
    DATABASE_URL on the primary, DATABASE_REPLICA_URL on the standby) behind nginx (its own nginx.conf;
    nginx plays the TLS-terminating proxy: it sends ``X-Forwarded-Proto: https``; the load generator
    plays the balancer in front of it, so TRUSTED_PROXY_COUNT=2 and each visitor has its own address);
and seeds a contest with an open public vote (frozen rules) and an event with limited places.

Then locust (headless, no pause between requests) drives a bounded mixed load: visitors browse public
pages, vote (logged in, with a proof-of-work challenge fetched from the server and solved beforehand,
as the vote widget does, and sent as the widget sends it) and register for the event. Three phases:
  one:    nginx sends everything to app server A;
  two:    nginx balances over A and B;
  faults: as ``two``, but B is killed with SIGKILL (its whole process group) and restarted, then the
          primary PostgreSQL is restarted (pg_ctl restart -m fast).
Reported per phase: throughput, errors (status 5xx or no answer), CPU per request of each part (from
/proc/<pid>/stat of its processes); in the fault phase the errors are counted per window (a fault's
window lasts until it is repaired plus a few seconds).

Checks (exit status 1 if any fails, after the RESULT line):
  - no error in the phases without faults, nor in the fault phase outside the fault windows;
  - every acknowledged vote (its receipt code) is stored exactly once; no (voter, project) twice; the
    counted votes are the acknowledged ones plus at most the ones whose answer was lost in a fault;
    each project's counter equals its counted votes and the vote log's accepted rows equal them too;
  - every acknowledged registration is stored exactly once, nobody twice; the event's counter equals its
    confirmed registrations, never above the places;
  - the standby caught up: its replay position reaches the primary's pg_current_wal_lsn() and it holds
    the same number of votes and registrations;
  - the RQ queue is drained and the task outbox is empty: every e-mail task ran (the tasks that failed
    because the primary restarted under them are handed over again by the outbox relay, core.tasks).
Everything started is stopped at the end, also on failure or Ctrl-C.

    .venv/bin/python bench/scale.py [--phase-seconds 20] [--rounds 2] [--fault-seconds 60] [--users 24] [--keep]

About 4-5 minutes on the 2-core development machine (255 s in the run of 5 December 2026); root runs
PostgreSQL as the `postgres` user (initdb refuses root). Needs nginx and redis-server (Debian packages).

Last line: RESULT scale <req/s with 2 servers> req/s baseline <req/s with 1 server> ratio <two/one>
(on 2 cores no gain is possible: the goal is a ratio of at least 0.9, i.e. no loss from the second server)
"""

import argparse
import contextlib
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

ROOT = harness.ROOT
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent
GOAL = 0.9
WEIGHTS = {"browse": 8, "vote": 1, "register": 1}  # the mix of a vote day: mostly people reading
GRACE = 5.0  # seconds after a fault is repaired that still count as its window
TICKS = os.sysconf("SC_CLK_TCK")
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
]


def log(message: str):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL binds: TIME_WAIT is no owner
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_http(port: int, path: str, timeout: float, headers=None) -> bool:
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


# --- Processes ------------------------------------------------------------------------------------------


class Cluster:
    """Everything the script starts, so that ``stop`` ends all of it (each in its own process group)."""

    def __init__(self, tmp: Path, as_postgres: bool):
        self.tmp = tmp
        self.as_postgres = as_postgres
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_started: list[Path] = []

    # PostgreSQL ---------------------------------------------------------------------------------------
    def pg(self, *argv, check=True, **kwargs):
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(
            [*prefix, *map(str, argv)], check=check, capture_output=True, text=True, **kwargs
        )  # noqa: S603

    def pg_ctl(self, data: Path, action: str, *extra):
        return self.pg(
            PG_BIN / "pg_ctl", "-D", data, "-l", data.parent / f"{data.name}.log", "-w", *extra, action
        )

    def start_primary(self, data: Path, port: int):
        self.pg(PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\n# bench/scale.py\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{self.tmp / 'sock'}'\nwal_level = replica\nmax_wal_senders = 4\n"
                "hot_standby = on\nwal_keep_size = 512MB\nmax_connections = 100\nshared_buffers = 128MB\n"
            )
        self.pg_ctl(data, "start")
        self.pg_started.append(data)

    def start_standby(self, data: Path, primary_port: int, port: int):
        self.pg(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres",
            "-D", data, "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {port}\n")
        self.pg_ctl(data, "start")
        self.pg_started.append(data)

    # Other processes ----------------------------------------------------------------------------------
    def spawn(self, name: str, argv, env=None, cwd=ROOT) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process's end
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(a) for a in argv],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig=signal.SIGTERM, wait: float = 10):
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self):
        for name in reversed(list(self.procs)):  # the last started first: the load, nginx, ..., Redis
            try:
                self.kill(name)
            except Exception as exc:  # noqa: BLE001 - stop the rest whatever happens
                print(f"stopping {name}: {exc}", file=sys.stderr)
        for data in reversed(self.pg_started):
            try:
                self.pg(PG_BIN / "pg_ctl", "-D", data, "-w", "-m", "fast", "stop", check=False)
            except Exception as exc:  # noqa: BLE001
                print(f"stopping PostgreSQL {data}: {exc}", file=sys.stderr)


def descendants(roots: list[int]) -> list[int]:
    """``roots`` and all their descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [r for r in roots if r]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(roots: list[int]) -> dict[int, int]:
    """utime+stime (and the reaped children's) per process of the trees under ``roots``."""
    ticks = {}
    for pid in descendants(roots):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after ")": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        ticks[pid] = sum(int(x) for x in fields[11:15])
    return ticks


def cpu_seconds(before: dict[int, int], after: dict[int, int]) -> float:
    return sum(max(0, t - before.get(pid, 0)) for pid, t in after.items()) / TICKS


# --- Seeding --------------------------------------------------------------------------------------------


def seed(args):
    """A contest with an open public vote and an event with limited places; voters and attendees."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from hramada.contests.models import Category, Contest, Edition, Project, Stage
    from hramada.events.models import Event
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person, User
    from hramada.places.services import sync_regions
    from hramada.voting import services
    from hramada.voting.models import VotingRules
    from hramada.voting.selectors import rules_fingerprint

    sync_regions(country_codes=["BY"])
    now = timezone.now()
    org = Organisation.objects.create(name="Scale", name_en="Scale", slug="scale", kind="ngo", country_id=1)
    contest = Contest.objects.create(
        organisation=org, title="Social Weekend", title_en="Social Weekend", slug="sw"
    )
    edition = Edition.objects.create(
        contest=contest,
        year=2026,
        title="Scale 2026",
        title_en="Scale 2026",
        published_at=now - timedelta(days=1),
    )
    stage = Stage.objects.create(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
    )
    rules = VotingRules(stage=stage, votes_per_category=3, format_version=2)
    rules.fingerprint = rules_fingerprint(rules)
    rules.save()
    services.freeze_rules(stage=stage)
    projects = []
    for c in range(4):
        category = Category.objects.create(
            edition=edition, title=f"Category {c}", title_en=f"Category {c}", order=c
        )
        projects += [
            Project.objects.create(
                edition=edition,
                category=category,
                title=f"Project {c}.{p}",
                summary="A social project.",
                status=Project.Status.ELIGIBLE,
            )
            for p in range(6)
        ]
    start = now + timedelta(days=30)
    event = Event.objects.create(
        organisation=org,
        title="Forum",
        title_en="Forum",
        slug="forum",
        status="published",
        starts_at=start,
        ends_at=start + timedelta(days=1),
        capacity=args.places,
    )
    total = args.voters + args.attendees
    users = User.objects.bulk_create(
        [
            User(email=f"v{i}@example.org", password="!", date_joined=now - timedelta(days=30 + i % 300))  # noqa: S106
            for i in range(total)
        ]
    )
    Person.objects.bulk_create(
        [Person(user=u, display_name=f"Visitor {i}", email=u.email) for i, u in enumerate(users)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    users = list(User.objects.order_by("pk"))
    return stage, edition, projects, event, users[: args.voters], users[args.voters :]


def sessions(users) -> list[tuple[str, str]]:
    """A logged-in session and a CSRF secret per user (the cookies a browser holds after logging in)."""
    from django.conf import settings
    from django.test import Client

    out = []
    for user in users:
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(16)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        out.append((f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={csrf}", csrf))
    return out


def address(n: int) -> str:
    """Visitor n's address: four visitors per /24 network (a village or office behind one router)."""
    net = n // 4
    return f"100.{64 + net // 256 % 64}.{net % 256}.{2 + n % 4}"


# --- The run --------------------------------------------------------------------------------------------


def nginx_conf(tmp: Path, port: int, upstreams: list[int], static_root: Path) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in upstreams)
    temp = tmp / "nginx-tmp"
    return f"""# bench/scale.py: nginx in front of the app servers, as docs/deploy.md sets it up (no TLS on loopback)
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  upstream app {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location /static/ {{ alias {static_root}/; }}
    location / {{
      proxy_pass http://app;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      # A request that never reached a server (refused connection) goes to the other one; one that
      # did is never sent twice (POST is not idempotent).
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


def main():  # noqa: PLR0912, PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phase-seconds", type=int, default=20, help="length of each 'one' and 'two' phase")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of 'one' then 'two'")
    parser.add_argument("--fault-seconds", type=int, default=60, help="length of the fault phase")
    parser.add_argument("--users", type=int, default=24, help="locust users (concurrent visitors)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app server")
    parser.add_argument("--votes", type=int, default=1200, help="prepared votes (each sent at most once)")
    parser.add_argument("--registrations", type=int, default=1000, help="prepared registrations")
    parser.add_argument("--places", type=int, default=300, help="places of the event")
    parser.add_argument("--pg-port", type=int, default=55432, help="primary; the standby gets the next port")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) at the end")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    args.voters, args.attendees = args.votes, args.registrations
    rng = random.Random(args.seed)
    started_all = time.time()

    for tool in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (PG_BIN / tool).exists():
            sys.exit(f"{PG_BIN / tool} is missing: apt-get install postgresql-15")
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: apt-get install nginx redis-server")
    if not (VENV_BIN / "locust").exists():
        sys.exit("locust is missing: make install (it is in the dev extra)")
    pg_port, standby_port = args.pg_port, args.pg_port + 1
    for p in (pg_port, standby_port):
        if not port_free(p):
            sys.exit(f"port {p} is taken: choose another with --pg-port")

    tmp = Path(tempfile.mkdtemp(prefix="hramada-scale-"))
    tmp.chmod(0o755)
    as_postgres = os.geteuid() == 0
    (tmp / "pg").mkdir()
    (tmp / "sock").mkdir()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx-tmp" / name).mkdir(parents=True)
    (tmp / "nginx-tmp").chmod(0o777)
    if as_postgres:
        shutil.chown(tmp / "pg", "postgres", "postgres")
        shutil.chown(tmp / "sock", "postgres", "postgres")
    cluster = Cluster(tmp, as_postgres)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    failures: list[str] = []
    try:
        result = run(args, rng, tmp, cluster, pg_port, standby_port, failures)
    except KeyboardInterrupt:
        print("interrupted: stopping everything", flush=True)
        result = None
    finally:
        log("stopping the app servers, worker, nginx, Redis and PostgreSQL")
        cluster.stop()
        if args.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if result is None:
        sys.exit(130)
    print(f"total time {time.time() - started_all:.0f} s")
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    one, two = result
    print(f"RESULT scale {two:.0f} req/s baseline {one:.0f} req/s ratio {two / one:.2f}", flush=True)
    sys.exit(1 if failures else 0)


def run(args, rng, tmp, cluster, pg_port, standby_port, failures):  # noqa: PLR0912, PLR0915
    primary, standby = tmp / "pg" / "primary", tmp / "pg" / "standby"
    log(f"PostgreSQL primary on {pg_port}, standby on {standby_port} ({tmp})")
    cluster.start_primary(primary, pg_port)
    cluster.pg(
        PG_BIN / "psql", "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-c", "CREATE DATABASE hramada"
    )
    cluster.start_standby(standby, pg_port, standby_port)
    redis_port = harness.free_port()
    cluster.spawn(
        "redis",
        ["redis-server", "--port", redis_port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )
    static_root = tmp / "static"
    database_url = f"postgres://postgres@127.0.0.1:{pg_port}/hramada"
    replica_url = f"postgres://postgres@127.0.0.1:{standby_port}/hramada"
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "HRAMADA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HASH_KEY": secrets.token_urlsafe(40),
        "CREDENTIAL_SIGNING_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": replica_url,
        "REDIS_URL": redis_url,
        "TASK_BACKEND": "django_tasks_rq.RQBackend",
        "TASK_OUTBOX_RETRY_AFTER": "5",  # the relay hands failed tasks over again after 5 s, 10 s, 20 s...
        "EMAIL_URL": "consolemail://",
        "TRUSTED_PROXY_COUNT": "2",
        "LOG_REQUESTS": "false",
        "BENCH_STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "bench.scale_settings",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    log("migrate")
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    log("collectstatic")
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603

    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse
    from django.utils import translation

    replica_on = "replica" in settings.DATABASES and bool(getattr(settings, "DATABASE_ROUTERS", []))
    log("seeding: contest with an open vote, event with limited places, visitors with sessions")
    stage, edition, projects, event, voters, attendees = seed(args)
    voter_cookies, attendee_cookies = sessions(voters), sessions(attendees)
    with translation.override("en"):
        browse_paths = [
            "/",
            reverse("contests:list"),
            reverse("contests:edition", args=[edition.contest.slug, edition.public_id]),
            reverse("events:list"),
            reverse("events:detail", args=[event.slug]),
            *[reverse("contests:project", args=[p.public_id]) for p in projects[::3]],
        ]
        challenge_path = reverse("voting:challenge")
        register_path = reverse("events:register", args=[event.slug])
        vote_paths = {p.pk: reverse("voting:cast", args=[p.public_id]) for p in projects}
        pages = {p.pk: reverse("contests:project", args=[p.public_id]) for p in projects}

    # The app servers, the worker and nginx --------------------------------------------------------------
    app_ports = {"A": harness.free_port(), "B": harness.free_port()}
    nginx_port = harness.free_port()
    https = {"X-Forwarded-Proto": "https"}

    def start_app(name):
        cluster.spawn(
            f"app{name}",
            [
                VENV_BIN / "gunicorn", "hramada.wsgi:application", "--bind", f"127.0.0.1:{app_ports[name]}",
                "--workers", args.workers, "--worker-class", "sync", "--timeout", "30", "--log-level", "warning",
            ],
            env=env,
        )  # fmt: skip
        if not wait_http(app_ports[name], "/readyz", 120, https):
            raise RuntimeError(f"app server {name} did not start (see {tmp}/app{name}.log)")

    def set_upstreams(names):
        (tmp / "nginx.conf").write_text(
            nginx_conf(tmp, nginx_port, [app_ports[n] for n in names], static_root)
        )
        if "nginx" in cluster.procs:
            os.kill(cluster.procs["nginx"].pid, signal.SIGHUP)
            time.sleep(1.5)  # the old worker finishes its requests, the new one takes over

    log("app servers A and B (gunicorn), RQ worker, nginx")
    cluster.spawn("rqworker", [*manage, "rqworker", "--job-class", "django_tasks_rq.Job", "default"], env=env)
    start_app("A")
    start_app("B")
    set_upstreams(["A"])
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cluster.spawn("nginx", [nginx, "-c", tmp / "nginx.conf", "-e", tmp / "nginx-error.log"])
    if not wait_http(nginx_port, "/readyz", 20):
        raise RuntimeError(f"nginx did not start (see {tmp}/nginx.log)")

    # Votes: fetch each voter's challenge through nginx and solve it beforehand (not timed) -------------
    def visitor_headers(n, cookie=None, csrf=None):
        h = {
            "X-Forwarded-For": address(n),
            "User-Agent": USER_AGENTS[n % len(USER_AGENTS)],
            "Referer": f"https://127.0.0.1:{nginx_port}/",
        }
        if cookie:
            h.update({"Cookie": cookie, "X-CSRFToken": csrf})
        return h

    votes = []
    for v, (cookie, csrf) in enumerate(voter_cookies):
        project = rng.choice(projects)
        votes.append({"voter": v, "project": project.pk, "headers": visitor_headers(v, cookie, csrf)})
    log(f"fetching and solving {len(votes)} vote challenges (2 processes)")
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from hramada.contests.models import Project
    from hramada.voting import antifraud

    public_ids = dict(Project.objects.values_list("pk", "public_id"))
    fetch = [
        {
            "method": "GET",
            "path": f"{challenge_path}?project={public_ids[v['project']]}",
            "headers": v["headers"],
        }
        for v in votes
    ]
    fetched = harness.send(nginx_port, fetch, 8, keep_body=True)
    if fetched["statuses"] != {200: len(fetch)}:
        raise RuntimeError(f"challenge fetch statuses {fetched['statuses']}")
    connections.close_all()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        payloads = list(pool.map(antifraud.solve, [json.loads(f["response"]) for f in fetch], chunksize=64))
    for n, (v, payload) in enumerate(zip(votes, payloads, strict=True)):
        v.update(
            key=f"v{n}",
            path=vote_paths[v["project"]],
            headers={
                **v["headers"],
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "HX-Target": "vote",
            },
            body=urlencode({"next": pages[v["project"]], "altcha": payload}),
        )
    registrations = [
        {
            "key": f"r{n}",
            "person": n,
            "path": register_path,
            "headers": {
                **visitor_headers(args.voters + n, cookie, csrf),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": "",
        }
        for n, (cookie, csrf) in enumerate(attendee_cookies)
    ]
    browse = [
        {
            "path": path,
            "headers": {**visitor_headers(10_000 + n), "Accept-Language": ("be", "ru", "en")[n % 3]},
        }
        for n, path in enumerate(browse_paths * 20)
    ]

    # The phases ----------------------------------------------------------------------------------------
    def roots(names):
        pids = [cluster.procs[n].pid for n in names if n in cluster.procs and cluster.procs[n].poll() is None]
        return pids

    def pg_roots():
        pids = []
        for data in (primary, standby):
            with contextlib.suppress(OSError, ValueError, IndexError):
                pids.append(int((data / "postmaster.pid").read_text().split()[0]))
        return pids

    def sample():
        return {
            "app": cpu_ticks(roots(["appA", "appB"])),
            "postgres": cpu_ticks(pg_roots()),
            "redis": cpu_ticks(roots(["redis"])),
            "rqworker": cpu_ticks(roots(["rqworker"])),
            "nginx": cpu_ticks(roots(["nginx"])),
        }

    phases = {}
    sent = {"votes": [], "registrations": []}

    # Each phase gets its share of the prepared writes, in proportion to its length, so every phase sees
    # the same mix as long as its share lasts (then its visitors only browse: the "kinds" column shows it).
    total_seconds = 2 * args.rounds * args.phase_seconds + args.fault_seconds
    shares = {"v": 0, "r": 0}

    def share(items, kind, seconds):
        n = len(items) * seconds // total_seconds
        part = items[shares[kind] : shares[kind] + n]
        shares[kind] += n
        return part

    def phase(name, seconds, upstreams, faults=None):
        set_upstreams(upstreams)
        plan_votes, plan_regs = share(votes, "v", seconds), share(registrations, "r", seconds)
        plan = tmp / f"plan-{name}.json"
        out = tmp / f"out-{name}.jsonl"
        plan.write_text(
            json.dumps(
                {
                    "votes": plan_votes,
                    "registrations": plan_regs,
                    "browse": browse,
                    "weights": WEIGHTS,
                }
            )
        )
        log(f"phase {name}: {seconds} s, {args.users} users, app servers {'+'.join(upstreams)}")
        before = sample()
        loadgen = cluster.spawn(
            f"locust-{name}",
            [
                VENV_BIN / "locust", "-f", ROOT / "bench" / "scale_locust.py", "--headless", "--only-summary",
                "-u", args.users, "-r", args.users, "--run-time", f"{seconds}s", "--stop-timeout", "5",
                "--host", f"http://127.0.0.1:{nginx_port}", "--loglevel", "WARNING",
            ],
            env={**os.environ, "SCALE_PLAN": str(plan), "SCALE_OUT": str(out)},
        )  # fmt: skip
        t0 = time.time()
        windows = faults(t0) if faults else []
        # wait4 gives the load generator's own CPU time (it competes with the servers for the cores).
        _pid, status, usage = os.wait4(loadgen.pid, 0)
        loadgen.returncode = os.waitstatus_to_exitcode(status)
        after = sample()
        lines = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
        if not lines:
            raise RuntimeError(f"locust recorded nothing in phase {name} (see {tmp}/locust-{name}.log)")
        first, last = min(x["t"] for x in lines), max(x["t"] for x in lines)
        by_key = {x["key"]: x for x in lines if "key" in x}
        sent["votes"] += [dict(v, outcome=by_key[v["key"]]) for v in plan_votes if v["key"] in by_key]
        sent["registrations"] += [dict(r, outcome=by_key[r["key"]]) for r in plan_regs if r["key"] in by_key]
        errors = [x for x in lines if x["status"] == 0 or x["status"] >= 500]
        kinds = {}
        for x in lines:
            kinds[x["kind"]] = kinds.get(x["kind"], 0) + 1
        result = {
            "rps": len(lines) / max(0.001, last - first),
            "n": len(lines),
            "kinds": kinds,
            "errors": errors,
            "windows": windows,
            "cpu": {part: cpu_seconds(before[part], after[part]) for part in before},
            "loadgen_cpu": usage.ru_utime + usage.ru_stime,
            "seconds": last - first,
        }
        phases[name] = result
        return result

    def faults(t0):
        """Kill app server B (SIGKILL, its whole process group) and start it again; restart the primary."""
        windows = []
        kill_at, pg_at = args.fault_seconds * 0.15, args.fault_seconds * 0.55
        time.sleep(max(0, t0 + kill_at - time.time()))
        start = time.time()
        log("fault: SIGKILL app server B (master and workers)")
        cluster.kill("appB", signal.SIGKILL)
        time.sleep(3)
        log("repair: starting app server B again")
        start_app("B")
        windows.append(("app server B killed and restarted", start, time.time() + GRACE))
        time.sleep(max(0, t0 + pg_at - time.time()))
        start = time.time()
        log("fault: restarting the primary PostgreSQL (pg_ctl restart -m fast)")
        cluster.pg(
            PG_BIN / "pg_ctl",
            "-D",
            primary,
            "-l",
            primary.parent / "primary.log",
            "-w",
            "-m",
            "fast",
            "restart",
        )
        windows.append(("primary PostgreSQL restarted", start, time.time() + GRACE))
        log("repair: primary back")
        return windows

    # Warm both servers (imports, templates, each process's page cache) before measuring anything.
    set_upstreams(["A", "B"])
    warm = harness.send(nginx_port, [{"method": "GET", **b} for b in browse * 4], 8)
    if not set(warm["statuses"]) <= {200, 302}:  # "/" redirects to the visitor's language
        raise RuntimeError(f"warm-up statuses {warm['statuses']}")
    # One and two servers alternate, so a burst of other work on the shared cores spoils a round of both.
    for r in range(1, args.rounds + 1):
        phase(f"one-{r}", args.phase_seconds, ["A"])
        phase(f"two-{r}", args.phase_seconds, ["A", "B"])
    phase("faults", args.fault_seconds, ["A", "B"], faults)

    # Checks ---------------------------------------------------------------------------------------------
    log("checking what was stored")
    connections.close_all()
    check(args, failures, phases, sent, stage, event, cluster, primary, pg_port, standby_port, redis_url)
    configs = report(args, phases, replica_on)
    return configs["one"]["rps"], configs["two"]["rps"]


def check(args, failures, phases, sent, stage, event, cluster, primary, pg_port, standby_port, redis_url):  # noqa: PLR0913, PLR0915
    import psycopg
    from django.db.models import Count, Sum

    from hramada.contests.models import Project
    from hramada.events.models import Registration, RegistrationStatus
    from hramada.voting.models import Vote, VoteLog
    from hramada.voting.selectors import receipt_hash

    # Errors only inside the fault windows.
    for name, p in phases.items():
        outside = [
            e for e in p["errors"] if not any(e["t"] <= b and e["end"] >= a for _w, a, b in p["windows"])
        ]
        if outside:
            statuses = sorted({str(e["status"]) for e in outside})
            failures.append(f"phase {name}: {len(outside)} errors outside any fault (statuses {statuses})")

    # Votes.
    counted = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True, annulled_at__isnull=True)
    hashes = dict(counted.values_list("receipt_hash").annotate(n=Count("id")))
    acked = [v for v in sent["votes"] if v["outcome"]["status"] == 200 and v["outcome"].get("receipt")]
    lost = [v for v in sent["votes"] if v["outcome"]["status"] == 0 or v["outcome"]["status"] >= 500]
    refused = len(sent["votes"]) - len(acked) - len(lost)
    missing = sum(1 for v in acked if hashes.get(receipt_hash(v["outcome"]["receipt"]), 0) != 1)
    n_counted = counted.count()
    doubled = counted.values("voter_hash", "project").annotate(n=Count("id")).filter(n__gt=1).count()
    per_project = dict(counted.values_list("project").annotate(n=Count("id")))
    wrong_counters = [
        (pk, c) for pk, c in Project.objects.filter(edition=stage.edition).values_list("pk", "vote_count")
        if c != per_project.get(pk, 0)
    ]  # fmt: skip
    counters = Project.objects.filter(edition=stage.edition).aggregate(s=Sum("vote_count"))["s"] or 0
    logged = VoteLog.objects.filter(stage=stage, outcome=VoteLog.Outcome.ACCEPTED).count()
    print(
        f"votes: sent {len(sent['votes'])}, acknowledged {len(acked)}, refused {refused}, no answer or 5xx "
        f"{len(lost)}; counted {n_counted}, counters {counters}, vote log {logged}"
    )
    if missing:
        failures.append(f"{missing} acknowledged votes are not stored exactly once (by receipt)")
    if doubled:
        failures.append(f"{doubled} (voter, project) pairs counted twice")
    if not len(acked) <= n_counted <= len(acked) + len(lost):
        failures.append(f"counted votes {n_counted}, acknowledged {len(acked)}, unanswered {len(lost)}")
    if wrong_counters or counters != n_counted or logged != n_counted:
        failures.append(
            f"counters {counters} / vote log {logged} / counted {n_counted}; wrong {wrong_counters[:5]}"
        )
    if refused:
        failures.append(f"{refused} honest votes were refused")

    # Registrations.
    regs = Registration.objects.filter(event=event)
    people = dict(regs.values_list("person__user__email").annotate(n=Count("id")))
    acked_r = [r for r in sent["registrations"] if r["outcome"]["status"] == 302 and r["outcome"].get("ack")]
    lost_r = [
        r for r in sent["registrations"] if r["outcome"]["status"] == 0 or r["outcome"]["status"] >= 500
    ]
    emails = {f"v{args.voters + r['person']}@example.org" for r in acked_r}
    stored_once = sum(1 for e in emails if people.get(e) == 1)
    total = regs.count()
    confirmed = regs.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = regs.filter(status=RegistrationStatus.WAITLISTED).count()
    event.refresh_from_db()
    print(
        f"registrations: sent {len(sent['registrations'])}, acknowledged {len(acked_r)}, no answer or 5xx "
        f"{len(lost_r)}; stored {total} ({confirmed} confirmed, {waiting} waiting), counter "
        f"{event.confirmed_count}, places {event.capacity}"
    )
    if stored_once != len(emails) or max(people.values(), default=0) > 1:
        failures.append(f"{len(emails) - stored_once} acknowledged registrations not stored exactly once")
    if not len(acked_r) <= total <= len(acked_r) + len(lost_r):
        failures.append(
            f"stored registrations {total}, acknowledged {len(acked_r)}, unanswered {len(lost_r)}"
        )
    if event.confirmed_count != confirmed or confirmed > event.capacity:
        failures.append(
            f"event counter {event.confirmed_count}, confirmed rows {confirmed}, places {event.capacity}"
        )
    if confirmed + waiting != total:
        failures.append(f"{total - confirmed - waiting} registrations neither confirmed nor waiting")

    # The standby caught up.
    primary_url = f"postgres://postgres@127.0.0.1:{pg_port}/hramada"
    standby_url = f"postgres://postgres@127.0.0.1:{standby_port}/hramada"
    with psycopg.connect(primary_url, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline, caught, replay = time.time() + 60, False, None
    with psycopg.connect(standby_url, autocommit=True) as conn:
        while time.time() < deadline:
            caught, replay = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, pg_last_wal_replay_lsn()", [target]
            ).fetchone()
            if caught:
                break
            time.sleep(0.5)
        standby_votes = conn.execute(
            "SELECT count(*) FROM voting_vote WHERE stage_id = %s AND withdrawn_at IS NULL AND annulled_at IS NULL",
            [stage.pk],
        ).fetchone()[0]
        standby_regs = conn.execute(
            "SELECT count(*) FROM events_registration WHERE event_id = %s", [event.pk]
        ).fetchone()[0]
    print(
        f"standby: primary at {target}, standby replayed {replay} ({'caught up' if caught else 'BEHIND'}); "
        f"votes {standby_votes}, registrations {standby_regs}"
    )
    if not caught:
        failures.append(f"standby did not catch up within 60 s: replayed {replay}, primary at {target}")
    if (standby_votes, standby_regs) != (n_counted, total):
        failures.append(
            f"standby holds {standby_votes} votes / {standby_regs} registrations, primary {n_counted} / {total}"
        )

    # The RQ worker ran every queued task.
    import redis
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    client = redis.Redis.from_url(redis_url)
    queue = Queue("default", connection=client)

    def drain():
        deadline = time.time() + 60
        while time.time() < deadline and (len(queue) or StartedJobRegistry(queue=queue).count):
            time.sleep(0.5)
        return len(queue) + StartedJobRegistry(queue=queue).count

    from django.core.management import call_command

    from hramada.core.models import TaskOutbox

    queued = drain()
    failed_first = FailedJobRegistry(queue=queue).count
    # A task that was running when the primary restarted fails (RQ does not retry it by itself) and
    # stays in the outbox: the periodic relay (run every minute in production, here until the outbox
    # is empty or two minutes have passed) hands it over again and the worker runs it.
    deadline = time.time() + 120
    relays = 0
    while TaskOutbox.objects.filter(given_up_at__isnull=True).exists() and time.time() < deadline:
        call_command("run_periodic", only=["core.relay_task_outbox"], stdout=io.StringIO())
        relays += 1
        queued = drain()
        time.sleep(1)
    waiting = TaskOutbox.objects.count()
    finished = FinishedJobRegistry(queue=queue).count
    print(
        f"RQ: {failed_first} tasks failed during the faults; the outbox relay ran {relays} times; then "
        f"{finished} finished (results are kept 500 s), {queued} queued or running, {waiting} still in the "
        f"outbox; registrations stored {total}"
    )
    if queued:
        failures.append(f"{queued} tasks still queued after the relay")
    if waiting:
        failures.append(f"{waiting} tasks never ran: still in the outbox after two minutes of relaying")
    client.close()


def merged(parts: list[dict]) -> dict:
    """Several phases as one configuration: requests over seconds, summed CPU and counts."""
    out = {"n": 0, "seconds": 0.0, "errors": [], "windows": [], "kinds": {}, "loadgen_cpu": 0.0, "cpu": {}}
    for p in parts:
        out["n"] += p["n"]
        out["seconds"] += p["seconds"]
        out["errors"] += p["errors"]
        out["windows"] += p["windows"]
        out["loadgen_cpu"] += p["loadgen_cpu"]
        for k, v in p["kinds"].items():
            out["kinds"][k] = out["kinds"].get(k, 0) + v
        for k, v in p["cpu"].items():
            out["cpu"][k] = out["cpu"].get(k, 0.0) + v
    out["rps"] = out["n"] / max(0.001, out["seconds"])
    return out


def report(args, phases, replica_on) -> dict:
    """Prints the table per phase and per configuration; returns the configurations."""
    configs = {
        "one": merged([p for n, p in phases.items() if n.startswith("one-")]),
        "two": merged([p for n, p in phases.items() if n.startswith("two-")]),
        "faults": phases["faults"],
    }
    print()
    print(
        f"set-up: PostgreSQL 15 primary + streaming standby, Redis, RQ worker, nginx, gunicorn "
        f"{args.workers} sync workers per app server; production settings; replica reads "
        f"{'on (DATABASE_REPLICA_URL)' if replica_on else 'OFF (DATABASE_REPLICA_URL not understood)'}; "
        f"locust {args.users} users, no pause; mix browse {WEIGHTS['browse']} : vote "
        f"{WEIGHTS['vote']} : register {WEIGHTS['register']} (writes bounded)"
    )
    print(
        f"{'phase':8} {'req/s':>7} {'requests':>9} {'errors':>7}  {'app ms':>7} {'pg ms':>6} {'redis':>6} "
        f"{'rq':>5} {'nginx':>6} {'total':>7}  (CPU per request; the load generator's apart)"
    )
    for name, p in [*phases.items(), ("= one", configs["one"]), ("= two", configs["two"])]:
        cpu = {k: v / p["n"] * 1000 for k, v in p["cpu"].items()}
        print(
            f"{name:8} {p['rps']:7.1f} {p['n']:9d} {len(p['errors']):7d}  {cpu['app']:7.2f} {cpu['postgres']:6.2f} "
            f"{cpu['redis']:6.2f} {cpu['rqworker']:5.2f} {cpu['nginx']:6.2f} {sum(cpu.values()):7.2f}   "
            f"{p['kinds']}, locust {p['loadgen_cpu'] / p['n'] * 1000:.2f} ms/req"
        )
    p = configs["faults"]
    for window, a, b in p["windows"]:
        inside = [e for e in p["errors"] if e["t"] <= b and e["end"] >= a]
        statuses = {}
        for e in inside:
            statuses[e["status"]] = statuses.get(e["status"], 0) + 1
        print(
            f"  faults: {window} ({b - a:.1f} s incl. {GRACE:.0f} s after): {len(inside)} errors {statuses}"
        )
    two = configs["two"]
    per_request = sum(two["cpu"].values()) / two["n"]
    app = two["cpu"]["app"] / two["n"]
    print(
        f"CPU per request (two servers, all server parts): {per_request * 1000:.2f} ms, of it the app servers "
        f"{app * 1000:.2f} ms; 16 cores busy at 70 % would carry ~{16 * 0.7 / per_request:.0f} req/s of this mix"
    )
    ratio = two["rps"] / configs["one"]["rps"]
    print(f"goal: two/one >= {GOAL}: {'met' if ratio >= GOAL else 'NOT MET'} ({ratio:.2f})")
    return configs


if __name__ == "__main__":
    main()
