"""Importing people and event attendance from organisers' spreadsheets.

The flow: ``create_import`` (the file is checked, stored privately and its columns guessed) ->
``set_mapping`` -> ``preview`` (validation and possible duplicates, nothing written) -> ``start_import``
(the organiser's decisions; a background task) -> ``run_import``, which reads every row, then writes
everything in ONE transaction: a failure leaves no row behind. The file is deleted when the import ends,
whatever the outcome.

Rules decided here (see docs/imports.md):
- rows with validation errors are skipped and listed in the error report; the rest are imported;
- possible duplicates are looked for only among the people linked to the organisation (its events'
  registrations, members, earlier imports...), never among everyone's data;
- a row matched by e-mail or phone (score >= 95) is the same person unless the organiser decided
  otherwise; a similar name alone is never merged without the organiser's choice;
- attendance: the people on the list were there, so capacity does not refuse them: the event's
  places are raised to the number confirmed when the list is longer (noted in the result and audit).

Departure from "one write path" (people.services.create_person, events.services.register): 50,000 rows
cannot go through per-row services, so people and registrations are written here with ``bulk_create``
under the same rules (source "import", the event's counter kept, no e-mails sent to imported people).
"""

import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit, registry
from hramada.core.errors import DomainError
from hramada.core.storage import delete_stored, open_stored
from hramada.core.tasks import enqueue_on_commit
from hramada.events.models import ACTIVE, HOLDS_PLACE, Event, Registration, RegistrationStatus
from hramada.orgs.models import Organisation
from hramada.orgs.registry import organisation_people_filter
from hramada.people.duplicates import (
    REASON_EMAIL,
    REASON_PHONE,
    Candidate,
    Match,
    Matcher,
    normalise_email,
    normalise_name,
    normalise_phone,
)
from hramada.people.models import Person
from hramada.places.models import Settlement

from . import reading, tasks
from .models import ImportedPerson, ImportJob

log = logging.getLogger(__name__)

MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 100_000)
BATCH = 1000
NEW = "new"


# --- Permissions ------------------------------------------------------------------------------------


def _require_organiser(actor, organisation):
    if not (actor and actor.has_perm("imports.import_people", organisation)):
        raise DomainError(_("Only the organisation's organisers can import."))


def _require_event(actor, organisation, event):
    if event is None:
        raise DomainError(_("Choose the event the attendance list is for."), field="event")
    if event.organisation_id != organisation.pk or not actor.has_perm("events.manage_event", event):
        raise DomainError(_("You can import attendance only for your organisation's events."), field="event")


# --- Upload -----------------------------------------------------------------------------------------


def create_import(
    *, actor, organisation: Organisation, kind: str, upload, event: Event | None = None, encoding="utf-8"
) -> ImportJob:
    """Check an uploaded file (type, encoding, size, rows), keep it in the private storage and guess
    which column is which; nothing is imported yet."""
    _require_organiser(actor, organisation)
    if kind not in ImportJob.Kind.values:
        raise DomainError(_("Choose what the file holds."), field="kind")
    if kind == ImportJob.Kind.ATTENDANCE:
        _require_event(actor, organisation, event)
    else:
        event = None
    if encoding not in dict(reading.ENCODINGS):
        raise DomainError(_("Choose the file's encoding."), field="encoding")
    if upload is None or not upload.size:
        raise DomainError(_("The file is empty."), field="file")
    if upload.size > MAX_BYTES:
        raise DomainError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)}, field="file"
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    try:
        file_format = reading.sniff_format(upload.name, head)
        headers, total = _count(upload, file_format, encoding)
    except DomainError as exc:
        raise DomainError(exc.message, field="file") from None
    upload.seek(0)
    fields = reading.ATTENDANCE_FIELDS if kind == ImportJob.Kind.ATTENDANCE else reading.PEOPLE_FIELDS
    job = ImportJob(
        organisation=organisation,
        event=event,
        kind=kind,
        original_name=(upload.name or "")[:200],
        file_format=file_format,
        encoding=encoding if file_format == "csv" else "",
        headers=headers,
        total_rows=total,
        mapping=reading.guess_mapping(headers, fields),
        requested_by=actor,
    )
    with transaction.atomic():
        job.file.save(f"import.{file_format}", File(upload), save=False)
        job.save()
        audit.record(
            actor=actor,
            action="imports.import.uploaded",
            target=job,
            scope=organisation,
            data={
                "kind": kind,
                "rows": total,
                "format": file_format,
                "event": event.public_id if event else None,
            },
        )
    return job


def _count(stream, file_format, encoding) -> tuple[list[str], int]:
    rows = reading.iter_rows(stream, file_format, encoding)
    first = next(rows, None)
    if first is None:
        raise DomainError(_("The file is empty."))
    headers = [h or _("Column %(n)s") % {"n": i + 1} for i, h in enumerate(first[1])]
    total = 0
    for _number, _cells in rows:
        total += 1
        if total > MAX_ROWS:
            raise DomainError(
                _("The file has more than %(max)s rows: split it into parts.") % {"max": MAX_ROWS}
            )
    if total == 0:
        raise DomainError(_("The file has a header row but no people under it."))
    return headers, total


def fields_of(job) -> list[str]:
    return reading.ATTENDANCE_FIELDS if job.kind == ImportJob.Kind.ATTENDANCE else reading.PEOPLE_FIELDS


def set_mapping(*, actor, job: ImportJob, mapping: dict[str, int | None]) -> ImportJob:
    """Which column holds which field: the name is required and no column is used twice."""
    _require_organiser(actor, job.organisation)
    if job.status != ImportJob.Status.UPLOADED:
        raise DomainError(_("This import has already started."))
    clean: dict[str, int] = {}
    for name in fields_of(job):
        index = mapping.get(name)
        if index is None or index == "":
            continue
        index = int(index)
        if not 0 <= index < len(job.headers):
            raise DomainError(_("Choose a column of the file."), field=name)
        if index in clean.values():
            raise DomainError(_("Each column can be used for one field only."), field=name)
        clean[name] = index
    if "name" not in clean:
        raise DomainError(_("Choose the column with the people's names."), field="name")
    job.mapping = clean
    ImportJob.objects.filter(pk=job.pk).update(mapping=clean, updated_at=timezone.now())
    return job


# --- Reading and checking rows ---------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    name: str = ""
    email: str = ""
    phone: str = ""
    settlement_id: int | None = None
    settlement_text: str = ""
    checked_in: bool = True
    errors: list[str] = field(default_factory=list)

    @property
    def candidate(self) -> Candidate:
        return Candidate(name=self.name, email=self.email, phone=self.phone, settlement_id=self.settlement_id)


class SettlementIndex:
    """Settlements by normalised name in any language, read once per import."""

    def __init__(self):
        self.by_name: dict[str, set[int]] = {}
        columns = ["id", "name"] + [f"name_{code}" for code, _n in settings.LANGUAGES]
        existing = {f.attname for f in Settlement._meta.concrete_fields}
        for values in Settlement.objects.values_list(*[c for c in columns if c in existing]):
            for text in values[1:]:
                if text:
                    self.by_name.setdefault(normalise_name(text), set()).add(values[0])

    def find(self, text: str) -> tuple[int | None, str]:
        ids = self.by_name.get(normalise_name(text), set())
        if len(ids) == 1:
            return next(iter(ids)), ""
        if not ids:
            return None, _("No settlement called “%(name)s” is known.") % {"name": text}
        return None, _("Several settlements are called “%(name)s”: leave it empty or correct the name.") % {
            "name": text
        }


def iter_checked_rows(job: ImportJob, *, settlements: SettlementIndex | None = None):
    """Every data row of the stored file, mapped and checked (``Row.errors`` lists what is wrong)."""
    settlements = settlements or SettlementIndex()
    mapping = job.mapping
    stream = open_stored(job.file.name)
    if stream is None:
        raise DomainError(_("The uploaded file is no longer there: upload it again."))
    with stream:
        rows = reading.iter_rows(stream, job.file_format, job.encoding or "utf-8")
        next(rows, None)  # the header
        for number, cells in rows:
            yield _check(job, number, cells, mapping, settlements)


def _value(cells, mapping, name) -> str:
    index = mapping.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _check(job, number, cells, mapping, settlements) -> Row:
    row = Row(number=number)
    row.name = " ".join(_value(cells, mapping, "name").split())
    if not row.name:
        row.errors.append(_("The name is empty."))
    elif len(row.name) > 120:
        row.errors.append(_("The name is longer than 120 characters."))
    email = _value(cells, mapping, "email")
    if email:
        try:
            validate_email(email)
            row.email = email.strip()
        except ValidationError:
            row.errors.append(_("“%(value)s” is not an e-mail address.") % {"value": email})
    phone = _value(cells, mapping, "phone")
    if phone:
        row.phone = normalise_phone(phone)
        if not row.phone:
            row.errors.append(_("“%(value)s” is not a phone number.") % {"value": phone})
    row.settlement_text = _value(cells, mapping, "settlement")
    if row.settlement_text:
        row.settlement_id, problem = settlements.find(row.settlement_text)
        if problem:
            row.errors.append(problem)
    if job.kind == ImportJob.Kind.ATTENDANCE:
        try:
            flag = reading.parse_flag(_value(cells, mapping, "checked_in"))
        except ValueError:
            row.errors.append(
                _("“%(value)s” in “was there” is neither yes nor no.")
                % {"value": _value(cells, mapping, "checked_in")}
            )
        else:
            row.checked_in = True if flag is None else flag
    return row


def people_of(organisation):
    """The people possible duplicates are looked for among: those linked to the organisation."""
    return Person.objects.filter(organisation_people_filter(organisation), erased_at__isnull=True)


def default_decision(matches: list[Match]) -> str:
    """The top match when it is exact (same e-mail or phone), else a new person: a similar name alone
    (even 100% similar) is never taken for the same person without the organiser's choice."""
    if matches and any(reason in (REASON_EMAIL, REASON_PHONE) for reason in matches[0].reasons):
        return matches[0].person.public_id
    return NEW


@dataclass
class Preview:
    total: int = 0
    valid: int = 0
    invalid: int = 0
    with_matches: int = 0
    first: list = field(default_factory=list)  # (row, matches) of the first rows
    errors: list = field(default_factory=list)  # rows with errors (first ones)
    matched: list = field(default_factory=list)  # (row, matches, default) needing a decision (first ones)


def preview(job: ImportJob, *, first: int = 10, max_listed: int = 200) -> Preview:
    """What the import would do, without writing: the first rows, the rows with errors and the rows with
    possible duplicates (with the default decision for each)."""
    matcher = Matcher(people_of(job.organisation))
    result = Preview()
    for row in iter_checked_rows(job):
        result.total += 1
        matches = matcher.find(row.candidate) if not row.errors else []
        if len(result.first) < first:
            result.first.append((row, matches))
        if row.errors:
            result.invalid += 1
            if len(result.errors) < max_listed:
                result.errors.append(row)
            continue
        result.valid += 1
        if matches:
            result.with_matches += 1
            if len(result.matched) < max_listed:
                decided = job.decisions.get(str(row.number)) or default_decision(matches)
                result.matched.append((row, matches, decided))
    return result


def start_import(*, actor, job: ImportJob, decisions: dict[str, str]) -> ImportJob:
    """Record the organiser's decisions (row number -> a person's public id or "new") and queue the import."""
    _require_organiser(actor, job.organisation)
    if job.kind == ImportJob.Kind.ATTENDANCE:
        _require_event(actor, job.organisation, job.event)
    if "name" not in job.mapping:
        raise DomainError(_("Choose the column with the people's names first."))
    clean = {}
    for key, value in decisions.items():
        if not str(key).isdigit() or not isinstance(value, str) or not value or len(value) > 26:
            raise DomainError(_("A decision about a possible duplicate is not valid."))
        clean[str(int(key))] = value
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.UPLOADED).update(
            status=ImportJob.Status.QUEUED, decisions=clean, progress=0, updated_at=timezone.now()
        )
        if not updated:
            raise DomainError(_("This import has already started."))
        audit.record(
            actor=actor,
            action="imports.import.started",
            target=job,
            scope=job.organisation,
            data={"decisions": len(clean)},
        )
        enqueue_on_commit(tasks.run_import, job.pk)
    job.refresh_from_db()
    return job


# --- Running --------------------------------------------------------------------------------------------


class RowFailure(Exception):
    def __init__(self, number: int, message: str):
        super().__init__(message)
        self.number = number
        self.message = message


def progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def current_progress(job: ImportJob) -> int:
    """The job's progress; while its transaction runs, the shared cache knows more than the row."""
    cached = cache.get(progress_key(job.pk)) if job.status == ImportJob.Status.RUNNING else None
    return max(job.progress, cached or 0)


def run_import(job_id: int, *, on_progress=None) -> ImportJob:
    """Import every valid row in one transaction (nothing is left when any of it fails), report the
    invalid rows, then delete the uploaded file."""
    job = ImportJob.objects.select_related("organisation", "event", "requested_by").get(pk=job_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, progress=1
    )
    if not claimed:
        return job

    def step(pct: int, *, in_transaction: bool = False) -> None:
        pct = max(1, min(99, pct))
        if on_progress:
            on_progress(pct)
        if in_transaction:  # the row's update would be invisible until the commit
            cache.set(progress_key(job.pk), pct, 3600)
        else:
            ImportJob.objects.filter(pk=job.pk).update(progress=pct)

    errors: list[list] = []
    try:
        rows, errors = _read_all(job, step)
        step(60)
        with transaction.atomic():
            counts, notes = _write(job, rows, lambda pct: step(pct, in_transaction=True))
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                progress=100,
                errors=errors,
                notes=notes,
                skipped_count=len(errors),
                finished_at=timezone.now(),
                **counts,
            )
            audit.record(
                actor=job.requested_by,
                action="imports.import.completed",
                target=job,
                scope=job.organisation,
                data={
                    "kind": job.kind,
                    "event": job.event.public_id if job.event else None,
                    "skipped": len(errors),
                    "notes": notes,
                    **counts,
                },
            )
            # One message for the whole list (not one per registration: a list may hold 50,000 rows);
            # the receiver reads the registrations through the API if it wants them.
            registry.emit(
                "import.completed",
                job.organisation_id,
                {
                    "import": job.public_id,
                    "kind": job.kind,
                    "event": {"id": job.event.public_id, "slug": job.event.slug} if job.event else None,
                    "people_created": counts["created_count"],
                    "people_matched": counts["matched_count"],
                    "registrations": counts.get("registered_count", 0),
                    "rows_skipped": len(errors),
                },
            )
    except Exception as exc:
        if isinstance(exc, RowFailure):
            errors = [*errors, [exc.number, exc.message]]
        elif isinstance(exc, DomainError):
            errors = [*errors, [0, exc.message]]
        else:
            log.exception("import %s failed", job.public_id)
            errors = [*errors, [0, _("The import failed unexpectedly; nothing was imported.")]]
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            errors=sorted(errors, key=lambda e: e[0]),
            created_count=0,
            matched_count=0,
            registered_count=0,
            skipped_count=0,
            finished_at=timezone.now(),
        )
        audit.record(
            actor=job.requested_by,
            action="imports.import.failed",
            target=job,
            scope=job.organisation,
            data={"reason": str(errors[-1][1])[:200]},
        )
    finally:
        cache.delete(progress_key(job.pk))
        if job.file:
            delete_stored(job.file.name)
            ImportJob.objects.filter(pk=job.pk).update(file="")
    job.refresh_from_db()
    return job


def _read_all(job, step):
    """Checked rows and their people: (number, row, person id or None for a new person), and errors."""
    matcher = Matcher(people_of(job.organisation))
    known = {p.public_id: p.pk for people in matcher.by_settlement.values() for p in people[1]}
    known.update({p.public_id: p.pk for people in matcher.by_email.values() for p in people})
    known.update({p.public_id: p.pk for people in matcher.by_phone.values() for p in people})
    decisions = job.decisions
    total = max(job.total_rows, 1)
    every = max(500, total // 50)
    rows, errors = [], []
    for i, row in enumerate(iter_checked_rows(job), start=1):
        if i % every == 0:
            step(i * 60 // total)
        if row.errors:
            errors.append([row.number, "; ".join(row.errors)])
            continue
        decided = decisions.get(str(row.number))
        if decided is None:
            decided = default_decision(matcher.find(row.candidate, limit=1))
        if decided == NEW:
            rows.append((row, None))
            continue
        person_id = known.get(decided)
        if person_id is None:
            # A choice of a person who is no longer among the organisation's people (erased or merged
            # since the preview): the whole import stops rather than guess.
            raise RowFailure(
                row.number, _("The person chosen for this row no longer exists; check the duplicates again.")
            )
        rows.append((row, person_id))
    return rows, errors


def _write(job, rows, step) -> tuple[dict, list]:
    notes: list[str] = []
    # New people: rows with the same e-mail (or phone) in the file are one new person.
    new_people: list[Person] = []
    same_in_file: dict[str, int] = {}
    row_person: list[tuple[int, int | None, int | None]] = []  # (row number, person id, new index)
    for row, person_id in rows:
        if person_id is not None:
            row_person.append((row.number, person_id, None))
            continue
        keys = [k for k in (normalise_email(row.email), row.phone) if k]
        index = next((same_in_file[k] for k in keys if k in same_in_file), None)
        if index is None:
            index = len(new_people)
            new_people.append(
                Person(
                    display_name=row.name[:120],
                    email=row.email,
                    phone=row.phone,
                    home_settlement_id=row.settlement_id,
                    source=Person.Source.IMPORT,
                )
            )
        for k in keys:
            same_in_file.setdefault(k, index)
        row_person.append((row.number, None, index))
    for start in range(0, len(new_people), BATCH):
        Person.objects.bulk_create(new_people[start : start + BATCH])
        step(60 + 20 * min(start + BATCH, len(new_people)) // max(len(new_people), 1))
    resolved = [
        (n, pid if pid is not None else new_people[idx].pk, idx is not None) for n, pid, idx in row_person
    ]
    links = [ImportedPerson(job=job, person_id=pid, created=created, row=n) for n, pid, created in resolved]
    ImportedPerson.objects.bulk_create(links, batch_size=BATCH)
    step(85)
    counts = {"created_count": len(new_people), "matched_count": sum(1 for _n, pid, _i in row_person if pid)}
    if job.kind == ImportJob.Kind.ATTENDANCE:
        checked = {}
        for (row, _pid), (_n, person_id, _c) in zip(rows, resolved, strict=True):
            if person_id in checked:
                checked[person_id] = checked[person_id] or row.checked_in
            else:
                checked[person_id] = row.checked_in
        if len(checked) < len(resolved):
            notes.append(_("Some people appear more than once in the list: each is registered once."))
        counts["registered_count"], more_notes = _register_attendance(job, checked, step)
        notes.extend(more_notes)
    step(99)
    return counts, [str(n) for n in notes]


def _register_attendance(job, checked: dict[int, bool], step) -> tuple[int, list]:
    """Registrations for the people who were at the event: confirmed, checked in when the list says so.

    Capacity: people who were there are never refused; when they outnumber the places, the event's
    places are raised to the number confirmed (noted)."""
    event = Event.objects.select_for_update(no_key=True).get(pk=job.event_id)
    actor_person = Person.objects.filter(user=job.requested_by).first() if job.requested_by_id else None
    at = min(event.starts_at, timezone.now())
    ids = list(checked)
    existing: dict[int, Registration] = {}
    for start in range(0, len(ids), BATCH):
        for registration in Registration.objects.filter(
            event=event, person_id__in=ids[start : start + BATCH], status__in=ACTIVE
        ):
            existing[registration.person_id] = registration
    new_places = 0
    changed = []
    for person_id, registration in existing.items():
        touched = False
        if registration.status not in HOLDS_PLACE:
            registration.status = RegistrationStatus.CONFIRMED
            new_places += 1
            touched = True
        if checked[person_id] and registration.checked_in_at is None:
            registration.checked_in_at = at
            registration.checked_in_by = actor_person
            touched = True
        if touched:
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["status", "checked_in_at", "checked_in_by"], batch_size=BATCH)
    created = [
        Registration(
            event=event,
            person_id=person_id,
            status=RegistrationStatus.CONFIRMED,
            ticket_code=secrets.token_urlsafe(12),
            registered_by=actor_person,
            checked_in_at=at if was_there else None,
            checked_in_by=actor_person if was_there else None,
        )
        for person_id, was_there in checked.items()
        if person_id not in existing
    ]
    for start in range(0, len(created), BATCH):
        Registration.objects.bulk_create(created[start : start + BATCH])
        step(85 + 14 * min(start + BATCH, len(created)) // max(len(created), 1))
    new_places += len(created)
    notes = []
    confirmed = event.confirmed_count + new_places
    update = {"confirmed_count": F("confirmed_count") + new_places}
    if event.capacity is not None and confirmed > event.capacity:
        update["capacity"] = confirmed
        notes.append(
            _(
                "The list had more people than the event's places: its places were raised from %(old)s to %(new)s."
            )
            % {"old": event.capacity, "new": confirmed}
        )
    Event.objects.filter(pk=event.pk).update(**update)
    return len(created) + len(changed), notes


def error_rows(job: ImportJob) -> list[list]:
    return list(job.errors)
