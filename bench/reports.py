"""Benchmark: the public indicators page for a year and a country, uncached, at 100,000 people,
1,000,000 participations and 1,000,000 votes on PostgreSQL, against one
``SELECT COUNT(DISTINCT person_id)`` over the participations, in alternating rounds of one run.

One database (``BENCH_DB``, default ``bench_reports``, dropped and created again; with ``--keep`` a
database an earlier ``--keep`` run seeded with the same sizes is reused, migrations still run), generated with SQL
(``INSERT ... SELECT`` from ``generate_series``):
  places:         Belarus's regions (pycountry) with 60 settlements spread over them;
  people:         100,000, each living in one of the settlements; 60 % gave their gender with consent
                  (two thirds of them women), 30 % answered about a disability (a tenth: yes);
  events:         1,000 events of one organisation in 2015, 2016 and 2017 (a third each), each in a
                  settlement;
  participations: 1,000,000 checked-in registrations, 1,000 per event, each person at ~10 events;
  votes:          1,000,000 counted votes on 100 contest projects submitted in 2016, and each
                  project's ``vote_count`` set to its counted votes (the counter the voting services
                  keep with every vote, withdrawal and annulment).
The page: ``/en/reports/?year=2016&country=BY`` through Django's test client in this process (the
real path: middleware, view, selectors, template; DEBUG off; the report has no cache). The baseline:
``SELECT COUNT(DISTINCT person_id)`` over the checked-in registrations, on the same connection. Rounds
alternate page and baseline (``--rounds`` rounds of ``--requests`` of each); p50 per side.

Checks (status 1 if any fails): every answer 200; the page's unique people reached equal an
independent count in plain SQL (distinct people checked in at events of 2016 held in Belarus) and its
votes equal a plain count; the goal: ratio (page p50 / baseline p50) at most 2.

    .venv/bin/python bench/reports.py [--people 100000] [--participations 1000000] [--votes 1000000]
                                      [--rounds 5] [--requests 3] [--keep]

Last line: RESULT reports <page p50 ms> ms baseline <count p50 ms> ratio <page/count>
"""

# ruff: noqa: S608  (SQL built from model table names and this script's constants; values are parameters)

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DB", "bench_reports")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "10"))

from bench import harness  # noqa: E402

GOAL = 2.0
EVENTS = 1_000
SETTLEMENTS = 60
PROJECTS = 100


def _t(model):
    from django.db import connection

    return connection.ops.quote_name(model._meta.db_table)


def seed(people: int, participations: int, votes: int) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from hramada.contests.models import Category, Contest, Edition, Project, Stage
    from hramada.events.models import Event, Registration
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person
    from hramada.places.models import Country, Region, Settlement
    from hramada.places.services import sync_regions
    from hramada.voting.models import Vote

    sync_regions(country_codes=["BY"])
    by = Country.objects.get(code="BY")
    regions = list(Region.objects.filter(country=by).order_by("code"))
    Settlement.objects.bulk_create(
        Settlement(
            region=regions[i % len(regions)], name=f"Village {i}", name_en=f"Village {i}", kind="village"
        )
        for i in range(SETTLEMENTS)
    )
    settlements = list(Settlement.objects.order_by("id").values_list("id", flat=True))
    org = Organisation.objects.create(name="Office", name_en="Office", slug="office", kind="ngo", country=by)
    tz = dt.UTC
    Event.objects.bulk_create(
        Event(
            organisation=org,
            title=f"Event {i}",
            title_en=f"Event {i}",
            slug=f"event-{i}",
            status=Event.Status.PUBLISHED,
            starts_at=dt.datetime(2015 + i % 3, 1 + i % 12, 1 + i % 28, 10, tzinfo=tz),
            ends_at=dt.datetime(2015 + i % 3, 1 + i % 12, 1 + i % 28, 18, tzinfo=tz),
            settlement_id=settlements[i % len(settlements)],
        )
        for i in range(EVENTS)
    )
    first_event = Event.objects.order_by("id").values_list("id", flat=True).first()
    now = timezone.now()
    s0, n_s = settlements[0], len(settlements)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # the seed only; the page keeps the production limit
        cursor.execute(
            f"INSERT INTO {_t(Person)} (public_id, created_at, updated_at, display_name, email, phone, "
            "preferred_language, site_language, source, gender, gender_consent_at, disability, "
            "disability_consent_at, home_settlement_id) "
            "SELECT 'P' || lpad(i::text, 25, '0'), %s, %s, 'Person ' || i, '', '', '', '', 'import', "
            "CASE WHEN i %% 10 < 6 THEN (CASE WHEN i %% 3 < 2 THEN 'woman' ELSE 'man' END) ELSE '' END, "
            "CASE WHEN i %% 10 < 6 THEN %s::timestamptz END, "
            "CASE WHEN i %% 10 >= 7 THEN (CASE WHEN i %% 100 < 73 THEN 'yes' ELSE 'none' END) ELSE '' END, "
            "CASE WHEN i %% 10 >= 7 THEN %s::timestamptz END, "
            "%s + (i %% %s) FROM generate_series(0, %s - 1) AS i",
            [now, now, now, now, s0, n_s, people],
        )
        cursor.execute(f"SELECT MIN(id) FROM {_t(Person)}")
        p0 = cursor.fetchone()[0]
        per_event = participations // EVENTS
        # Event e = i % EVENTS, k = i / EVENTS: person (k * 100 + e * 37) % people is distinct per event.
        cursor.execute(
            f"INSERT INTO {_t(Registration)} (public_id, created_at, updated_at, event_id, person_id, status, "
            "ticket_code, checked_in_at) "
            "SELECT 'R' || lpad(i::text, 25, '0'), %s, %s, %s + (i %% %s), "
            "%s + (((i / %s) * 100 + (i %% %s) * 37) %% %s), 'confirmed', 'T' || i, %s "
            "FROM generate_series(0, %s - 1) AS i",
            [now, now, first_event, EVENTS, p0, EVENTS, EVENTS, people, now, per_event * EVENTS],
        )
    contest = Contest.objects.create(
        organisation=org, title="Social Weekend", title_en="Social Weekend", slug="sw"
    )
    edition = Edition.objects.create(contest=contest, year=2016, title="2016", title_en="2016")
    category = Category.objects.create(edition=edition, title="All", title_en="All")
    stage = Stage.objects.create(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=dt.datetime(2016, 5, 1, tzinfo=tz),
        ends_at=dt.datetime(2016, 6, 1, tzinfo=tz),
    )
    Project.objects.bulk_create(
        Project(
            edition=edition,
            category=category,
            title=f"Project {i}",
            status=Project.Status.ELIGIBLE,
            submitted_at=dt.datetime(2016, 3, 1, tzinfo=tz),
            settlement_id=settlements[i % len(settlements)],
        )
        for i in range(PROJECTS)
    )
    first_project = Project.objects.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            f'INSERT INTO {_t(Vote)} (stage_id, project_id, category_id, voter_hash, slot, "limit", receipt_hash, '
            "created_at, annul_reason) "
            "SELECT %s, %s + (i %% %s), %s, 'v' || i, 1, 1, 'r' || i, %s, '' FROM generate_series(0, %s - 1) AS i",
            [stage.pk, first_project, PROJECTS, category.pk, dt.datetime(2016, 5, 2, tzinfo=tz), votes],
        )
        # The counter the voting services maintain with every vote (counted: not withdrawn, not annulled),
        # set from the rows just inserted, as those services would have left it.
        cursor.execute(
            f"UPDATE {_t(Project)} pr SET vote_count = v.n FROM (SELECT project_id, COUNT(*) AS n FROM {_t(Vote)} "
            "WHERE withdrawn_at IS NULL AND annulled_at IS NULL GROUP BY project_id) v WHERE v.project_id = pr.id"
        )
        cursor.execute("RESET statement_timeout")
    return {"country": by}


def analyze() -> None:
    """Fresh planner statistics and visibility maps (which let the attended registrations be read from
    their index alone) for every table the seed filled: what autovacuum reaches after a bulk load, on
    a seeded and on a reused database alike."""
    from django.db import connection

    from hramada.contests.models import Project
    from hramada.events.models import Event, Registration
    from hramada.people.models import Person
    from hramada.places.models import Country, Region, Settlement
    from hramada.voting.models import Vote

    with connection.cursor() as cursor:
        for model in (Person, Registration, Vote, Event, Project, Country, Region, Settlement):
            cursor.execute(f"VACUUM ANALYZE {_t(model)}")


SEED_VERSION = 2  # raise when seed() changes, so a kept database is seeded again
MARK = "bench_reports_seed"  # a kept database's record of how it was seeded (not a Django table)


def _kept_url() -> str:
    return harness.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{harness.DB_NAME}"


def _seeded_with():
    """(seed version, people, participations, votes) of the kept database ``BENCH_DB``, or None."""
    import psycopg

    try:
        with psycopg.connect(_kept_url(), connect_timeout=5) as conn:
            return conn.execute(f"SELECT version, people, participations, votes FROM {MARK}").fetchone()
    except psycopg.Error:
        return None


def _mark_seeded(sizes) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARK} (version int, people int, participations int, votes int)")
        cursor.execute(f"INSERT INTO {MARK} VALUES (%s, %s, %s, %s)", list(sizes))


def independent_counts(country) -> dict:
    from django.db import connection

    from hramada.events.models import Event, Registration
    from hramada.places.models import Region, Settlement
    from hramada.voting.models import Vote

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT r.person_id) FROM {_t(Registration)} r JOIN {_t(Event)} e ON e.id = r.event_id "
            f"JOIN {_t(Settlement)} s ON s.id = e.settlement_id JOIN {_t(Region)} g ON g.id = s.region_id "
            "WHERE r.checked_in_at IS NOT NULL AND e.starts_at >= '2016-01-01' AND e.starts_at < '2017-01-01' "
            "AND g.country_id = %s",
            [country.pk],
        )
        people = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {_t(Vote)} WHERE withdrawn_at IS NULL AND annulled_at IS NULL")
        votes = cursor.fetchone()[0]
    return {"people": people, "votes": votes}


def baseline_sql() -> str:
    from hramada.events.models import Registration

    return f"SELECT COUNT(DISTINCT person_id) FROM {_t(Registration)} WHERE checked_in_at IS NOT NULL"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--participations", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3, help="of each side per round")

    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the database BENCH_DB when an earlier --keep run seeded it with the same sizes and "
        "seed version (migrations still run); otherwise seed it afresh and mark it",
    )
    args = parser.parse_args()

    begun = time.perf_counter()
    sizes = (SEED_VERSION, args.people, args.participations, args.votes)
    url = _kept_url() if args.keep and _seeded_with() == sizes else None
    reused = url is not None
    url = url or harness.fresh_database()
    os.environ["REDIS_URL"] = harness.fresh_redis(REDIS_DB)
    harness.setup_django(url)
    from django.db import connection
    from django.test import Client

    from hramada.places.models import Country

    if reused:
        data = {"country": Country.objects.get(code="BY")}
        print(
            f"reused the seeded database {harness.DB_NAME} (migrated in {time.perf_counter() - begun:.0f} s)"
        )
    else:
        data = seed(args.people, args.participations, args.votes)
        if args.keep:
            _mark_seeded(sizes)
        print(f"seeded ({time.perf_counter() - begun:.0f} s with migrations)", flush=True)
    analyze()
    client = Client(HTTP_HOST="127.0.0.1")
    path = "/en/reports/?year=2016&country=BY"
    sql = baseline_sql()
    page_ms, count_ms, statuses = [], [], set()
    last = None
    for _round in range(args.rounds):
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            page_ms.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
            last = response
        for _ in range(args.requests):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchone()
            count_ms.append((time.perf_counter() - started) * 1000)

    checks = harness.Checks()
    checks.require(statuses == {200}, f"page statuses {statuses}")
    text = last.content.decode()
    expected = independent_counts(data["country"])
    shown = re.search(r"<th scope=\"row\">Unique people reached</th><td>([^<]*)</td>", text)
    shown_votes = re.search(r"<th scope=\"row\">Votes</th><td>([^<]*)</td>", text)
    shown_people = shown.group(1) if shown else None
    checks.require(
        shown_people == str(expected["people"]), f"page shows {shown_people}, SQL {expected['people']}"
    )
    checks.require(
        shown_votes is not None and shown_votes.group(1) == str(expected["votes"]),
        f"page shows votes {shown_votes and shown_votes.group(1)}, SQL {expected['votes']}",
    )
    print(
        f"check: unique people reached {shown_people} (SQL {expected['people']}), votes (SQL {expected['votes']})"
    )
    page, base = statistics.median(page_ms), statistics.median(count_ms)
    ratio = page / base
    print(
        f"page {path}: p50 {page:.1f} ms, slowest {max(page_ms):.1f} ms | COUNT(DISTINCT person_id): "
        f"p50 {base:.1f} ms, slowest {max(count_ms):.1f} ms"
    )
    print(f"goal: ratio <= {GOAL}: {'met' if ratio <= GOAL else 'NOT MET'}")
    checks.require(ratio <= GOAL, f"goal missed: ratio {ratio:.2f} > {GOAL}")
    checks.finish(f"RESULT reports {page:.1f} ms baseline {base:.1f} ms ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
