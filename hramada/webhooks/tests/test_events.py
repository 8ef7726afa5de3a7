"""Each event reaches a subscribed endpoint exactly once per committed change, and never for a change
rolled back; other organisations' endpoints and endpoints not subscribed get nothing. The payloads
carry public ids, not names (docs/webhooks.md lists them)."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from hramada.contests import submissions
from hramada.contests.models import Stage
from hramada.contests.tests.factories import CategoryFactory, EditionFactory, StageFactory, open_call
from hramada.events import services as events
from hramada.events.tests.factories import EventFactory
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory
from hramada.webhooks import services
from hramada.webhooks.models import Delivery

from .factories import EndpointFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def bodies(receiver) -> list[dict]:
    return [json.loads(r["body"]) for r in receiver.requests]


@pytest.fixture
def hooked(org, receiver):
    """An endpoint of ``org`` for every event, one of another organisation, one not subscribed."""
    EndpointFactory(url=receiver.url)  # another organisation's
    EndpointFactory(organisation=org, url=receiver.url, event_types=["issue.answered"])  # not subscribed
    return EndpointFactory(organisation=org, url=receiver.url)


def test_registration_created_and_cancelled_fire_once_each(
    org, hooked, receiver, django_capture_on_commit_callbacks
):
    event = EventFactory(organisation=org)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = events.register(event=event, person=user.person)
    [created] = bodies(receiver)
    assert created["type"] == "registration.created"
    assert created["data"] == {
        "registration": registration.public_id,
        "event": {"id": event.public_id, "slug": event.slug},
        "status": "confirmed",
        "staff_entry": False,
    }
    assert user.email not in json.dumps(created) and str(user.person) not in json.dumps(created)
    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(actor=user, registration=registration)
    assert [b["type"] for b in bodies(receiver)] == ["registration.created", "registration.cancelled"]
    assert bodies(receiver)[1]["data"]["by_participant"] is True
    assert Delivery.objects.filter(endpoint=hooked).count() == 2
    assert Delivery.objects.count() == 2  # the other endpoints got nothing


def test_no_event_for_a_registration_rolled_back(org, hooked, receiver, django_capture_on_commit_callbacks):
    event = EventFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
        events.register(event=event, person=UserFactory().person)
        raise Rollback
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_no_event_for_a_refused_registration(org, hooked, receiver, django_capture_on_commit_callbacks):
    event = EventFactory(organisation=org)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        events.register(event=event, person=user.person)
        with pytest.raises(events.DomainError):
            events.register(event=event, person=user.person)  # already registered
    assert [b["type"] for b in bodies(receiver)] == ["registration.created"]


@pytest.fixture
def draft(org):
    edition = EditionFactory(contest__organisation=org)
    open_call(edition)
    lead = UserFactory()
    category = CategoryFactory(edition=edition)
    project = submissions.create_draft(user=lead, category=category, title="Bashni", summary="Towers.")
    return lead, submissions.update_draft(user=lead, project=project, settlement=SettlementFactory())


def test_submission_received_fires_once(draft, hooked, receiver, django_capture_on_commit_callbacks):
    lead, project = draft
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submit_project(user=lead, project=project)
    [received] = bodies(receiver)
    assert received["type"] == "submission.received"
    assert received["data"]["project"] == project.public_id
    assert received["data"]["edition"] == project.edition.public_id
    assert received["data"]["category"] == project.category.public_id


def test_no_submission_event_when_rolled_back(draft, hooked, receiver, django_capture_on_commit_callbacks):
    lead, project = draft
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
        submissions.submit_project(user=lead, project=project)
        raise Rollback
    assert receiver.requests == []


def test_vote_stage_closed_fires_once_per_stage(org, hooked, receiver, django_capture_on_commit_callbacks):
    now = timezone.now()
    edition = EditionFactory(contest__organisation=org)
    closed = StageFactory(
        edition=edition, starts_at=now - timedelta(days=7), ends_at=now - timedelta(minutes=5)
    )
    StageFactory(edition=EditionFactory(contest__organisation=org))  # still open
    StageFactory(  # closed long ago: not announced (e.g. on the job's first run)
        edition=EditionFactory(contest__organisation=org),
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=20),
    )
    StageFactory(  # a draft edition's vote
        edition=EditionFactory(contest__organisation=org, published_at=None),
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(minutes=5),
    )
    StageFactory(  # not a vote
        edition=edition,
        kind=Stage.Kind.CALL,
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=8),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_closed_votes() == 1
        assert services.announce_closed_votes() == 0
    [message] = bodies(receiver)
    assert message["type"] == "vote_stage.closed"
    assert message["data"] == {
        "stage": closed.public_id,
        "edition": edition.public_id,
        "closed_at": closed.ends_at.isoformat(),
        "closed_early": False,
    }


def test_a_vote_closed_early_is_announced_when_it_closes(
    org, hooked, receiver, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stage = StageFactory(
        edition=EditionFactory(contest__organisation=org),
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=5),
        closed_early_at=now - timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_closed_votes() == 1
    [message] = bodies(receiver)
    assert message["data"]["stage"] == stage.public_id and message["data"]["closed_early"] is True


def _attendance_import(org, event, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hramada.imports import services as imports
    from hramada.orgs.models import Role
    from hramada.orgs.tests.factories import member_of

    organiser = member_of(org, Role.MANAGER)
    upload = SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")
    job = imports.create_import(
        actor=organiser, organisation=org, kind="attendance", event=event, upload=upload
    )
    return organiser, job


def test_import_completed_fires_once_per_list_not_per_row(
    org, hooked, receiver, django_capture_on_commit_callbacks
):
    from hramada.imports import services as imports

    event = EventFactory(organisation=org, starts_at=timezone.now() - timedelta(days=2))
    organiser, job = _attendance_import(org, event, "Name,Was there\nAnna,yes\nBoris,no\nCyril,maybe\n")
    with django_capture_on_commit_callbacks(execute=True):
        imports.start_import(actor=organiser, job=job, decisions={})
    [completed] = bodies(receiver)  # no registration.created for each person on the list
    assert completed["type"] == "import.completed"
    assert completed["data"] == {
        "import": job.public_id,
        "kind": "attendance",
        "event": {"id": event.public_id, "slug": event.slug},
        "people_created": 2,
        "people_matched": 0,
        "registrations": 2,
        "rows_skipped": 1,
    }
    assert "Anna" not in json.dumps(completed)


def test_no_import_event_when_the_import_fails(
    org, hooked, receiver, django_capture_on_commit_callbacks, monkeypatch
):
    from hramada.imports import services as imports

    event = EventFactory(organisation=org)
    organiser, job = _attendance_import(org, event, "Name,Was there\nAnna,yes\n")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "_register_attendance", broken)
    with django_capture_on_commit_callbacks(execute=True):
        imports.start_import(actor=organiser, job=job, decisions={})
    job.refresh_from_db()
    assert job.status == job.Status.FAILED
    assert receiver.requests == []
