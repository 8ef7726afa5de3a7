from collections import Counter, OrderedDict

from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core.privacy import SMALL_GROUP  # groups smaller than this are hidden in reports

from . import ics
from .models import CheckIn, Event, ReadingSlot, Registration, RegistrationStatus, SlotBooking, Speaker


def public_events(*, when: str = "upcoming"):
    qs = Event.objects.filter(status=Event.Status.PUBLISHED).select_related("organisation", "settlement")
    now = timezone.now()
    if when == "past":
        return qs.filter(ends_at__lt=now).order_by("-starts_at")
    return qs.filter(ends_at__gte=now).order_by("starts_at")


def event_by_slug(slug: str, *, published_only: bool = True):
    qs = Event.objects.select_related("organisation", "settlement__region", "series", "community")
    if published_only:
        qs = qs.filter(status=Event.Status.PUBLISHED)
    return qs.filter(slug=slug).first()


def sessions_for(event):
    speakers = Prefetch(
        "speakers", queryset=Speaker.objects.filter(shown_publicly=True).select_related("person")
    )
    return (
        event.sessions.select_related("track")
        .prefetch_related(speakers)
        .order_by("starts_at", "track__order", "id")
    )


def timetable(event, sessions=None):
    """{date: {"tracks": [...], "rows": [(start time, {track_id: [sessions]})]}} for the grid view."""
    sessions = list(sessions if sessions is not None else sessions_for(event))
    tracks = list(event.tracks.all())
    days: OrderedDict = OrderedDict()
    for s in sessions:
        local = timezone.localtime(s.starts_at)
        day = days.setdefault(local.date(), OrderedDict())
        day.setdefault(local.strftime("%H:%M"), []).append(s)
    return {"tracks": tracks, "days": days}


def registration_for(event, person):
    if person is None:
        return None
    return (
        Registration.objects.filter(event=event, person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("-created_at")
        .first()
    )


def my_session_ids(event, person) -> set:
    if person is None:
        return set()
    from .models import ACTIVE

    return set(
        person.session_signups.filter(session__event=event, status__in=ACTIVE).values_list(
            "session_id", flat=True
        )
    )


def waiting_position(registration) -> int | None:
    if registration is None or registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.filter(event_id=registration.event_id, status=RegistrationStatus.WAITLISTED)
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, id__lt=registration.id)
        )
        .count()
        + 1
    )


def event_ics(event) -> str:
    items = [
        {
            "uid": f"event-{event.public_id}",
            "title": str(event),
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "location": ", ".join(x for x in [event.venue, event.address] if x),
            "description": event.summary,
        }
    ]
    items += [
        {
            "uid": f"session-{s.public_id}",
            "title": f"{s.title} ({s.get_format_display()})",
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "location": s.track.name if s.track_id else event.venue,
            "description": s.description,
        }
        for s in event.sessions.select_related("track")
    ]
    return ics.calendar(items, name=str(event))


def person_ics(person) -> str:
    regs = Registration.objects.filter(person=person, status=RegistrationStatus.CONFIRMED).select_related(
        "event"
    )
    items = [
        {
            "uid": f"event-{r.event.public_id}",
            "title": str(r.event),
            "starts_at": r.event.starts_at,
            "ends_at": r.event.ends_at,
            "location": r.event.venue,
        }
        for r in regs
    ]
    signups = person.session_signups.filter(status=RegistrationStatus.CONFIRMED).select_related(
        "session__event"
    )
    items += [
        {
            "uid": f"session-{s.session.public_id}",
            "title": s.session.title,
            "starts_at": s.session.starts_at,
            "ends_at": s.session.ends_at,
            "location": s.session.event.venue,
        }
        for s in signups
    ]
    return ics.calendar(items, name=_("My programme"))


def library_catalogue(event):
    slots = Prefetch("slots", queryset=ReadingSlot.objects.order_by("starts_at"))
    return event.books.select_related("person").prefetch_related(slots).order_by("title")


def my_bookings(event, person):
    if person is None:
        return SlotBooking.objects.none()
    return SlotBooking.objects.filter(
        reader=person, slot__book__event=event, cancelled_at__isnull=True
    ).select_related("slot__book")


def registrations(event, *, status: str = "", q: str = ""):
    qs = event.registrations.select_related(
        "person__home_settlement__region", "person__user", "registered_by"
    ).order_by("created_at", "id")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(person__display_name__icontains=q) | Q(person__email__icontains=q) | Q(ticket_code=q)
        )
    return qs


def checkin_list(event, q: str = ""):
    qs = registrations(event, status=RegistrationStatus.CONFIRMED, q=q)
    return qs.order_by("person__display_name")


def _hide_small(counter: Counter) -> list[tuple[str, int]]:
    """Rows of 5+ people; the rest summed into one "other (groups under 5)" row so totals still add up."""
    shown = [(k, v) for k, v in counter.most_common() if v >= SMALL_GROUP]
    hidden = sum(v for v in counter.values() if v < SMALL_GROUP)
    if hidden:
        shown.append((_("other (groups under 5 people, hidden)"), hidden))
    return shown


def attendance(event) -> dict:
    """Who came: people, distinct places and communities, by region, gender and disability (consented only)."""
    regs = list(
        event.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related(
            "person__home_settlement__region", "person__home_community"
        )
    )
    checked = [r for r in regs if r.checked_in_at]
    attendees = checked or regs  # before check-in starts, report the confirmed list
    people = [r.person for r in attendees]
    settlements = {p.home_settlement_id for p in people if p.home_settlement_id}
    communities = {p.home_community_id for p in people if p.home_community_id}
    by_region = Counter(
        p.home_settlement.region.name if p.home_settlement_id else _("unknown") for p in people
    )
    by_gender = Counter(p.get_gender_display() if p.gender else _("not given") for p in people)
    by_disability = Counter(p.get_disability_display() if p.disability else _("not given") for p in people)
    earlier = set(
        Registration.objects.filter(
            person__in=people, status=RegistrationStatus.CONFIRMED, event__starts_at__lt=event.starts_at
        ).values_list("person_id", flat=True)
    )
    return {
        "basis": "checked_in" if checked else "confirmed",
        "participants": len(people),
        "confirmed": len(regs),
        "checked_in": len(checked),
        "locations": len(settlements),
        "communities": len(communities),
        "by_region": _hide_small(by_region),
        "by_gender": _hide_small(by_gender),
        "by_disability": _hide_small(by_disability),
        "returning": len([p for p in people if p.pk in earlier]),
        "first_time": len([p for p in people if p.pk not in earlier]),
        "session_attendance": [
            (s, s.n_checkins)
            for s in event.sessions.filter(needs_signup=True)
            .annotate(n_checkins=Count("checkins"))
            .order_by("starts_at")
        ],
    }


def home_section(request):
    items = list(public_events()[:6])
    return {
        "title": _("Events"),
        "template": "events/public/_event_cards.html",
        "items": items,
        "more_url": reverse("events:list"),
        "empty": _("No upcoming events yet."),
    }


def manage_section(request):
    from hramada.orgs.models import Role

    person = getattr(request.user, "person", None)
    orgs = list(
        person.memberships.filter(role__in=[Role.OWNER, Role.MANAGER]).values_list("organisation", flat=True)
        if person
        else []
    )
    qs = Event.objects.select_related("organisation").order_by("-starts_at")
    if not request.user.is_staff:
        qs = qs.filter(organisation__in=orgs)
    items = list(qs[:20])
    if not orgs and not request.user.is_staff:
        return None
    return {
        "title": _("Events you organise"),
        "template": "events/manage/_event_list.html",
        "items": items,
        "empty": _("No events yet."),
    }


def community_section(community):
    items = list(
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .filter(Q(community=community) | Q(settlement=community.settlement))
        .select_related("settlement")
        .order_by("-starts_at")[:10]
    )
    if not items:
        return None
    return {"title": _("Events here"), "template": "events/public/_event_cards.html", "items": items}


def checkin_count(event) -> int:
    return CheckIn.objects.filter(registration__event=event, session__isnull=True).count()


# --- Participant pages (event page, programme, Human Library, feeds) ----------------------------------


def event_page(slug: str):
    """An event with what its page shows; drafts included, so the view decides who may preview them."""
    return (
        Event.objects.select_related("organisation", "settlement__region", "series", "community")
        .prefetch_related(Prefetch("co_organisers", queryset=_public_orgs()))
        .filter(slug=slug)
        .first()
    )


def _public_orgs():
    from hramada.orgs.models import Organisation

    return Organisation.objects.filter(is_public=True).order_by("name")


def registration_box(event, person, *, now=None) -> dict:
    """What the registration box shows this visitor: their registration, or whether they may register now."""
    from . import services
    from .models import ACTIVE

    now = now or timezone.now()
    registration = registration_for(event, person)
    full = event.capacity is not None and event.confirmed_count >= event.capacity
    if event.status == Event.Status.CANCELLED:
        state = "event_cancelled"
    elif registration is None and event.ends_at < now:
        state = "over"
    elif registration is not None:
        state = "registered"
    elif event.registration_mode == Event.Mode.INVITATION:
        state = "invitation"
    elif services.registration_open(event, now):
        state = "open"
    elif event.registration_opens_at and now < event.registration_opens_at and event.starts_at > now:
        state = "not_yet"
    else:
        state = "closed"
    return {
        "state": state,
        "registration": registration,
        "active": registration is not None and registration.status in ACTIVE,
        "position": waiting_position(registration),
        "full": full,
        "seats_left": None if event.capacity is None else max(event.capacity - event.confirmed_count, 0),
    }


def my_signups(event, person) -> dict:
    """{session id: the person's active sign-up} for the sign-up buttons and "My programme"."""
    from .models import ACTIVE, SessionSignup

    if person is None:
        return {}
    qs = SessionSignup.objects.filter(session__event=event, person=person, status__in=ACTIVE)
    return {s.session_id: s for s in qs.select_related("session__track").order_by("session__starts_at")}


def _annotate_sessions(sessions, tracks, mine: dict) -> None:
    from django.conf import settings

    columns = {t.pk: i for i, t in enumerate(tracks, start=1)}
    languages = dict(settings.LANGUAGES)
    now = timezone.now()
    for s in sessions:
        s.started = s.starts_at <= now
        s.over = s.ends_at <= now
        s.col = columns.get(s.track_id, 0)  # 0: spans all tracks (plenary, break)
        s.seats_left = None if s.capacity is None else max(s.capacity - s.confirmed_count, 0)
        s.my_signup = mine.get(s.pk)
        s.language_name = languages.get(s.language, s.language)
        s.shown_speakers = list(s.speakers.all())  # prefetched: only those who agreed to be shown


def programme(event, *, person=None, by: str = "time") -> dict:
    """The timetable for the event page, by day then by start time (``by="time"``) or by track.

    Each session carries ``col`` (its track column), ``seats_left``, ``my_signup`` and
    ``shown_speakers``; the query count does not grow with the number of sessions.
    """
    sessions = list(sessions_for(event))
    tracks = list(event.tracks.all())
    _annotate_sessions(sessions, tracks, my_signups(event, person))
    days: OrderedDict = OrderedDict()
    for s in sessions:
        days.setdefault(timezone.localtime(s.starts_at).date(), []).append(s)
    result = []
    for date, day_sessions in days.items():
        if by == "track":
            groups = [
                {"track": t, "sessions": [s for s in day_sessions if s.track_id == t.pk]} for t in tracks
            ]
            groups.append({"track": None, "sessions": [s for s in day_sessions if s.track_id is None]})
            result.append({"date": date, "groups": [g for g in groups if g["sessions"]]})
        else:
            rows: OrderedDict = OrderedDict()
            for s in day_sessions:
                rows.setdefault(timezone.localtime(s.starts_at).strftime("%H:%M"), []).append(s)
            result.append({"date": date, "rows": [{"time": k, "sessions": v} for k, v in rows.items()]})
    return {"tracks": tracks, "days": result, "count": len(sessions)}


def session_card(event, public_id: str, *, person=None):
    """One session of the event, annotated like ``programme`` (for the htmx sign-up fragment)."""
    session = sessions_for(event).filter(public_id=public_id).first()
    if session is not None:
        _annotate_sessions([session], list(event.tracks.all()), my_signups(event, person))
    return session


def library(event, person=None) -> dict:
    """The Human Library catalogue with free places per reading, and this reader's own bookings."""
    books = list(library_catalogue(event))
    mine = list(my_bookings(event, person).order_by("slot__starts_at"))
    booked = {b.slot_id for b in mine}
    now = timezone.now()
    for book in books:
        book.reading_slots = list(book.slots.all())
        for slot in book.reading_slots:
            slot.free = max(slot.capacity - slot.booked_count, 0)
            slot.mine = slot.pk in booked
            slot.past = slot.starts_at <= now
    return {"books": books, "bookings": mine}


def has_library(event) -> bool:
    return event.books.exists()


def feed_token(person) -> str:
    """The secret part of a person's calendar feed address (derived, so nothing extra is stored)."""
    from hramada.core.hashing import keyed_hash

    return keyed_hash(person.public_id, purpose="ics-feed")[:32]


def person_for_feed(public_id: str, token: str):
    """The person whose feed this is, or None when the token does not match (compared in constant time)."""
    import hmac

    from hramada.core.hashing import keyed_hash
    from hramada.people.models import Person

    expected = keyed_hash(public_id, purpose="ics-feed")[:32]
    if not hmac.compare_digest(expected.encode(), str(token).encode()):
        return None
    return Person.objects.filter(public_id=public_id).first()


def feedback_state(event, person, *, now=None) -> str:
    """Whether this visitor may answer the event's feedback survey, and if not, why.

    One of: "none" (no survey), "not_ended", "anonymous", "not_participant", "answered", "open".
    """
    now = now or timezone.now()
    if not event.feedback_form_id:
        return "none"
    if event.ends_at > now:
        return "not_ended"
    if person is None:
        return "anonymous"
    if not Registration.objects.filter(
        event=event, person=person, status=RegistrationStatus.CONFIRMED
    ).exists():
        return "not_participant"
    if Registration.objects.filter(
        event=event, person=person, status=RegistrationStatus.CONFIRMED, feedback_response__isnull=False
    ).exists():
        return "answered"
    return "open"


def public_page_cache_key(slug: str, variant: str) -> str | None:
    """A key that changes whenever the anonymous page of a published event would (the event, its
    sessions, places taken), read in one query; None when the page is not cacheable."""
    row = (
        Event.objects.filter(slug=slug, status=Event.Status.PUBLISHED)
        .annotate(n=Count("sessions"), taken=Sum("sessions__confirmed_count"))
        .values_list("pk", "updated_at", "confirmed_count", "n", "taken")
        .first()
    )
    if row is None:
        return None
    pk, updated_at, confirmed, n, taken = row
    return f"event-page:{pk}:{variant}:{updated_at.timestamp()}:{confirmed}:{n}:{taken or 0}"
