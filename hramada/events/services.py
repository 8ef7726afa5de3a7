"""Every change to events, registrations, sign-ups, check-ins and Human Library bookings.

Capacity rule (never overbook): a place is taken by one conditional UPDATE of the counter row
(``confirmed_count < capacity``), which also takes that row's lock until the transaction ends, then
the registration row is inserted: two statements under the lock. A check constraint on the counter
is the last guard. Freed places go to the waiting list in arrival order, as an offer to confirm.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.questions.services import save_response

from . import tasks
from .models import (
    ACTIVE,
    HOLDS_PLACE,
    CheckIn,
    Event,
    ReadingSlot,
    Registration,
    RegistrationStatus,
    Session,
    SessionSignup,
    SlotBooking,
)

S = RegistrationStatus


def _take_place(model, pk) -> bool:
    """Atomically take one place on an Event or Session row; False when it is full."""
    updated = (
        model.objects.filter(pk=pk)
        .filter(Q(capacity__isnull=True) | Q(confirmed_count__lt=F("capacity")))
        .update(confirmed_count=F("confirmed_count") + 1)
    )
    return updated == 1


def _free_place(model, pk) -> None:
    model.objects.filter(pk=pk, confirmed_count__gt=0).update(confirmed_count=F("confirmed_count") - 1)


def _lock(model, pk):
    return model.objects.select_for_update(no_key=True).get(pk=pk)


def can_manage(user, event) -> bool:
    return user is not None and user.has_perm("events.manage_event", event)


def _require_manager(actor, event):
    if not can_manage(actor, event):
        raise DomainError(_("Only the event's organisers can do this."))


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
    if Registration.objects.filter(event=event, person=person, status__in=ACTIVE).exists():
        raise DomainError(_("%(name)s is already registered for this event.") % {"name": person})
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
            audit.record(
                actor=actor,
                action="events.registration.created",
                target=registration,
                scope=event.organisation,
                data={"status": status, "staff_entry": staff_entry},
            )
            transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk))
    except IntegrityError:
        # The partial unique constraint caught a double submit that raced past the check above.
        raise DomainError(_("%(name)s is already registered for this event.") % {"name": person}) from None
    return registration


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
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk))
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
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(nxt.pk))
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
    if held:
        _free_place(Event, event.pk)
        _offer_next(event, timezone.now())
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
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk))
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


# --- Session sign-ups ---------------------------------------------------------------------------------


def signup_session(*, session: Session, person, actor=None) -> SessionSignup:
    """Take a seat in a session that needs its own sign-up; the waiting list when it is full."""
    event = session.event
    if not session.needs_signup:
        raise DomainError(_("This session needs no sign-up: just come."))
    if session.starts_at <= timezone.now():
        raise DomainError(_("This session has already started."))
    if not Registration.objects.filter(event=event, person=person, status=S.CONFIRMED).exists():
        raise DomainError(_("Register for the event first; then you can sign up for its sessions."))
    if SessionSignup.objects.filter(session=session, person=person, status__in=ACTIVE).exists():
        raise DomainError(_("You are already signed up for this session."))
    try:
        with transaction.atomic():
            status = S.CONFIRMED if _take_place(Session, session.pk) else S.WAITLISTED
            signup = SessionSignup.objects.create(session=session, person=person, status=status)
            audit.record(
                actor=actor,
                action="events.session.signed_up",
                target=signup,
                scope=event.organisation,
                data={"status": status},
            )
    except IntegrityError:
        raise DomainError(_("You are already signed up for this session.")) from None
    return signup


@transaction.atomic
def cancel_signup(*, actor, signup: SessionSignup) -> SessionSignup:
    """Leave a session; the first on its waiting list gets the seat at once (sessions are short-notice)."""
    session = _lock(Session, signup.session_id)
    signup = SessionSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.person.user_id != getattr(actor, "pk", None):
        _require_manager(actor, session.event)
    if signup.status not in ACTIVE:
        raise DomainError(_("This sign-up is already cancelled."))
    held = signup.status in HOLDS_PLACE
    signup.status = S.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    if held:
        _free_place(Session, session.pk)
        nxt = (
            SessionSignup.objects.filter(session=session, status=S.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if nxt is not None and _take_place(Session, session.pk):
            nxt.status = S.CONFIRMED
            nxt.save(update_fields=["status", "updated_at"])
            audit.record(
                actor=None, action="events.session.promoted", target=nxt, scope=session.event.organisation
            )
    audit.record(
        actor=actor, action="events.session.signup_cancelled", target=signup, scope=session.event.organisation
    )
    return signup


# --- Check-in -------------------------------------------------------------------------------------------


def check_in(
    *, actor, event: Event, ticket_code: str, client_id: str, at=None, session: Session | None = None
) -> tuple[CheckIn, bool]:
    """Record that a registered person arrived; idempotent (same ``client_id`` or same person: counted once).

    Returns (check-in, created). Phones queue check-ins offline and re-send them; a re-sent one
    returns the stored check-in instead of a second one.
    """
    _require_manager(actor, event)
    existing = CheckIn.objects.filter(client_id=client_id).select_related("registration__person").first()
    if existing is not None:
        return existing, False
    registration = (
        Registration.objects.filter(event=event, ticket_code=ticket_code).select_related("person").first()
    )
    if registration is None:
        raise DomainError(_("No ticket with this code for this event."))
    if registration.status != S.CONFIRMED:
        raise DomainError(
            _("%(name)s is not confirmed (status: %(status)s).")
            % {"name": registration.person, "status": registration.get_status_display()}
        )
    at = min(at or timezone.now(), timezone.now())
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                registration=registration,
                session=session,
                client_id=client_id,
                at=at,
                by=getattr(actor, "person", None),
            )
            if session is None:
                Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
                    checked_in_at=at, checked_in_by=getattr(actor, "person", None)
                )
            else:
                SessionSignup.objects.filter(
                    session=session, person=registration.person, status=S.CONFIRMED
                ).update(attended_at=at)
    except IntegrityError:
        # Another device checked the same person in first: keep that one.
        same = CheckIn.objects.filter(registration=registration, session=session).first()
        if same is None:
            same = CheckIn.objects.get(client_id=client_id)
        return same, False
    return checkin, True


# --- Human Library -------------------------------------------------------------------------------------


def book_slot(*, slot: ReadingSlot, reader, actor=None) -> SlotBooking:
    """A reader books a conversation: never two overlapping slots per reader, never over the slot's readers."""
    book = slot.book
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This reading has already started."))
    if book.person_id == reader.pk:
        raise DomainError(_("You cannot read yourself."))
    with transaction.atomic():
        # Lock the reader so two tabs cannot book two overlapping slots at the same moment.
        type(reader).objects.select_for_update(no_key=True).filter(pk=reader.pk).first()
        clash = (
            SlotBooking.objects.filter(
                reader=reader,
                cancelled_at__isnull=True,
                slot__starts_at__lt=slot.ends_at,
                slot__ends_at__gt=slot.starts_at,
            )
            .select_related("slot__book")
            .first()
        )
        if clash is not None:
            if clash.slot_id == slot.pk:
                raise DomainError(_("You have already booked this reading."))
            raise DomainError(
                _("You already have “%(title)s” at that time. Cancel it first to book this one.")
                % {"title": clash.slot.book}
            )
        if not _take_slot(slot.pk):
            raise DomainError(_("This reading is fully booked. Choose another time or another book."))
        booking = SlotBooking.objects.create(slot=slot, reader=reader)
        audit.record(
            actor=actor, action="events.library.booked", target=booking, scope=book.event.organisation
        )
    return booking


def _take_slot(pk) -> bool:
    return (
        ReadingSlot.objects.filter(pk=pk, booked_count__lt=F("capacity")).update(
            booked_count=F("booked_count") + 1
        )
        == 1
    )


@transaction.atomic
def cancel_booking(*, actor, booking: SlotBooking) -> None:
    booking = SlotBooking.objects.select_for_update().select_related("slot__book__event").get(pk=booking.pk)
    if booking.reader.user_id != getattr(actor, "pk", None):
        _require_manager(actor, booking.slot.book.event)
    if booking.cancelled_at is not None:
        raise DomainError(_("This booking is already cancelled."))
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at", "updated_at"])
    ReadingSlot.objects.filter(pk=booking.slot_id, booked_count__gt=0).update(
        booked_count=F("booked_count") - 1
    )
    audit.record(
        actor=actor,
        action="events.library.cancelled",
        target=booking,
        scope=booking.slot.book.event.organisation,
    )


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
