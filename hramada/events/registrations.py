"""Registrations for an event: registering (oneself or by an organiser), approval, the waiting list
and its offers, cancelling, the feedback survey, and a person's data export.

Freed places go to the waiting list in arrival order, as an offer to confirm (``_offer_next``); offers
past their deadline are withdrawn by ``expire_offers`` (a periodic job). Cancelling a registration also
releases the person's session seats and Human Library bookings at that event. ``register`` is the hot
path measured by ``bench/register.py``: keep it free of extra queries. (Split from ``services``, which
re-exports these names.)
"""

import logging
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit, registry
from hramada.core.errors import DomainError, violated_constraint
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Organisation
from hramada.questions.services import save_response

from . import tasks
from .capacity import _free_place, _lock, _require_manager, _take_place
from .library import _release_booking
from .models import (
    ACTIVE,
    HOLDS_PLACE,
    Event,
    Registration,
    RegistrationStatus,
    Session,
    SessionSignup,
    SlotBooking,
)
from .programme import _release_signup

S = RegistrationStatus
logger = logging.getLogger(__name__)


def registration_open(event, now=None) -> bool:
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    closes = event.registration_closes_at or event.starts_at
    return now < closes


def _new_ticket_code() -> str:
    return secrets.token_urlsafe(12)


def register(
    *, event: Event, person, actor=None, answers: dict | None = None, staff_entry: bool = False
) -> Registration:
    """Register a person: confirmed while places last, then waiting list; approval events wait for organisers.

    ``staff_entry`` is an organiser entering someone from a phone call or a paper list: allowed for
    invitation-only events and after the registration window.
    """
    if staff_entry:
        _require_manager(actor, event)
    else:
        if not registration_open(event):
            raise DomainError(_("Registration for this event is closed."))
        if event.registration_mode == Event.Mode.INVITATION:
            raise DomainError(_("This event is by invitation only. Ask the organisers to register you."))
    # No "already registered?" query first: the partial unique constraint refuses a second active
    # registration, and the refusal rolls back the place taken just before it.
    try:
        with transaction.atomic():
            if event.registration_mode == Event.Mode.APPROVAL and not staff_entry:
                status = S.PENDING
            else:
                status = S.CONFIRMED if _take_place(Event, event.pk) else S.WAITLISTED
            response = None
            if answers and event.registration_form_id:
                response = save_response(form=event.registration_form, person=person, answers=answers)
            registration = Registration.objects.create(
                event=event,
                person=person,
                status=status,
                response=response,
                ticket_code=_new_ticket_code(),
                registered_by=getattr(actor, "person", None) if staff_entry else None,
            )
            if staff_entry:
                # A self-registration is its own record (person, time, status, no "registered by");
                # the log keeps what organisers do for others, and every later change.
                audit.record(
                    actor=actor,
                    action="events.registration.created",
                    target=registration,
                    scope=(Organisation, event.organisation_id),
                    data={"status": status, "staff_entry": True},
                )
            enqueue_on_commit(tasks.send_registration_email, registration.pk)
            registry.emit(
                "registration.created",
                event.organisation_id,
                _webhook_data(registration, event, staff_entry=staff_entry),
            )
    except IntegrityError as exc:
        raise _registration_refused(exc, person) from None
    return registration


def _webhook_data(registration: Registration, event: Event, **facts) -> dict:
    """What an organiser's webhook learns of a registration: public ids and its status, no names."""
    return {
        "registration": registration.public_id,
        "event": {"id": event.public_id, "slug": event.slug},
        "status": str(registration.status),
        **facts,
    }


def _registration_refused(error, person) -> DomainError:
    """Each constraint its own message: only the one-registration rule means "already registered"."""
    constraint = violated_constraint(error, Registration, Event)
    if constraint == "one_active_registration_per_event":
        return DomainError(_("%(name)s is already registered for this event.") % {"name": person})
    if constraint == "event_not_overbooked":
        return DomainError(_("The last place was taken a moment ago. Please reload the page and try again."))
    logger.error("Registration refused by the database (constraint %s): %s", constraint, error)
    return DomainError(_("The registration could not be saved. Nothing was changed; please try again."))


@transaction.atomic
def decide(*, actor, registration: Registration, approve: bool) -> Registration:
    """Organisers accept (while places last) or decline an application to an approval event."""
    event = registration.event
    _require_manager(actor, event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != S.PENDING:
        raise DomainError(_("This application has already been decided."))
    if approve:
        if not _take_place(Event, event.pk):
            raise DomainError(_("No places left. Raise the number of places or decline someone first."))
        registration.status = S.CONFIRMED
    else:
        registration.status = S.REJECTED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=f"events.registration.{'approved' if approve else 'declined'}",
        target=registration,
        scope=event.organisation,
    )
    enqueue_on_commit(tasks.send_registration_email, registration.pk)
    return registration


def _offer_next(event: Event, now) -> Registration | None:
    """Offer a freed place to the first person on the waiting list (the place is held for them)."""
    nxt = (
        Registration.objects.select_for_update(skip_locked=False)
        .filter(event=event, status=S.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if nxt is None or not _take_place(Event, event.pk):
        return None
    nxt.status = S.OFFERED
    nxt.offered_until = now + timedelta(hours=event.offer_hours)
    nxt.save(update_fields=["status", "offered_until", "updated_at"])
    audit.record(actor=None, action="events.registration.offered", target=nxt, scope=event.organisation)
    enqueue_on_commit(tasks.send_registration_email, nxt.pk)
    return nxt


@transaction.atomic
def cancel(*, actor, registration: Registration) -> Registration:
    """Cancel a registration (by the participant or an organiser); a freed place goes to the waiting list."""
    event = _lock(Event, registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    is_own = actor is not None and registration.person.user_id == actor.pk
    if not is_own:
        _require_manager(actor, event)
    if registration.status not in ACTIVE:
        raise DomainError(_("This registration is already cancelled."))
    held = registration.status in HOLDS_PLACE
    registration.status = S.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit.record(
        actor=actor,
        action="events.registration.cancelled",
        target=registration,
        scope=event.organisation,
        data={"by_participant": is_own},
    )
    registry.emit(
        "registration.cancelled",
        event.organisation_id,
        _webhook_data(registration, event, by_participant=is_own),
    )
    if held:
        _free_place(Event, event.pk)
        _offer_next(event, timezone.now())
    # Without a place at the event, the person's seats and readings go to others.
    for signup in SessionSignup.objects.select_for_update().filter(
        session__event=event, person=registration.person, status__in=ACTIVE
    ):
        _release_signup(signup, _lock(Session, signup.session_id), actor=actor)
    for booking in SlotBooking.objects.filter(
        slot__book__event=event, reader=registration.person, cancelled_at__isnull=True
    ):
        _release_booking(booking, actor=actor)
    return registration


@transaction.atomic
def accept_offer(*, actor, registration: Registration) -> Registration:
    """The promoted person confirms the place held for them, before the offer expires."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.person.user_id != actor.pk:
        raise DomainError(_("Only the person the place was offered to can accept it."))
    if registration.status != S.OFFERED:
        raise DomainError(_("There is no open offer on this registration."))
    if registration.offered_until and registration.offered_until < timezone.now():
        raise DomainError(_("The offer has expired and the place went to the next person."))
    registration.status = S.CONFIRMED
    registration.offered_until = None
    registration.save(update_fields=["status", "offered_until", "updated_at"])
    audit.record(
        actor=actor,
        action="events.registration.offer_accepted",
        target=registration,
        scope=registration.event.organisation,
    )
    enqueue_on_commit(tasks.send_registration_email, registration.pk)
    return registration


def expire_offers(*, now=None) -> int:
    """Offers past their deadline are withdrawn and the place goes to the next on the waiting list."""
    now = now or timezone.now()
    count = 0
    for event_id in (
        Registration.objects.filter(status=S.OFFERED, offered_until__lt=now)
        .values_list("event_id", flat=True)
        .distinct()
    ):
        with transaction.atomic():
            event = _lock(Event, event_id)
            for registration in Registration.objects.select_for_update().filter(
                event=event, status=S.OFFERED, offered_until__lt=now
            ):
                registration.status = S.CANCELLED
                registration.cancelled_at = now
                registration.save(update_fields=["status", "cancelled_at", "updated_at"])
                audit.record(
                    actor=None,
                    action="events.registration.offer_expired",
                    target=registration,
                    scope=event.organisation,
                )
                _free_place(Event, event.pk)
                _offer_next(event, now)
                count += 1
    return count


@transaction.atomic
def submit_feedback(*, event: Event, person, actor, answers: dict):
    """A confirmed participant answers the event's feedback survey once, after the event has ended."""
    if not event.feedback_form_id:
        raise DomainError(_("This event has no feedback survey."))
    if event.ends_at > timezone.now():
        raise DomainError(_("The survey opens when the event ends."))
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, person=person, status=S.CONFIRMED)
        .first()
    )
    if registration is None:
        raise DomainError(_("Only confirmed participants of this event can answer its survey."))
    if registration.feedback_response_id:
        raise DomainError(_("You have already answered this survey."))
    response = save_response(form=event.feedback_form, person=person, answers=answers)
    registration.feedback_response = response
    registration.save(update_fields=["feedback_response", "updated_at"])
    audit.record(
        actor=actor, action="events.feedback.answered", target=registration, scope=event.organisation
    )
    return response


def export_registrations(person) -> list:
    return (
        [
            {
                "event": str(r.event),
                "status": r.status,
                "registered_at": r.created_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
            }
            for r in person.registrations.select_related("event")
        ]
        + [
            {"session": str(s.session), "status": s.status, "signed_up_at": s.created_at.isoformat()}
            for s in person.session_signups.select_related("session")
        ]
        + [
            {
                "human_library_book": str(b.slot.book),
                "at": b.slot.starts_at.isoformat(),
                "cancelled": bool(b.cancelled_at),
            }
            for b in person.slot_bookings.select_related("slot__book")
        ]
    )
