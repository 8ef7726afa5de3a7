"""Benchmark: a burst of concurrent registrations for an event with limited places.

Runs the app under gunicorn (2 sync workers) on a fresh PostgreSQL database with Redis as the cache
and sessions in ``cached_db``, as in production (``REDIS_URL``; its own Redis database, emptied first).
In the same run it measures
  baseline: a logged-in POST to a view that inserts one row (same middleware, same login), and
  target:   a logged-in POST to the real registration endpoint: the service takes a place with one
            conditional UPDATE of the event's counter (or puts the person on the waiting list),
            inserts the registration row and queues the confirmation e-mail as a task row, all in
            one transaction, and the view redirects to the event page with a message.
A self-registration writes no audit entry: its own row is the record (the person, when, the status;
``registered_by`` empty), and every later change to it (approval, cancellation, offers) is audited,
as are organisers' entries for someone else. See "Departures from the design" in
docs/architecture.md. Baseline and registrations alternate in ``--rounds`` rounds (each slice of the
people registers right after the same slice of baseline requests); the ratio is the median of the
rounds' ratios.

Checks (status 1 if any fails): every baseline request answered 204 and every registration 302; each
person stored once; exactly ``min(capacity, people)`` confirmed, the rest on the waiting list, equal
to the event's counter; one e-mail task queued per registration; no audit entry for a
self-registration.

    .venv/bin/python bench/register.py [--people 1500] [--capacity 300] [--rounds 5] [--concurrency 16]

Last line: RESULT register <reg/s> reg/s baseline <insert-view req/s> ratio <median of rounds>
(throughputs: the medians of the rounds; goal: ratio >= 0.6)
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DB", "hramada_bench_register")  # parallel benchmarks keep their databases

from bench import harness  # noqa: E402

GOAL = 0.6
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
WARM = 50  # registrations for another event before measuring


def seed(args):
    from datetime import timedelta

    from django.utils import timezone

    from hramada.events.models import Event
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person, User
    from hramada.places.services import sync_regions

    sync_regions(country_codes=["BY"])
    org = Organisation.objects.create(name="Bench", name_en="Bench", slug="bench", kind="ngo", country_id=1)
    start = timezone.now() + timedelta(days=30)
    events = [
        Event.objects.create(
            organisation=org,
            title=title,
            title_en=title,
            slug=slug,
            status="published",
            starts_at=start,
            ends_at=start + timedelta(days=1),
            capacity=capacity,
        )
        for title, slug, capacity in (
            ("Bench forum", "bench-forum", args.capacity),
            ("Warm-up", "warm-up", None),
        )
    ]
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.org", password="!") for i in range(args.people)]  # noqa: S106
    )
    Person.objects.bulk_create(
        [Person(user=u, display_name=f"Bench {i}", email=u.email) for i, u in enumerate(users)]
    )
    return events, list(User.objects.order_by("pk"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="alternating baseline/registration rounds")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    os.environ["REDIS_URL"] = harness.fresh_redis(REDIS_DB)
    url = harness.fresh_database()
    harness.setup_django(url)
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from django_tasks_db.models import DBTaskResult

    from hramada.core.models import AuditEntry
    from hramada.events.models import Registration, RegistrationStatus

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db", settings.SESSION_ENGINE
    (event, warm_event), users = seed(args)
    cookies = harness.session_cookies(users)
    with translation.override("en"):
        register_path = reverse("events:register", args=[event.slug])
        warm_path = reverse("events:register", args=[warm_event.slug])

    def requests(path, part):
        return [("POST", path, cookie, csrf) for cookie, csrf in part]

    size = -(-len(cookies) // args.rounds)
    slices = [cookies[start : start + size] for start in range(0, len(cookies), size)]
    server = harness.Server(url)
    try:
        warm_base = harness.drive(server.port, requests("/bench/insert/", cookies[:WARM]), args.concurrency)
        warm_reg = harness.drive(server.port, requests(warm_path, cookies[:WARM]), args.concurrency)
        rounds = harness.alternate(
            {
                "baseline": lambda n: harness.drive(
                    server.port, requests("/bench/insert/", slices[n]), args.concurrency
                ),
                "register": lambda n: harness.drive(
                    server.port, requests(register_path, slices[n]), args.concurrency
                ),
            },
            len(slices),
        )
    finally:
        server.stop()

    checks = harness.Checks()
    checks.statuses("warm-up baseline", warm_base, {204})
    checks.statuses("warm-up registrations", warm_reg, {302})
    checks.statuses("baseline insert view", rounds["baseline"], {204})
    checks.statuses("registrations", rounds["register"], {302})
    event.refresh_from_db()
    registrations = Registration.objects.filter(event=event)
    total = registrations.count()
    distinct = registrations.values("person").distinct().count()
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    tasks = DBTaskResult.objects.filter(task_path__endswith="send_registration_email").count()
    audited = AuditEntry.objects.filter(action="events.registration.created").count()
    places = min(args.capacity, args.people)
    checks.require(
        total == distinct == args.people,
        f"{args.people} people sent one registration each; stored {total}, distinct people {distinct}",
    )
    checks.require(
        confirmed == event.confirmed_count == places and waitlisted == args.people - places,
        f"confirmed {confirmed}, counter {event.confirmed_count}, waiting list {waitlisted}; "
        f"expected {places} confirmed and {args.people - places} waiting",
    )
    checks.require(tasks == args.people + WARM, f"{tasks} e-mail tasks queued for {args.people + WARM}")
    checks.require(audited == 0, f"{audited} audit entries for self-registrations (expected none)")

    ratios = harness.round_ratios(rounds["register"], rounds["baseline"])
    ratio = statistics.median(ratios)
    base, target = harness.combined(rounds["baseline"]), harness.combined(rounds["register"])
    print(f"people {args.people}, places {args.capacity}, Redis cache and cached_db sessions ({REDIS_DB})")
    print(
        f"baseline insert view: {base['rps']:.0f} req/s (median of {len(ratios)} rounds), "
        f"p50 {base['p50_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms, statuses {base['statuses']}"
    )
    print(
        f"registrations:        {target['rps']:.0f} req/s, p50 {target['p50_ms']:.1f} ms, "
        f"p99 {target['p99_ms']:.1f} ms, statuses {target['statuses']}"
    )
    print("ratio per round (reg/s / baseline req/s): " + ", ".join(f"{r:.2f}" for r in ratios))
    print(
        f"check: stored {total}, distinct people {distinct}, confirmed {confirmed} of {args.capacity} "
        f"places, counter {event.confirmed_count}, waiting list {waitlisted}, e-mail tasks {tasks}, "
        f"audit entries for self-registrations {audited}"
    )
    print(f"goal: ratio >= {GOAL}: {'met' if ratio >= GOAL else 'NOT MET'}")
    checks.finish(f"RESULT register {target['rps']:.0f} reg/s baseline {base['rps']:.0f} ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
