from collections import Counter, OrderedDict

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ics
from .models import CheckIn, Event, ReadingSlot, Registration, RegistrationStatus, SlotBooking, Speaker

SMALL_GROUP = 5  # groups smaller than this are hidden in reports (privacy)


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
    qs = event.registrations.select_related("person__home_settlement__region", "person__user").order_by(
        "created_at", "id"
    )
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
            (s, s.checkins.count()) for s in event.sessions.filter(needs_signup=True).order_by("starts_at")
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
    qs = Event.objects.order_by("-starts_at")
    if not request.user.is_staff:
        qs = qs.filter(organisation__in=orgs)
    items = list(qs[:20])
    if not items and not orgs:
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
