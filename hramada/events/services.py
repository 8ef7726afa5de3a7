"""Every change to events, registrations, sign-ups, check-ins and Human Library bookings.

Capacity rule (never overbook): a place is taken by one conditional UPDATE of the counter row
(``confirmed_count < capacity``), which also takes that row's lock until the transaction ends, then
the registration row is inserted: two statements under the lock. A check constraint on the counter
is the last guard. Freed places go to the waiting list in arrival order, as an offer to confirm.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug
from hramada.core.translated import LANGS, set_translated
from hramada.orgs.models import Organisation
from hramada.questions.services import save_response

from . import tasks
from .models import (
    ACTIVE,
    HOLDS_PLACE,
    Book,
    CheckIn,
    Event,
    EventSeries,
    ReadingSlot,
    Registration,
    RegistrationStatus,
    Session,
    SessionSignup,
    SlotBooking,
    Speaker,
    Track,
)

S = RegistrationStatus


def _save_keeping_counters(obj, *counters: str) -> None:
    """Save an edited row without writing its maintained counters, which other requests move
    concurrently with UPDATE ... SET n = n + 1 (a stale value written back would undo them)."""
    if obj.pk is None:
        obj.save()
        return
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name not in counters]
    obj.save(update_fields=fields)


def _take_place(model, pk) -> bool:
    """Atomically take one place on an Event or Session row; False when it is full.

    One conditional UPDATE; the row stays locked until the transaction ends. Written in SQL because it
    is on every registration's path and the ORM spent several times the statement's own cost building
    it (see docs/architecture.md, "Benchmarks"). The check constraint on the table still guards it.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET confirmed_count = confirmed_count + 1 "  # noqa: S608 - a model's table
            "WHERE id = %s AND (capacity IS NULL OR confirmed_count < capacity)",
            [pk],
        )
        return cursor.rowcount == 1


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
    except IntegrityError:
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


# --- Session sign-ups ---------------------------------------------------------------------------------


def signup_session(*, session: Session, person, actor=None) -> SessionSignup:
    """Take a seat in a session that needs its own sign-up; the waiting list when it is full."""
    event = session.event
    if event.status != Event.Status.PUBLISHED:
        raise DomainError(_("This event is not open for sign-ups."))
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
            # Lock the person so two tabs cannot take two seats at the same time of day.
            type(person).objects.select_for_update(no_key=True).filter(pk=person.pk).first()
            clash = _overlapping_seat(person, session)
            if clash is not None:
                raise DomainError(
                    _("You already have a seat in “%(title)s” at that time. Leave it first to take this one.")
                    % {"title": clash.session}
                )
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
    _release_signup(signup, session, actor=actor)
    return signup


def _overlapping_seat(person, session):
    return (
        SessionSignup.objects.filter(
            person=person,
            status__in=HOLDS_PLACE,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session")
        .first()
    )


def _release_signup(signup: SessionSignup, session: Session, *, actor) -> None:
    """Cancel a locked sign-up; a freed seat goes to the first waiting person free at that time."""
    held = signup.status in HOLDS_PLACE
    signup.status = S.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    if held:
        _free_place(Session, session.pk)
        for nxt in SessionSignup.objects.filter(session=session, status=S.WAITLISTED).order_by(
            "created_at", "id"
        ):
            if _overlapping_seat(nxt.person, session) is not None:
                continue  # they took another seat at that time meanwhile; the next person gets it
            if _take_place(Session, session.pk):
                nxt.status = S.CONFIRMED
                nxt.save(update_fields=["status", "updated_at"])
                audit.record(
                    actor=None, action="events.session.promoted", target=nxt, scope=session.event.organisation
                )
            break
    audit.record(
        actor=actor, action="events.session.signup_cancelled", target=signup, scope=session.event.organisation
    )


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
    if (
        session is not None
        and session.needs_signup
        and not SessionSignup.objects.filter(
            session=session, person=registration.person, status=S.CONFIRMED
        ).exists()
    ):
        raise DomainError(_("%(name)s has no seat in this session.") % {"name": registration.person})
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
    if book.event.status != Event.Status.PUBLISHED:
        raise DomainError(_("This event is not open for bookings."))
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This reading has already started."))
    if book.person_id == reader.pk:
        raise DomainError(_("You cannot read yourself."))
    if not Registration.objects.filter(event_id=book.event_id, person=reader, status=S.CONFIRMED).exists():
        raise DomainError(_("Register for the event first; then you can book a Human Library reading."))
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
    """The reader (or an organiser) cancels a booking; the place in the reading is free again."""
    booking = SlotBooking.objects.select_for_update().select_related("slot__book__event").get(pk=booking.pk)
    if booking.reader.user_id != getattr(actor, "pk", None):
        _require_manager(actor, booking.slot.book.event)
    if booking.cancelled_at is not None:
        raise DomainError(_("This booking is already cancelled."))
    _release_booking(booking, actor=actor)


def _release_booking(booking: SlotBooking, *, actor) -> None:
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


# --- Organiser editing (events, programme, Human Library) ------------------------------------------------
# Appended for the organiser pages; the lead may move or reshape these.


def _require_event_perm(actor, *, organisation, event=None):
    if event is None:
        if actor is None or not actor.has_perm("events.add_event", organisation):
            raise DomainError(_("Only the organisation's owners and managers can create events."))
    else:
        _require_manager(actor, event)


EVENT_FIELDS = {
    "status",
    "series",
    "edition",
    "starts_at",
    "ends_at",
    "address",
    "settlement",
    "community",
    "online_url",
    "registration_mode",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "offer_hours",
    "registration_form",
    "feedback_form",
}
EVENT_TRANSLATED = ("title", "summary", "description", "venue")


@transaction.atomic
def save_event(*, actor, organisation, event: Event | None = None, **values) -> Event:
    """Create or change an event of an organisation; it ends after it starts and keeps its confirmed places."""
    _require_event_perm(actor, organisation=organisation, event=event)
    creating = event is None
    if not creating:
        event = _lock(Event, event.pk)
        organisation = event.organisation
    co_organisers = values.pop("co_organisers", None)
    unknown = set(values) - EVENT_FIELDS - {f"{f}_{lang}" for f in EVENT_TRANSLATED for lang in LANGS}
    if unknown:
        raise TypeError(f"save_event got unexpected values: {sorted(unknown)}")
    starts = values.get("starts_at", getattr(event, "starts_at", None))
    ends = values.get("ends_at", getattr(event, "ends_at", None))
    if starts is None or ends is None:
        raise DomainError(_("Give the start and the end of the event."), field="starts_at")
    if ends < starts:
        raise DomainError(_("The event cannot end before it starts."), field="ends_at")
    opens = values.get("registration_opens_at", getattr(event, "registration_opens_at", None))
    closes = values.get("registration_closes_at", getattr(event, "registration_closes_at", None))
    if opens and closes and closes <= opens:
        raise DomainError(_("Registration must close after it opens."), field="registration_closes_at")
    capacity = values.get("capacity", getattr(event, "capacity", None))
    if not creating and capacity is not None and capacity < event.confirmed_count:
        raise DomainError(
            _("%(n)s people are already confirmed: the number of places cannot be lower than that.")
            % {"n": event.confirmed_count},
            field="capacity",
        )
    for key in ("registration_form", "feedback_form"):
        form = values.get(key)
        if form is not None and form.organisation_id != organisation.pk:
            raise DomainError(_("Choose one of your organisation's own forms."), field=key)
    series = values.get("series")
    if series is not None and series.organisation_id != organisation.pk:
        raise DomainError(_("Choose one of your organisation's own series."), field="series")
    settlement = values.get("settlement", getattr(event, "settlement", None))
    community = values.get("community", getattr(event, "community", None))
    if community is not None and settlement is not None and community.settlement_id != settlement.pk:
        raise DomainError(_("This community is not in the place you chose."), field="community")

    if creating:
        event = Event(organisation=organisation)
    changed = []
    for key, value in values.items():
        if key in EVENT_FIELDS and getattr(event, key) != value:
            changed.append(key)
            setattr(event, key, value)
    for field in EVENT_TRANSLATED:
        before = [getattr(event, f"{field}_{lang}", "") for lang in LANGS]
        set_translated(
            event,
            field,
            values,
            required_message=_("Give the event a title in at least one language.")
            if field == "title"
            else None,
        )
        if before != [getattr(event, f"{field}_{lang}", "") for lang in LANGS]:
            changed.append(field)
    if creating:
        base = event.title_en or event.title_ru or event.title_be
        event.slug = unique_slug(f"{base} {event.edition}".strip(), Event, max_length=70)
    _save_keeping_counters(event, "confirmed_count")
    if not creating and event.status == Event.Status.PUBLISHED:
        # More places: offer them to the waiting list, first come first served.
        while _offer_next(event, timezone.now()):
            pass
    if "status" in changed and event.status == Event.Status.CANCELLED:
        for registration_id in event.registrations.filter(status__in=ACTIVE).values_list("pk", flat=True):
            enqueue_on_commit(tasks.send_registration_email, registration_id)
    if co_organisers is not None:
        co_organisers = [o for o in co_organisers if o.pk != organisation.pk]
        if creating or set(event.co_organisers.values_list("pk", flat=True)) != {o.pk for o in co_organisers}:
            event.co_organisers.set(co_organisers)
            changed.append("co_organisers")
    audit.record(
        actor=actor,
        action="events.event.created" if creating else "events.event.updated",
        target=event,
        scope=organisation,
        data={"fields": sorted(set(changed)), "status": event.status},
    )
    return event


@transaction.atomic
def create_series(*, actor, organisation, **titles) -> EventSeries:
    """A new series (a yearly forum) that editions can belong to."""
    _require_event_perm(actor, organisation=organisation)
    series = EventSeries(organisation=organisation)
    set_translated(series, "title", titles, required_message=_("Give the series a title."))
    base = series.title_en or series.title_ru or series.title_be
    series.slug = unique_slug(base, EventSeries, max_length=70)
    series.save()
    audit.record(actor=actor, action="events.series.created", target=series, scope=organisation)
    return series


@transaction.atomic
def save_track(
    *, actor, event: Event, track: Track | None = None, order: int | None = None, **names
) -> Track:
    """Add or rename a room or thematic track of the programme."""
    _require_manager(actor, event)
    creating = track is None
    if not creating and track.event_id != event.pk:
        raise DomainError(_("This track belongs to another event."))
    track = track or Track(event=event)
    set_translated(track, "name", names, required_message=_("Give the track or room a name."))
    if order is not None:
        track.order = order
    elif creating:
        track.order = (event.tracks.aggregate(m=Max("order"))["m"] or 0) + 1
    track.save()
    audit.record(
        actor=actor,
        action=f"events.track.{'created' if creating else 'updated'}",
        target=track,
        scope=event.organisation,
    )
    return track


@transaction.atomic
def delete_track(*, actor, track: Track) -> None:
    """Remove a track; its sessions stay in the programme without a track."""
    event = track.event
    _require_manager(actor, event)
    audit.record(
        actor=actor,
        action="events.track.deleted",
        target=event,
        scope=event.organisation,
        data={"name": str(track)},
    )
    track.delete()


SESSION_FIELDS = {"track", "format", "starts_at", "ends_at", "language", "capacity", "needs_signup"}


@transaction.atomic
def save_session(*, actor, event: Event, session: Session | None = None, **values) -> Session:
    """Add or change a programme session: it ends after it starts and keeps the seats already taken."""
    _require_manager(actor, event)
    creating = session is None
    if not creating:
        session = _lock(Session, session.pk)
        if session.event_id != event.pk:
            raise DomainError(_("This session belongs to another event."))
    unknown = (
        set(values) - SESSION_FIELDS - {f"{f}_{lang}" for f in ("title", "description") for lang in LANGS}
    )
    if unknown:
        raise TypeError(f"save_session got unexpected values: {sorted(unknown)}")
    starts = values.get("starts_at", getattr(session, "starts_at", None))
    ends = values.get("ends_at", getattr(session, "ends_at", None))
    if starts is None or ends is None or ends <= starts:
        raise DomainError(_("The session must end after it starts."), field="ends_at")
    track = values.get("track")
    if track is not None and track.event_id != event.pk:
        raise DomainError(_("Choose one of this event's tracks."), field="track")
    capacity = values.get("capacity", getattr(session, "capacity", None))
    taken = session.confirmed_count if session else 0
    if capacity is not None and capacity < taken:
        raise DomainError(
            _(
                "%(n)s people have already taken a seat in this session: the number of places "
                "cannot be lower than that. Cancel some sign-ups first."
            )
            % {"n": taken},
            field="capacity",
        )
    session = session or Session(event=event)
    for key, value in values.items():
        if key in SESSION_FIELDS:
            setattr(session, key, value)
    set_translated(session, "title", values, required_message=_("Give the session a title."))
    set_translated(session, "description", values)
    _save_keeping_counters(session, "confirmed_count")
    audit.record(
        actor=actor,
        action=f"events.session.{'created' if creating else 'updated'}",
        target=session,
        scope=event.organisation,
    )
    return session


@transaction.atomic
def delete_session(*, actor, session: Session) -> None:
    """Remove a session from the programme, unless people have signed up or been checked in to it."""
    event = session.event
    _require_manager(actor, event)
    session = _lock(Session, session.pk)
    if session.signups.filter(status__in=ACTIVE).exists():
        raise DomainError(
            _("People have signed up for this session. Cancel their sign-ups before deleting it.")
        )
    if session.checkins.exists():
        raise DomainError(_("People were checked in to this session; it can no longer be deleted."))
    audit.record(
        actor=actor,
        action="events.session.deleted",
        target=event,
        scope=event.organisation,
        data={"title": str(session), "starts_at": session.starts_at.isoformat()},
    )
    session.delete()


@transaction.atomic
def set_speaker(*, actor, session: Session, person, shown_publicly: bool) -> Speaker:
    """Add a speaker to a session (or change whether they agreed to be shown publicly)."""
    _require_manager(actor, session.event)
    speaker, created = Speaker.objects.update_or_create(
        session=session, person=person, defaults={"shown_publicly": shown_publicly}
    )
    audit.record(
        actor=actor,
        action=f"events.speaker.{'added' if created else 'changed'}",
        target=session,
        scope=session.event.organisation,
        data={"person": person.pk, "shown_publicly": shown_publicly},
    )
    return speaker


@transaction.atomic
def remove_speaker(*, actor, speaker: Speaker) -> None:
    session = speaker.session
    _require_manager(actor, session.event)
    audit.record(
        actor=actor,
        action="events.speaker.removed",
        target=session,
        scope=session.event.organisation,
        data={"person": speaker.person_id},
    )
    speaker.delete()


@transaction.atomic
def save_book(
    *, actor, event: Event, book: Book | None = None, person=None, shown_name=None, **texts
) -> Book:
    """Add or change a Human Library book: the person who tells a story and how the catalogue shows it."""
    _require_manager(actor, event)
    creating = book is None
    if not creating and book.event_id != event.pk:
        raise DomainError(_("This book belongs to another event."))
    book = book or Book(event=event)
    if person is not None:
        book.person = person
    if book.person_id is None:
        raise DomainError(_("Choose the person who is the book."), field="person")
    if shown_name is not None:
        book.shown_name = shown_name
    set_translated(book, "title", texts, required_message=_("Give the book a title."))
    set_translated(book, "description", texts)
    book.save()
    audit.record(
        actor=actor,
        action=f"events.library.book_{'created' if creating else 'updated'}",
        target=book,
        scope=event.organisation,
    )
    return book


@transaction.atomic
def save_slot(
    *, actor, book: Book, slot: ReadingSlot | None = None, starts_at, ends_at, capacity: int = 1
) -> ReadingSlot:
    """Add or change a reading time of a book: 1 to 3 readers, never fewer than already booked."""
    event = book.event
    _require_manager(actor, event)
    creating = slot is None
    if not creating:
        slot = ReadingSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.book_id != book.pk:
            raise DomainError(_("This reading belongs to another book."))
    if ends_at <= starts_at:
        raise DomainError(_("The reading must end after it starts."), field="ends_at")
    if not 1 <= capacity <= 3:
        raise DomainError(_("A reading has 1, 2 or 3 readers."), field="capacity")
    if slot is not None and capacity < slot.booked_count:
        raise DomainError(
            _("%(n)s readers have already booked this reading: the number cannot be lower than that.")
            % {"n": slot.booked_count},
            field="capacity",
        )
    slot = slot or ReadingSlot(book=book)
    slot.starts_at, slot.ends_at, slot.capacity = starts_at, ends_at, capacity
    _save_keeping_counters(slot, "booked_count")
    audit.record(
        actor=actor,
        action=f"events.library.slot_{'created' if creating else 'updated'}",
        target=slot,
        scope=event.organisation,
    )
    return slot


@transaction.atomic
def delete_slot(*, actor, slot: ReadingSlot) -> None:
    """Remove a reading time nobody has booked."""
    event = slot.book.event
    _require_manager(actor, event)
    slot = ReadingSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.booked_count:
        raise DomainError(_("Readers have booked this time. Cancel their bookings first."))
    audit.record(
        actor=actor,
        action="events.library.slot_deleted",
        target=slot.book,
        scope=event.organisation,
        data={"starts_at": slot.starts_at.isoformat()},
    )
    slot.delete()


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
