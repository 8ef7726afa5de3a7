"""The programme of an event: session sign-ups, and the organisers' editing of tracks, sessions and
speakers.

A seat in a session that needs a sign-up is taken like a place at the event (``capacity._take_place``);
nobody holds two seats at the same time of day, and a freed seat goes at once to the first waiting
person who is free at that time. (Split from ``services``, which re-exports these names.)
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError, violated_constraint
from hramada.core.translated import LANGS, set_translated

from .capacity import _free_place, _lock, _require_manager, _save_keeping_counters, _take_place
from .models import (
    ACTIVE,
    HOLDS_PLACE,
    Event,
    Registration,
    RegistrationStatus,
    Session,
    SessionSignup,
    Speaker,
    Track,
)

S = RegistrationStatus


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
    except IntegrityError as exc:
        constraint = violated_constraint(exc, SessionSignup, Session)
        if constraint == "one_active_signup_per_session":
            raise DomainError(_("You are already signed up for this session.")) from None
        if constraint == "session_not_overbooked":
            raise DomainError(_("The last seat was taken a moment ago. Please reload the page.")) from None
        raise DomainError(
            _("The sign-up could not be saved. Nothing was changed; please try again.")
        ) from None
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


# --- Organiser editing: tracks, sessions, speakers --------------------------------------------------------


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
