"""Benchmark: a 50,000-row CSV import of people through the real import service on PostgreSQL, against
a plain ``bulk_create`` of the same people, with progress printed and peak memory checked.

One database (``BENCH_DB``, default ``bench_imports``, dropped and created again): one organisation,
60 settlements and 5,000 people the organisation already knows (an earlier import). The file: 50,000
rows (name, e-mail, settlement); every 50th row has the e-mail of a known person (matched, not
created), the rest are new. The import runs as the background task does (``services.run_import``:
read and check every row, match against the organisation's people, write in one transaction).
The baseline: ``Person.objects.bulk_create`` of the same 50,000 people in batches of 1,000, in one
transaction (rolled back).

Checks (status 1 if any fails): the import is done with the expected counts; peak memory of the
process (``ru_maxrss``) under 500 MB.

    .venv/bin/python bench/imports.py [--rows 50000] [--known 5000]

Last line: RESULT imports <ms per 1000 rows> ms baseline <ms per 1000 rows> ratio <import/baseline>
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DB", "bench_imports")

from bench import harness  # noqa: E402

MEMORY_LIMIT_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--known", type=int, default=5_000)
    args = parser.parse_args()

    harness.setup_django(harness.fresh_database())
    from django.core.files import File
    from django.db import transaction

    from hramada.imports import services
    from hramada.imports.models import ImportedPerson, ImportJob
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person, User
    from hramada.places.models import Country, Region, Settlement

    country, _c = Country.objects.get_or_create(code="BY", defaults={"name": "Belarus"})
    region, _r = Region.objects.get_or_create(
        code="BY-MA", defaults={"country": country, "name": "Mogilev Region"}
    )
    settlements = [
        Settlement.objects.create(region=region, name=f"Village {i}", kind=Settlement.Kind.VILLAGE)
        for i in range(60)
    ]
    organisation = Organisation.objects.create(
        name="Bench NGO", slug="bench-ngo", kind="ngo", country=country
    )
    staff = User.objects.create_user("staff@example.org", is_staff=True)
    Person.objects.create(user=staff, display_name="Staff", email=staff.email)
    earlier = ImportJob.objects.create(
        organisation=organisation, kind="people", file_format="csv", status="done"
    )
    known = Person.objects.bulk_create(
        [
            Person(
                display_name=f"Known Person {i}",
                email=f"known{i}@example.org",
                home_settlement=settlements[i % 60],
                source=Person.Source.IMPORT,
            )
            for i in range(args.known)
        ],
        batch_size=1000,
    )
    ImportedPerson.objects.bulk_create(
        [ImportedPerson(job=earlier, person=p, created=True, row=i + 2) for i, p in enumerate(known)],
        batch_size=1000,
    )

    def row(i: int) -> tuple[str, str, str]:
        if i % 50 == 0:
            k = i % args.known
            return f"Known Person {k}", f"known{k}@example.org", f"Village {k % 60}"
        return f"Імя{i} Прозвішча{i % 997}", f"new{i}@example.org", f"Village {i % 60}"

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as out:
        out.write("Імя,Электронная пошта,Вёска\n")
        for i in range(args.rows):
            out.write(",".join(row(i)) + "\n")
        path = out.name
    expected_matched = sum(1 for i in range(args.rows) if i % 50 == 0)
    print(
        f"file: {args.rows} rows, {os.path.getsize(path) / 1e6:.1f} MB; known people: {args.known}",
        flush=True,
    )

    started = time.perf_counter()
    with open(path, "rb") as handle:
        job = services.create_import(
            actor=staff, organisation=organisation, kind="people", upload=File(handle, name="bench.csv")
        )
    print(f"uploaded and counted in {time.perf_counter() - started:.1f} s; mapping {job.mapping}", flush=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    last = [-10]

    def progress(pct: int) -> None:
        if pct >= last[0] + 10:
            last[0] = pct
            print(
                f"  progress {pct:3d}%  {time.perf_counter() - run_started:6.1f} s  peak {peak_mb():.0f} MB",
                flush=True,
            )

    run_started = time.perf_counter()
    job = services.run_import(job.pk, on_progress=progress)
    run_ms = (time.perf_counter() - run_started) * 1000
    print(
        f"import: {job.status} in {run_ms / 1000:.1f} s; created {job.created_count}, matched {job.matched_count}, "
        f"skipped {job.skipped_count}",
        flush=True,
    )

    people = [
        Person(
            display_name=name,
            email=email,
            home_settlement=settlements[int(village.split()[1])],
            source="import",
        )
        for name, email, village in (row(i) for i in range(args.rows))
    ]
    base_started = time.perf_counter()
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        transaction.set_rollback(True)
    base_ms = (time.perf_counter() - base_started) * 1000
    os.unlink(path)

    peak = peak_mb()
    ok = True
    if job.status != ImportJob.Status.DONE or job.matched_count != expected_matched:
        print(f"CHECK FAILED: expected done with {expected_matched} matched", flush=True)
        ok = False
    if job.created_count != args.rows - expected_matched:
        print(f"CHECK FAILED: expected {args.rows - expected_matched} created", flush=True)
        ok = False
    print(f"peak memory {peak:.0f} MB (limit {MEMORY_LIMIT_MB} MB)", flush=True)
    if peak >= MEMORY_LIMIT_MB:
        print("CHECK FAILED: peak memory over the limit", flush=True)
        ok = False
    per_k = run_ms / args.rows * 1000
    base_per_k = base_ms / args.rows * 1000
    print(
        f"RESULT imports {per_k:.1f} ms baseline {base_per_k:.1f} ms ratio {per_k / base_per_k:.2f}",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
