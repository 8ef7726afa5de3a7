"""Every change to events, registrations, sign-ups, check-ins and Human Library bookings.

This module is the import surface: views, other apps, the demo, the tests and the benchmarks call
``services.<name>``. It holds the organisers' editing of events and series; the other services live
in modules by subject and are re-exported here:

- ``registrations``: registering, approval, the waiting list and its offers, cancelling, the feedback
  survey, a person's data export;
- ``programme``: session sign-ups; editing tracks, sessions and speakers;
- ``library``: Human Library bookings; editing books and reading times;
- ``checkin``: check-in at the door and in sessions;
- ``capacity``: the place counters, row locks and the organisers' check that all of them share.

Capacity rule (never overbook): a place is taken by one conditional UPDATE of the counter row
(``confirmed_count < capacity``), which also takes that row's lock until the transaction ends, then
the registration row is inserted: two statements under the lock. A check constraint on the counter
is the last guard. Freed places go to the waiting list in arrival order, as an offer to confirm.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug
from hramada.core.translated import LANGS, set_translated

from . import tasks
from .capacity import (  # noqa: F401 - re-exported
    _lock,
    _require_manager,
    _save_keeping_counters,
    _take_place,
    can_manage,
)
from .checkin import check_in  # noqa: F401 - re-exported
from .library import (  # noqa: F401 - re-exported
    book_slot,
    cancel_booking,
    delete_slot,
    save_book,
    save_slot,
)
from .models import ACTIVE, Event, EventSeries
from .programme import (  # noqa: F401 - re-exported
    SESSION_FIELDS,
    cancel_signup,
    delete_session,
    delete_track,
    remove_speaker,
    save_session,
    save_track,
    set_speaker,
    signup_session,
)
from .registrations import (  # noqa: F401 - re-exported
    _offer_next,
    accept_offer,
    cancel,
    decide,
    expire_offers,
    export_registrations,
    register,
    registration_open,
    submit_feedback,
)

# --- Organiser editing: events and series -----------------------------------------------------------------


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
