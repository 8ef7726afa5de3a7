"""Benchmark: the project list and the vote results page at 1,000 votes and at 1,000,000 votes.

Runs the app under gunicorn on PostgreSQL with one contest edition of ``--projects`` eligible projects
in ten categories and a public vote that has closed (so counts are shown). Both pages must read the
maintained counter ``Project.vote_count``, never the vote table, so their latency must not grow with
the number of votes:
  baseline: anonymous GETs of the edition page (the project list) and the results page, 1,000 votes;
  target:   the same pages on a copy of that database whose vote table is filled to ``--votes`` rows
            (SQL, generate_series) with each project's counter set to its true count.
Each database has its own gunicorn (2 sync workers); rounds alternate between them so the shared
machine's noise falls on both alike. Afterwards it checks that the counts on both pages add up to the
counted votes in the vote table, and prints each page's slowest SQL at both sizes (with an EXPLAIN
when a slow one reads the vote table). The copy is dropped at the end; the baseline database stays.

    .venv/bin/python bench/results.py [--projects 1000] [--votes 1000000] [--requests 200]

Checks (status 1 if any fails): every request of both sizes (warm-up, rounds, one visitor alone)
answered 200; the pages' counts equal the counted votes; and the goal: ratio at most 1.5 (it was 2
until the partial index and the paginated project list brought it to 1.18).

Last line: RESULT results <p99 at N votes> ms baseline <p99 at 1k votes> ratio <p99_N / p99_1k>
(the worse of the two pages; goal: ratio <= 1.5).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Our own database, so a parallel run of another benchmark (default hramada_bench) is not dropped.
os.environ.setdefault("BENCH_DB", "hramada_bench_results")

from bench import harness  # noqa: E402

BASE_VOTES = 1000
ANNUL_EVERY = 997  # about 0.1% of the votes are annulled: the results page shows them apart
CATEGORIES = 10
ROUNDS = 4  # alternating rounds per page and size
GOAL = 1.5  # p99 at --votes votes / p99 at 1,000 votes, the worse page: at most this


def seed(n_projects: int):
    """Organisation, contest, edition, categories, a closed public vote with frozen rules, projects."""
    from datetime import timedelta

    from django.utils import timezone

    from hramada.contests.models import Category, Contest, Edition, Project, Stage
    from hramada.orgs.models import Organisation
    from hramada.places.services import sync_regions
    from hramada.voting import services as voting_services

    sync_regions(country_codes=["BY"])
    org = Organisation.objects.create(name="Bench", name_en="Bench", slug="bench", kind="ngo", country_id=1)
    contest = Contest.objects.create(
        organisation=org, title="Social Weekend", title_en="Social Weekend", slug="social-weekend"
    )
    edition = Edition.objects.create(
        contest=contest,
        title="Bench Social Weekend",
        title_en="Bench Social Weekend",
        year=2026,
        published_at=timezone.now() - timedelta(days=61),  # public since before its call for projects
    )
    categories = [
        Category.objects.create(edition=edition, title=f"Category {i}", title_en=f"Category {i}", order=i)
        for i in range(CATEGORIES)
    ]
    now = timezone.now()
    for kind, starts_at, ends_at in (
        (Stage.Kind.CALL, now - timedelta(days=60), now - timedelta(days=40)),
        (Stage.Kind.SCREENING, now - timedelta(days=40), now - timedelta(days=30)),
        (Stage.Kind.PUBLIC_VOTE, now - timedelta(days=30), now - timedelta(hours=1)),
        (Stage.Kind.EXPERT_REVIEW, now - timedelta(hours=1), now + timedelta(days=20)),
    ):
        Stage.objects.create(edition=edition, kind=kind, starts_at=starts_at, ends_at=ends_at)
    vote_stage = Stage.objects.get(edition=edition, kind=Stage.Kind.PUBLIC_VOTE)
    voting_services.freeze_rules(stage=vote_stage)  # as the first vote would: the defaults, frozen
    summary = (
        "A free creative space for teenagers of the district: workshops, a library and evenings where "
        "they plan their own projects with mentors from local NGOs."
    )
    Project.objects.bulk_create(
        [
            Project(
                edition=edition,
                category=categories[i % CATEGORIES],
                title=f"Project {i:05d}",
                summary=summary,
                status=Project.Status.ELIGIBLE,
                submitted_at=now - timedelta(days=45),
                screened_at=now - timedelta(days=35),
            )
            for i in range(n_projects)
        ],
        batch_size=500,
    )
    return edition, vote_stage


def _extra_not_null_columns(filled: set[str]) -> list[tuple[str, object]]:
    """NOT NULL columns of the vote table without a database default that this script does not name
    (added by later migrations): filled with the model field's default, so the SQL keeps working."""
    from django.db import connection

    from hramada.voting.models import Vote

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [Vote._meta.db_table],
        )
        required = {row[0] for row in cursor.fetchall()} - filled
    extra = []
    for field in Vote._meta.concrete_fields:
        if field.column in required:
            extra.append((field.column, field.get_db_prep_save(field.get_default(), connection)))
    return extra


def add_votes(stage, first: int, last: int) -> float:
    """Insert votes number ``first``..``last`` (1-based) with SQL; returns seconds taken.

    Each vote has its own voter (slot 1 of limit 1, so both unique constraints hold), its own receipt
    hash, a time inside the vote's window, and a project picked by a fixed pseudo-random spread.
    """
    from django.db import connection

    from hramada.voting.models import Vote

    columns = {
        "stage_id": "%(stage)s",
        "project_id": "p.project_id",
        "category_id": "p.category_id",
        "voter_hash": "encode(sha256(convert_to('voter-' || g, 'UTF8')), 'hex')",
        "slot": "1",
        '"limit"': "1",
        "receipt_hash": "encode(sha256(convert_to('receipt-' || g, 'UTF8')), 'hex')",
        "created_at": "%(opens)s::timestamptz + make_interval(secs => (g * 7919) %% %(window)s)",
        "annulled_at": f"CASE WHEN g %% {ANNUL_EVERY} = 0 THEN %(closes)s::timestamptz END",
        "annul_reason": f"CASE WHEN g %% {ANNUL_EVERY} = 0 THEN 'bench: burst from one network' ELSE '' END",
    }
    params = {
        "stage": stage.pk,
        "opens": stage.starts_at,
        "closes": stage.ends_at,
        "window": int((stage.ends_at - stage.starts_at).total_seconds()),
        "first": first,
        "last": last,
    }
    for i, (column, value) in enumerate(_extra_not_null_columns({c.strip('"') for c in columns})):
        columns[f'"{column}"'] = f"%(extra{i})s"
        params[f"extra{i}"] = value
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # A bulk load, not a request: no statement timeout (the app servers keep theirs).
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_projects AS "
            "SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id AS project_id, category_id "
            "FROM contests_project WHERE edition_id = %s",
            [stage.edition_id],
        )
        cursor.execute("SELECT count(*) FROM bench_projects")
        params["n"] = cursor.fetchone()[0]
        # A bulk load is much faster without the secondary indexes: drop those that back no table
        # constraint, and build them again afterwards (the unique ones check every row again then).
        rebuilt = []
        if last - first >= 100_000:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [Vote._meta.db_table, Vote._meta.db_table],
            )
            rebuilt = cursor.fetchall()
            for name, _definition in rebuilt:
                cursor.execute(f'DROP INDEX "{name}"')
        # A skewed spread, as in a real vote: a few projects collect most of the votes.
        cursor.execute(
            f"INSERT INTO voting_vote ({names}) SELECT {values} "  # noqa: S608 - fixed column list
            "FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g "
            "JOIN bench_projects p ON p.idx = floor(%(n)s * power(((g * 2654435761) %% 1000003) / 1000003.0, 3))",
            params,
        )
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in rebuilt:
            cursor.execute(definition)
        # The counters as the vote service would have left them: counted = not withdrawn, not annulled.
        cursor.execute(
            "UPDATE contests_project SET vote_count = c.n FROM ("
            "  SELECT project_id, count(*) AS n FROM voting_vote"
            "  WHERE stage_id = %s AND withdrawn_at IS NULL AND annulled_at IS NULL GROUP BY project_id"
            ") AS c WHERE contests_project.id = c.project_id AND contests_project.vote_count <> c.n",
            [stage.pk],
        )
    connection.close()  # VACUUM cannot run in a transaction block; a fresh autocommit connection
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE voting_vote")
        cursor.execute("VACUUM ANALYZE contests_project")
    return time.perf_counter() - started


def measure(ports: dict[str, int], paths: dict[str, str], requests: int, concurrency: int) -> dict:
    """Warm up, then alternate rounds over both sizes and both pages, so that the shared machine's
    noise (other people's work) falls on the baseline and the target alike."""
    rounds: dict[tuple, list] = {(size, name): [] for size in ports for name in paths}
    alone: dict[tuple, list] = {key: [] for key in rounds}
    others: dict[tuple, list] = {key: [] for key in rounds}  # warm-up and one visitor alone
    for size, port in ports.items():
        for name, path in paths.items():
            others[size, name].append(harness.drive(port, [("GET", path, "", "")] * 20, concurrency))
    for _round in range(ROUNDS):
        for size, port in ports.items():
            for name, path in paths.items():
                batch = [("GET", path, "", "")] * (requests // ROUNDS)
                rounds[size, name].append(harness.drive(port, batch, concurrency))
                # One visitor at a time: the page's own latency, without queueing behind others.
                one = harness.drive(port, [("GET", path, "", "")] * 5, 1)
                alone[size, name].append(one["p50_ms"])
                others[size, name].append(one)
    merged: dict[str, dict] = {size: {} for size in ports}
    for (size, name), rs in rounds.items():
        merged[size][name] = {
            "rps": sum(r["rps"] for r in rs) / len(rs),
            "p50_ms": sum(r["p50_ms"] for r in rs) / len(rs),
            "p99_ms": max(r["p99_ms"] for r in rs),
            "statuses": {
                k: sum(r["statuses"].get(k, 0) for r in rs) for k in {k for r in rs for k in r["statuses"]}
            },
            "alone_ms": sorted(alone[size, name])[len(rs) // 2],
            "rounds": rs,
            "others": others[size, name],
        }
    return merged


def fetch(port: int, path: str) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    assert response.status == 200, (path, response.status, body[:300])
    return body


def page_totals(port: int, paths: dict[str, str]) -> dict:
    """What each page shows: the results page's counts (sum, number of projects), and the edition
    page's count per project it previews (public id -> count; it shows each category's first ones)."""
    edition = fetch(port, paths["edition"])
    results = fetch(port, paths["results"])
    cards = re.findall(r'<li class="card project-card" id="project-(\w+)">(.*?)</li>', edition, re.S)
    shown_edition = {}
    for public_id, card in cards:
        count = re.search(r'<p class="count"><strong>(\d+)</strong>', card)
        shown_edition[public_id] = int(count.group(1)) if count else None
    shown_results = [int(n) for n in re.findall(r'<td class="num">(\d+)', results)]
    return {"edition": shown_edition, "results": (sum(shown_results), len(shown_results))}


def counted_by_project(stage) -> dict[str, int]:
    from django.db.models import Count

    from hramada.voting.models import Vote

    rows = (
        Vote.objects.filter(stage=stage, withdrawn_at__isnull=True, annulled_at__isnull=True)
        .values("project__public_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["project__public_id"]: row["n"] for row in rows}


def slowest_queries(paths: dict[str, str]) -> list[str]:
    """Each page rendered once in this process with its SQL timed: the slowest queries and an
    EXPLAIN of the slowest, to say precisely what reads the vote table if a page slows down."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    lines = []
    client = Client(HTTP_HOST="127.0.0.1")
    for name, path in paths.items():
        assert client.get(path).status_code == 200  # and warms caches (content types, translations)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        queries = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        total = sum(float(q["time"]) for q in queries) * 1000
        lines.append(f"{name}: {len(queries)} queries, {total:.1f} ms in SQL of {elapsed:.1f} ms in-process")
        for q in queries[:3]:
            lines.append(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:220]}")
        if queries and float(queries[0]["time"]) * 1000 > 5 and "voting_vote" in queries[0]["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + queries[0]["sql"])
                lines.extend("    " + row[0] for row in cursor.fetchall())
    return lines


def counted_votes(stage) -> int:
    from hramada.voting.models import Vote

    return Vote.objects.filter(stage=stage, withdrawn_at__isnull=True, annulled_at__isnull=True).count()


def use_database(name: str) -> None:
    """Point this process's Django connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="per page and size")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.votes <= BASE_VOTES:
        parser.error(f"--votes must be above the baseline's {BASE_VOTES}")

    begun = time.perf_counter()
    small_url = harness.fresh_database()
    harness.setup_django(small_url)
    import psycopg
    from django.urls import reverse
    from django.utils import translation

    edition, stage = seed(args.projects)
    with translation.override("en"):
        paths = {
            "edition": reverse("contests:edition", args=[edition.contest.slug, edition.public_id]),
            "results": reverse("voting:results", args=[edition.contest.slug, edition.public_id]),
        }
    seconds = add_votes(stage, 1, BASE_VOTES)
    print(
        f"seeded {args.projects} projects, {BASE_VOTES} votes (votes {seconds:.1f} s, "
        f"with migrations {time.perf_counter() - begun:.0f} s)",
        flush=True,
    )
    # The target is a copy of the same database, brought to --votes votes: same projects, same ids.
    large_db = f"{harness.DB_NAME}_large"
    use_database(harness.DB_NAME)
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{large_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{large_db}" TEMPLATE "{harness.DB_NAME}"')
    large_url = small_url.rsplit("/", 1)[0] + f"/{large_db}"
    use_database(large_db)
    seconds = add_votes(stage, BASE_VOTES + 1, args.votes)
    print(f"copied the database and added votes up to {args.votes} ({seconds:.1f} s)", flush=True)
    dbs = {BASE_VOTES: harness.DB_NAME, args.votes: large_db}

    servers = {BASE_VOTES: harness.Server(small_url), args.votes: harness.Server(large_url)}
    try:
        ports = {size: server.port for size, server in servers.items()}
        sizes = {name: len(fetch(ports[BASE_VOTES], path)) for name, path in paths.items()}
        started = time.perf_counter()
        measured = measure(ports, paths, args.requests, args.concurrency)
        print(f"measured ({time.perf_counter() - started:.0f} s)", flush=True)
        totals = {size: page_totals(port, paths) for size, port in ports.items()}
    finally:
        for server in servers.values():
            server.stop()

    print(f"page sizes: edition {sizes['edition']} bytes, results {sizes['results']} bytes")
    for size, db in dbs.items():
        use_database(db)
        print(f"at {size} votes, each page rendered once in this process:")
        for line in slowest_queries(paths):
            print("  " + line)
    small, large = measured[BASE_VOTES], measured[args.votes]
    for size, r in measured.items():
        for name in paths:
            m = r[name]
            print(
                f"{name:8} at {size:>8} votes: {m['rps']:6.1f} req/s, p50 {m['p50_ms']:7.1f} ms, "
                f"p99 {m['p99_ms']:7.1f} ms, statuses {m['statuses']}; one visitor alone {m['alone_ms']:.0f} ms"
            )
    checks = harness.Checks()
    for size, r in measured.items():
        for name in paths:
            checks.statuses(f"{name} page at {size} votes", r[name]["rounds"], {200})
            checks.statuses(
                f"{name} page at {size} votes (warm-up, one visitor alone)", r[name]["others"], {200}
            )
    for size, db in dbs.items():
        use_database(db)
        counted = counted_votes(stage)
        shown = totals[size]
        by_project = counted_by_project(stage)
        previewed = shown["edition"]
        edition_ok = bool(previewed) and all(n == by_project.get(pid, 0) for pid, n in previewed.items())
        results_total, results_n = shown["results"]
        line_ok = edition_ok and results_total == counted and results_n == args.projects
        checks.require(line_ok, f"at {size} votes a page's counts differ from the counted votes")
        print(
            f"check at {size} votes: counted in the vote table {counted}; the edition page previews "
            f"{len(previewed)} projects, each with its counted votes: {edition_ok}; the results page shows "
            f"{results_total} ({results_n} projects)" + ("" if line_ok else "  MISMATCH")
        )
    print(
        f"project list at {args.projects} projects: p99 {small['edition']['p99_ms']:.0f} ms at concurrency "
        f"{args.concurrency} with 2 workers; one visitor alone {small['edition']['alone_ms']:.0f} ms "
        "(Decidim's index: over 7,000 ms at 900 proposals)"
    )
    ratios = {name: large[name]["p99_ms"] / small[name]["p99_ms"] for name in paths}
    for name, ratio in ratios.items():
        p50 = large[name]["p50_ms"] / small[name]["p50_ms"]
        alone = large[name]["alone_ms"] / small[name]["alone_ms"]
        print(
            f"ratio {name}: p99 {large[name]['p99_ms']:.1f} / {small[name]['p99_ms']:.1f} ms = {ratio:.2f} "
            f"(p50 {p50:.2f}, one visitor alone {alone:.2f})"
        )
    use_database(harness.DB_NAME)
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{large_db}" WITH (FORCE)')  # a few hundred MB
    worst = max(ratios, key=ratios.get)
    print(f"goal: ratio <= {GOAL} (the worse page, {worst}): {'met' if ratios[worst] <= GOAL else 'NOT MET'}")
    checks.require(ratios[worst] <= GOAL, f"goal missed: {worst} page ratio {ratios[worst]:.2f} > {GOAL}")
    checks.finish(
        f"RESULT results {large[worst]['p99_ms']:.1f} ms baseline {small[worst]['p99_ms']:.1f} "
        f"ratio {ratios[worst]:.2f}"
    )


if __name__ == "__main__":
    main()
