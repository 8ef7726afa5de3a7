"""Merging two people (people.services.merge_people): registrations, check-ins, talks, books move.

Both registered for the same event (or signed up for the same session, or booked the same reading slot):
the better registration is kept (checked in, then confirmed, offered, pending, waitlisted; then the
older) and the other is cancelled, so it stays as history under the kept person.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.people.merge import counts, reassign

from .models import (
    ACTIVE,
    Book,
    CheckIn,
    Event,
    Registration,
    RegistrationStatus,
    SessionSignup,
    SlotBooking,
    Speaker,
)

COVERS = (
    "events.Speaker.person",
    "events.Registration.person",
    "events.Registration.registered_by",
    "events.Registration.checked_in_by",
    "events.SessionSignup.person",
    "events.CheckIn.by",
    "events.Book.person",
    "events.SlotBooking.reader",
)

_STATUS_ORDER = {
    RegistrationStatus.CONFIRMED: 4,
    RegistrationStatus.OFFERED: 3,
    RegistrationStatus.PENDING: 2,
    RegistrationStatus.WAITLISTED: 1,
}


def _cancel(row) -> None:
    row.status = RegistrationStatus.CANCELLED
    row.cancelled_at = row.cancelled_at or timezone.now()
    row.save(update_fields=["status", "cancelled_at", "updated_at"])


def _cancel_booking(row) -> None:
    row.cancelled_at = timezone.now()
    row.save(update_fields=["cancelled_at", "updated_at"])


def merge_person(keep, remove) -> dict:
    active = Q(status__in=ACTIVE)
    return counts(
        registrations=reassign(
            Registration,
            "person",
            keep,
            remove,
            key=("event",),
            active=active,
            rank=lambda r: (r.checked_in_at is not None, _STATUS_ORDER.get(r.status, 0), -r.pk),
            retire=_cancel,
        ),
        registrations_entered=reassign(Registration, "registered_by", keep, remove),
        check_ins_made=reassign(Registration, "checked_in_by", keep, remove),
        session_check_ins_made=reassign(CheckIn, "by", keep, remove),
        session_signups=reassign(
            SessionSignup,
            "person",
            keep,
            remove,
            key=("session",),
            active=active,
            rank=lambda s: (s.attended_at is not None, _STATUS_ORDER.get(s.status, 0), -s.pk),
            retire=_cancel,
        ),
        talks=reassign(
            Speaker, "person", keep, remove, key=("session",), rank=lambda s: (s.shown_publicly, -s.pk)
        ),
        books=reassign(Book, "person", keep, remove),
        slot_bookings=reassign(
            SlotBooking,
            "reader",
            keep,
            remove,
            key=("slot",),
            active=Q(cancelled_at__isnull=True),
            retire=_cancel_booking,
        ),
    )


def organisation_people(organisation):
    """By label, the ids of people registered for the organisation's events."""
    events = Event.objects.filter(organisation=organisation).values("pk")
    return {_("event registrations"): Registration.objects.filter(event__in=events).values("person_id")}
