"""Imports: reading files, guessing columns, checking rows, duplicate decisions, atomicity, progress,
the attendance rules (capacity, check-in), privacy (the file is deleted; matches only among the
organisation's people) and the audit."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.storage import open_stored
from hramada.events.models import Registration, RegistrationStatus
from hramada.events.tests.factories import EventFactory
from hramada.imports import reading, services
from hramada.imports.models import ImportedPerson, ImportJob
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.models import Person
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import SettlementFactory

pytestmark = pytest.mark.django_db


def csv_file(text: str, name="people.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="people.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def organiser(org):
    return member_of(org, Role.MANAGER)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start the import as the page does; the task runs at once after the commit (immediate backend)."""

    def start(job, organiser, decisions=None):
        with django_capture_on_commit_callbacks(execute=True):
            services.start_import(actor=organiser, job=job, decisions=decisions or {})
        job.refresh_from_db()
        return job

    return start


# --- Reading and columns -------------------------------------------------------------------------------


def test_headers_in_belarusian_russian_and_english_are_recognised():
    fields = reading.ATTENDANCE_FIELDS
    assert reading.guess_mapping(["Імя і прозвішча", "Тэлефон", "Вёска", "Прысутнічаў"], fields) == {
        "phone": 1,
        "settlement": 2,
        "checked_in": 3,
    } or reading.guess_mapping(["Імя", "Тэлефон", "Вёска", "Прысутнічаў"], fields) == {
        "name": 0,
        "phone": 1,
        "settlement": 2,
        "checked_in": 3,
    }
    assert reading.guess_mapping(["Имя", "Телефон", "Населенный пункт", "E-mail"], fields) == {
        "name": 0,
        "phone": 1,
        "settlement": 2,
        "email": 3,
    }
    assert reading.guess_mapping(["Full name", "E-mail address", "Attended"], fields) == {
        "name": 0,
        "email": 1,
        "checked_in": 2,
    }
    assert reading.guess_mapping(["ФИО", "Something"], reading.PEOPLE_FIELDS) == {"name": 0}


def test_yes_no_words_and_marks():
    assert [reading.parse_flag(w) for w in ["так", "Да", "yes", "+", "1", "x"]] == [True] * 6
    assert [reading.parse_flag(w) for w in ["не", "нет", "no", "-", "0"]] == [False] * 5
    assert reading.parse_flag("") is None
    with pytest.raises(ValueError):
        reading.parse_flag("maybe")


def test_upload_guesses_columns_and_counts_rows_of_csv_with_semicolons(org, organiser):
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=csv_file("Імя;Электронная пошта\nГанна;h@example.org\n\nПётр;\n"),
    )
    assert job.headers == ["Імя", "Электронная пошта"]
    assert job.mapping == {"name": 0, "email": 1}
    assert job.total_rows == 2
    assert job.file_format == "csv"
    assert AuditEntry.objects.filter(action="imports.import.uploaded").count() == 1


def test_upload_reads_xlsx(org, organiser):
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=xlsx_file([["Name", "Phone"], ["Anna", 291234567]]),
    )
    assert (job.file_format, job.mapping, job.total_rows) == ("xlsx", {"name": 0, "phone": 1}, 1)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file(""), "The file is empty."),
        (csv_file("Name,E-mail\n"), "header row but no people"),
        (SimpleUploadedFile("list.pdf", b"%PDF-1.4"), "Only CSV and XLSX"),
        (SimpleUploadedFile("list.xls", b"\xd0\xcf\x11\xe0rest"), "Old Excel"),
        (SimpleUploadedFile("list.xlsx", b"PK\x03\x04broken"), "could not be opened"),
        (csv_file("Імя\nГанна\n", encoding="cp1251"), "not in the chosen encoding"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(org, organiser, upload, message):
    with pytest.raises(DomainError) as err:
        services.create_import(actor=organiser, organisation=org, kind="people", upload=upload)
    assert message in err.value.message
    assert err.value.field == "file"
    assert not ImportJob.objects.exists()


def test_cp1251_files_are_read_when_chosen(org, organiser, run):
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=csv_file("Імя\nГанна\n", encoding="cp1251"),
        encoding="cp1251",
    )
    job = run(job, organiser)
    assert Person.objects.get(source=Person.Source.IMPORT).display_name == "Ганна"


def test_too_many_rows_and_too_large_files_are_refused(org, organiser, monkeypatch):
    monkeypatch.setattr(services, "MAX_ROWS", 2)
    with pytest.raises(DomainError, match="more than 2 rows"):
        services.create_import(
            actor=organiser, organisation=org, kind="people", upload=csv_file("Name\na\nb\nc\n")
        )
    monkeypatch.setattr(services, "MAX_BYTES", 10)
    with pytest.raises(DomainError, match="too large"):
        services.create_import(
            actor=organiser, organisation=org, kind="people", upload=csv_file("Name\nabcdefghijk\n")
        )


def test_only_the_organisations_organisers_may_import(org):
    member = member_of(org, Role.MEMBER)
    outsider = member_of(OrganisationFactory(), Role.MANAGER)
    for actor in (member, outsider):
        with pytest.raises(DomainError, match="organisers"):
            services.create_import(actor=actor, organisation=org, kind="people", upload=csv_file("Name\nA\n"))


def test_attendance_needs_an_event_of_the_organisation(org, organiser):
    with pytest.raises(DomainError) as err:
        services.create_import(
            actor=organiser, organisation=org, kind="attendance", upload=csv_file("Name\nA\n"), event=None
        )
    assert err.value.field == "event"
    with pytest.raises(DomainError, match="your organisation's events"):
        services.create_import(
            actor=organiser,
            organisation=org,
            kind="attendance",
            upload=csv_file("Name\nA\n"),
            event=EventFactory(),
        )


def test_mapping_needs_a_name_and_distinct_columns(org, organiser):
    job = services.create_import(
        actor=organiser, organisation=org, kind="people", upload=csv_file("A,B\nAnna,a@example.org\n")
    )
    with pytest.raises(DomainError, match="names"):
        services.set_mapping(actor=organiser, job=job, mapping={"email": 1})
    with pytest.raises(DomainError, match="one field only"):
        services.set_mapping(actor=organiser, job=job, mapping={"name": 0, "email": 0})
    with pytest.raises(DomainError, match="column of the file"):
        services.set_mapping(actor=organiser, job=job, mapping={"name": 5})
    services.set_mapping(actor=organiser, job=job, mapping={"name": 0, "email": 1})
    job.refresh_from_db()
    assert job.mapping == {"name": 0, "email": 1}


# --- Preview, validation and duplicates ------------------------------------------------------------------


def known_person(org, **values):
    """A person linked to the organisation (registered for one of its events)."""
    person = PersonFactory(**values)
    Registration.objects.create(
        event=EventFactory(organisation=org),
        person=person,
        status=RegistrationStatus.CANCELLED,
        ticket_code=person.public_id,
    )
    return person


def test_preview_checks_rows_and_offers_known_people_with_defaults(org, organiser):
    village = SettlementFactory(name="Башні", name_en="Bashni")
    anna = known_person(org, display_name="Anna Kowal", email="anna@example.org")
    hanna = known_person(org, display_name="Ганна Коваль", home_settlement=village)
    known_person(OrganisationFactory(), display_name="Elsewhere", email="else@example.org")
    text = (
        "Name,E-mail,Phone,Village\n"
        "A. Kowal,ANNA@example.org,,\n"  # row 2: same e-mail -> same person by default
        "Hanna Koval,,,Bashni\n"  # row 3: similar name in the same settlement -> new by default
        ",x@example.org,,\n"  # row 4: no name
        "Bad,not-an-email,12,Nowhere\n"  # row 5: three problems
        "Other,else@example.org,,\n"  # row 6: known only to another organisation: no match shown
    )
    job = services.create_import(actor=organiser, organisation=org, kind="people", upload=csv_file(text))
    result = services.preview(job)
    assert (result.total, result.valid, result.invalid, result.with_matches) == (5, 3, 2, 2)
    assert [r.number for r in result.errors] == [4, 5]
    assert result.errors[1].errors == [
        "“not-an-email” is not an e-mail address.",
        "“12” is not a phone number.",
        "No settlement called “Nowhere” is known.",
    ]
    decided = {row.number: (matches[0].person, default) for row, matches, default in result.matched}
    assert decided == {2: (anna, anna.public_id), 3: (hanna, services.NEW)}


def test_the_organisers_decisions_are_followed_and_invalid_rows_reported(org, organiser, run):
    village = SettlementFactory(name="Hodosy")
    anna = known_person(org, display_name="Anna Kowal", email="anna@example.org")
    hanna = known_person(org, display_name="Ганна Коваль", home_settlement=village)
    text = "Name,E-mail,Village\nA. Kowal,anna@example.org,\nHanna Koval,,Hodosy\nNew One,new@example.org,\n,,\nX,bad,\n"
    job = services.create_import(actor=organiser, organisation=org, kind="people", upload=csv_file(text))
    # Row 2 follows the default (same e-mail); row 3: the organiser says it is Hanna.
    job = run(job, organiser, {"3": hanna.public_id})
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.matched_count, job.skipped_count) == (1, 2, 1)
    assert job.errors == [[6, "“bad” is not an e-mail address."]]
    new = Person.objects.get(source=Person.Source.IMPORT)
    assert (new.display_name, new.email) == ("New One", "new@example.org")
    links = {link.row: (link.person, link.created) for link in ImportedPerson.objects.filter(job=job)}
    assert links == {2: (anna, False), 3: (hanna, False), 4: (new, True)}
    # The imported person now belongs to the organisation's people (later imports match them).
    assert new in services.people_of(org)


def test_a_known_phone_is_the_same_person_and_a_new_ones_phone_is_kept(org, organiser, run):
    hanna = known_person(org, display_name="Hanna Novik", phone="+375291234567")
    text = "Name,Phone\nГанна Новік,8 029 123-45-67\nNew One,+375 29 765 43 21\n"
    job = services.create_import(actor=organiser, organisation=org, kind="people", upload=csv_file(text))
    job = run(job, organiser)  # the defaults: same phone -> same person
    assert (job.created_count, job.matched_count) == (1, 1)
    links = {link.row: link.person for link in ImportedPerson.objects.filter(job=job)}
    assert links[2] == hanna
    assert links[3].phone == "+375297654321"
    # The next list with her number in another writing finds the imported person too.
    again = services.create_import(
        actor=organiser, organisation=org, kind="people", upload=csv_file("Name,Tel\nN. One,+375297654321\n")
    )
    assert services.preview(again).matched[0][1][0].person == links[3]


def test_new_person_decision_overrides_an_exact_match(org, organiser, run):
    known_person(org, display_name="Anna", email="anna@example.org")
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=csv_file("Name,E-mail\nAnna B,anna@example.org\n"),
    )
    job = run(job, organiser, {"2": services.NEW})
    assert job.created_count == 1
    assert Person.objects.filter(email="anna@example.org").count() == 2


def test_rows_with_the_same_email_in_one_file_are_one_new_person(org, organiser, run):
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=csv_file("Name,E-mail\nAnna,a@example.org\nAnna K.,A@example.org\n"),
    )
    job = run(job, organiser)
    assert job.created_count == 1
    assert Person.objects.filter(source=Person.Source.IMPORT).count() == 1


def test_a_failing_row_mid_import_leaves_nothing_and_is_reported(org, organiser, run):
    gone = known_person(org, display_name="Gone", email="gone@example.org")
    text = "Name,E-mail\nFirst,first@example.org\nGone,gone@example.org\nLast,last@example.org\n"
    job = services.create_import(actor=organiser, organisation=org, kind="people", upload=csv_file(text))
    # The organiser chose a person who is erased before the import runs.
    decisions = {"3": gone.public_id}
    Person.objects.filter(pk=gone.pk).update(erased_at=timezone.now())
    job = run(job, organiser, decisions)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [[3, "The person chosen for this row no longer exists; check the duplicates again."]]
    assert not Person.objects.filter(source=Person.Source.IMPORT).exists()
    assert not ImportedPerson.objects.exists()
    assert AuditEntry.objects.filter(action="imports.import.failed").count() == 1


def test_a_database_failure_while_writing_rolls_everything_back(org, organiser, monkeypatch, run):
    event = EventFactory(organisation=org)
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="attendance",
        event=event,
        upload=csv_file("Name\n" + "".join(f"Person {i}\n" for i in range(2500))),
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # People are written first (2,500 of them, in batches); the registrations then fail.
    monkeypatch.setattr(services, "_register_attendance", broken)
    job = run(job, organiser)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [[0, "The import failed unexpectedly; nothing was imported."]]
    assert not Person.objects.filter(source=Person.Source.IMPORT).exists()
    assert not Registration.objects.exists()
    event.refresh_from_db()
    assert event.confirmed_count == 0


def test_the_file_is_deleted_after_the_import_and_the_import_audited(org, organiser, run):
    job = services.create_import(
        actor=organiser, organisation=org, kind="people", upload=csv_file("Name\nA\n")
    )
    name = job.file.name
    assert open_stored(name) is not None
    job = run(job, organiser)
    assert job.file.name == ""
    assert open_stored(name) is None
    entry = AuditEntry.objects.get(action="imports.import.completed")
    assert entry.data["created_count"] == 1
    assert entry.actor == organiser


def test_an_import_runs_once(org, organiser, run):
    job = services.create_import(
        actor=organiser, organisation=org, kind="people", upload=csv_file("Name\nA\n")
    )
    job = run(job, organiser)
    with pytest.raises(DomainError, match="already started"):
        services.start_import(actor=organiser, job=job, decisions={})
    services.run_import(job.pk)
    assert Person.objects.filter(source=Person.Source.IMPORT).count() == 1


def test_progress_moves_forward_to_the_end(org, organiser):
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="people",
        upload=csv_file("Name\n" + "".join(f"Person {i}\n" for i in range(3000))),
    )
    services.start_import(actor=organiser, job=job, decisions={})  # outside a commit: run by hand below
    seen = []
    job = services.run_import(job.pk, on_progress=seen.append)
    assert job.status == ImportJob.Status.DONE and job.progress == 100
    assert len(seen) >= 5
    assert seen == sorted(seen)
    assert seen[0] < 60 <= seen[-1]


# --- Attendance ----------------------------------------------------------------------------------------


def test_attendance_registers_and_checks_in_and_raises_capacity_for_people_who_were_there(
    org, organiser, run
):
    event = EventFactory(organisation=org, capacity=2, starts_at=timezone.now() - timedelta(days=3))
    already = known_person(org, display_name="Already", email="already@example.org")
    Registration.objects.create(
        event=event, person=already, status=RegistrationStatus.WAITLISTED, ticket_code="t1"
    )
    text = "Name,E-mail,Was there\nAlready,already@example.org,так\nB,,да\nC,,нет\nD,,\nD2,,maybe\n"
    job = services.create_import(
        actor=organiser, organisation=org, kind="attendance", event=event, upload=csv_file(text)
    )
    assert job.mapping == {"name": 0, "email": 1, "checked_in": 2}
    job = run(job, organiser)
    assert job.status == ImportJob.Status.DONE
    assert job.registered_count == 4
    assert job.errors == [[6, "“maybe” in “was there” is neither yes nor no."]]
    assert job.notes == [
        "The list had more people than the event's places: its places were raised from 2 to 4."
    ]
    regs = {
        r.person.display_name: r for r in Registration.objects.filter(event=event).select_related("person")
    }
    assert {name: (r.status, r.checked_in_at is not None) for name, r in regs.items()} == {
        "Already": ("confirmed", True),
        "B": ("confirmed", True),
        "C": ("confirmed", False),
        "D": ("confirmed", True),  # an empty cell on an attendance list: was there
    }
    assert regs["B"].checked_in_at == event.starts_at
    assert regs["B"].registered_by == organiser.person
    event.refresh_from_db()
    assert (event.confirmed_count, event.capacity) == (4, 4)


def test_attendance_of_a_person_already_checked_in_changes_nothing(org, organiser, run):
    event = EventFactory(organisation=org)
    person = known_person(org, display_name="Here", email="here@example.org")
    at = timezone.now() - timedelta(hours=1)
    Registration.objects.create(
        event=event, person=person, status=RegistrationStatus.CONFIRMED, ticket_code="t2", checked_in_at=at
    )
    event.confirmed_count = 1
    event.save()
    job = services.create_import(
        actor=organiser,
        organisation=org,
        kind="attendance",
        event=event,
        upload=csv_file("Name,E-mail\nHere,here@example.org\n"),
    )
    job = run(job, organiser)
    assert job.registered_count == 0
    assert Registration.objects.get(event=event).checked_in_at == at
    event.refresh_from_db()
    assert event.confirmed_count == 1
