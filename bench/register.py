"""Benchmark: a burst of concurrent registrations for an event with limited places.

Runs the app under gunicorn on a fresh PostgreSQL database, then in the same run measures
  baseline: a logged-in POST to a view that inserts one row (same middleware, same login), and
  target:   a logged-in POST to the real registration endpoint (service, lock, counter, audit, e-mail task),
and checks afterwards that exactly ``capacity`` registrations are confirmed and none is doubled.

    .venv/bin/python bench/register.py [--people 1500] [--capacity 300] [--concurrency 16]

Last line: RESULT register <reg/s> reg/s baseline <insert-view req/s> ratio <reg/baseline>
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    url = harness.fresh_database()
    harness.setup_django(url)
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone, translation

    from hramada.events.models import Event, Registration, RegistrationStatus
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person, User
    from hramada.places.services import sync_regions

    sync_regions(country_codes=["BY"])
    org = Organisation.objects.create(name="Bench", name_en="Bench", slug="bench", kind="ngo", country_id=1)
    start = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        organisation=org,
        title="Bench forum",
        title_en="Bench forum",
        slug="bench-forum",
        status="published",
        starts_at=start,
        ends_at=start + timedelta(days=1),
        capacity=args.capacity,
    )
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.org", password="!") for i in range(args.people)]  # noqa: S106
    )
    Person.objects.bulk_create(
        [Person(user=u, display_name=f"Bench {i}", email=u.email) for i, u in enumerate(users)]
    )
    cookies = harness.session_cookies(User.objects.order_by("pk"))
    with translation.override("en"):
        register_path = reverse("events:register", args=[event.slug])

    server = harness.Server(url)
    try:
        warm = [("POST", "/bench/insert/", c, t) for c, t in cookies[:50]]
        harness.drive(server.port, warm, args.concurrency)
        base1 = harness.drive(
            server.port, [("POST", "/bench/insert/", c, t) for c, t in cookies], args.concurrency
        )
        target = harness.drive(
            server.port, [("POST", register_path, c, t) for c, t in cookies], args.concurrency
        )
        base2 = harness.drive(
            server.port, [("POST", "/bench/insert/", c, t) for c, t in cookies], args.concurrency
        )
    finally:
        server.stop()

    baseline_rps = (base1["rps"] + base2["rps"]) / 2
    accepted = sum(n for status, n in target["statuses"].items() if status in (200, 204, 302))
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
    total = Registration.objects.filter(event=event).count()
    distinct = Registration.objects.filter(event=event).values("person").distinct().count()
    print(
        f"baseline insert view: {base1['rps']:.0f} / {base2['rps']:.0f} req/s, p50 {base1['p50_ms']:.1f} ms, p99 {base1['p99_ms']:.1f} ms"
    )
    print(
        f"registrations:        {target['rps']:.0f} req/s, p50 {target['p50_ms']:.1f} ms, p99 {target['p99_ms']:.1f} ms, statuses {target['statuses']}"
    )
    print(
        f"check: accepted {accepted}, stored {total}, distinct people {distinct}, confirmed {confirmed} of {args.capacity} places, counter {event.confirmed_count}"
    )
    ok = total == accepted == distinct == args.people and confirmed == event.confirmed_count == min(
        args.capacity, args.people
    )
    if not ok:
        print("CHECK FAILED: lost, doubled or overbooked registrations")
    ratio = target["rps"] / baseline_rps
    print(f"RESULT register {target['rps']:.0f} reg/s baseline {baseline_rps:.0f} req/s ratio {ratio:.2f}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
