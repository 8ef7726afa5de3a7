"""Every change residents and moderators make to local issues: raising, backing, commenting,
following, reporting abuse, publishing from the queue, hiding and showing, merging duplicates.

Each function is one transaction, checks the actor's permission (the named rules of ``rules.py``)
and writes an audit entry scoped to the issue's community. The issue's ``backing_count`` and
``comment_count`` are maintained with ``F()`` updates in the same transaction as the row that changes
them; the unique constraint ``backing_once_per_person`` is the guard behind "one backing per person".

Rate limits (per person and per network, counted in the cache with atomic increments, Redis in
production) refuse floods of issues, backings and comments; the settings and their defaults are in
``LIMITS``. A network is only ever a keyed hash of its /24 or /64 prefix (``network_key``), never an
address, and never blocks alone: many honest residents share a VPN exit, so its limit is higher.
"""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash
from hramada.core.images import validate_image
from hramada.core.tasks import enqueue_on_commit
from hramada.places.models import Community

from .models import (
    Category,
    Follow,
    Issue,
    IssuePhoto,
    Status,
    TimelineEntry,
)

logger = logging.getLogger(__name__)

MAX_PHOTOS = 6
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
COMMENT_MAX = 3000
REASON_MAX = 300

# Setting name -> default. Counted per calendar day (issues) or hour (backings, comments, reports).
LIMITS = {
    "LOCAL_ISSUES_PER_PERSON_DAY": 5,
    "LOCAL_ISSUES_PER_NETWORK_DAY": 30,
    "LOCAL_ISSUES_BACKINGS_PER_PERSON_HOUR": 60,
    "LOCAL_ISSUES_BACKINGS_PER_NETWORK_HOUR": 300,
    "LOCAL_ISSUES_COMMENTS_PER_PERSON_HOUR": 20,
    "LOCAL_ISSUES_COMMENTS_PER_NETWORK_HOUR": 100,
    "LOCAL_ISSUES_REPORTS_PER_PERSON_HOUR": 20,
}
TRUSTED_AFTER_DAYS = 7  # LOCAL_ISSUES_TRUSTED_AFTER_DAYS: younger accounts wait for moderation


def _setting(name, default=None):
    return getattr(settings, name, LIMITS.get(name, default))


def trusted_after_days() -> int:
    return int(_setting("LOCAL_ISSUES_TRUSTED_AFTER_DAYS", TRUSTED_AFTER_DAYS))


def _scope(issue):
    return (Community, issue.community_id)


def _lock(pk) -> Issue:
    return Issue.objects.select_for_update(no_key=True).get(pk=pk)


def _person_of(actor):
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None or person.erased_at:
        raise DomainError(_("Sign in to do this."))
    return person


# --- Rate limits ---------------------------------------------------------------------------------------


def network_key(ip: str) -> str:
    """A keyed hash of the client's network (IPv4 /24, IPv6 /64) for rate limits: never the address."""
    from hramada.voting.antifraud import network_of

    network = network_of(ip)
    return keyed_hash(network, purpose="local-issues-network") if network else ""


def _count(key: str, ttl: int) -> int:
    """Count one more event under ``key`` and return the count (atomic with Redis)."""
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=ttl)
        return 1


def _rate_limit(kind: str, *, person, network: str, now, message: str) -> None:
    """Refuse when the person (or, with a higher limit, the network) did ``kind`` too often in this
    window (a calendar day for issues, an hour for the rest)."""
    day = kind == "issues"
    window = now.strftime("%Y%m%d" if day else "%Y%m%d%H")
    ttl = 2 * 86400 if day else 7200
    unit = "DAY" if day else "HOUR"
    person_setting = (
        f"LOCAL_ISSUES_PER_PERSON_{unit}" if day else f"LOCAL_ISSUES_{kind.upper()}_PER_PERSON_{unit}"
    )
    network_setting = person_setting.replace("PERSON", "NETWORK")
    counters = [(f"local_issues:{kind}:p:{person.pk}:{window}", _setting(person_setting))]
    if network and network_setting in LIMITS:
        counters.append((f"local_issues:{kind}:n:{network}:{window}", _setting(network_setting)))
    for key, limit in counters:
        if limit is not None and _count(key, ttl) > int(limit):
            raise DomainError(message)


# --- The timeline --------------------------------------------------------------------------------------


def _entry(issue, kind, *, actor=None, now=None, notify=True, **values) -> TimelineEntry:
    """Add a public timeline entry (dated ``now`` when given) and e-mail the issue's followers."""
    entry = TimelineEntry.objects.create(issue=issue, kind=kind, actor=actor, **values)
    if now is not None:
        TimelineEntry.objects.filter(pk=entry.pk).update(created_at=now)
        entry.created_at = now
    if notify:
        notify_followers(issue.pk, entry.pk)
    return entry


def notify_followers(issue_id: int, entry_id: int) -> None:
    """E-mail the issue's followers about a new public timeline entry, once the transaction commits
    (each in their language; not the person whose action it was)."""
    from . import notifications

    enqueue_on_commit(notifications.send_timeline_update, issue_id, entry_id)


# --- Raising an issue ----------------------------------------------------------------------------------


def _point(value, low, high, field, message):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise DomainError(message, field=field) from None
    if not (low <= number <= high):
        raise DomainError(message, field=field)
    return number


def clean_photos(photos, field="photos") -> list:
    """Each upload validated and re-encoded without metadata (EXIF, GPS), at most ``MAX_PHOTOS``."""
    photos = [photo for photo in photos or () if photo]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, field=field)
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(validate_image(photo))
        except ValidationError as exc:
            raise DomainError(
                f"{getattr(photo, 'name', '')}: {' '.join(exc.messages)}".lstrip(": "), field=field
            ) from None
    return cleaned


def _needs_moderation(reporter, open311_client, now) -> bool:
    """New accounts (younger than LOCAL_ISSUES_TRUSTED_AFTER_DAYS), reporters without an account and
    requests from an Open311 client wait in the moderation queue."""
    if open311_client is not None:
        return True
    user = reporter.user if reporter.user_id else None
    if user is None:
        return True
    return user.date_joined > now - timedelta(days=trusted_after_days())


@transaction.atomic
def raise_issue(
    *,
    actor,
    community,
    settlement=None,
    category,
    title,
    description,
    address="",
    latitude=None,
    longitude=None,
    photos=(),
    show_name=False,
    name_to_authority=False,
    network_key="",
    open311_client=None,
    now=None,
    reporter=None,
) -> Issue:
    """A resident raises an issue in a community: published at once for an established account, else
    it waits for a moderator. ``reporter`` (a Person) is only for an Open311 client raising an issue for
    a resident without an account (``actor`` None); otherwise the reporter is ``actor.person``."""
    backdated = now is not None
    now = now or timezone.now()
    if reporter is None or actor is not None:
        reporter = _person_of(actor)
    elif open311_client is None:
        raise DomainError(_("Sign in to do this."))
    if reporter.erased_at:
        raise DomainError(_("This person's account was deleted."))
    title = (title or "").strip()
    description = (description or "").strip()
    address = (address or "").strip()
    if not title:
        raise DomainError(_("Give the issue a short title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}, field="title")
    if not description:
        raise DomainError(_("Describe the issue: what is wrong and where."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("Keep the description under %(n)d characters.") % {"n": DESCRIPTION_MAX}, field="description"
        )
    if len(address) > 300:
        raise DomainError(_("Keep the address under 300 characters."), field="address")
    if community is None or not community.is_published:
        raise DomainError(_("Choose the community where the issue is."), field="community")
    if category is None or not isinstance(category, Category) or not category.active:
        raise DomainError(_("Choose one of the categories offered."), field="category")
    home = community.settlement
    if settlement is None:
        settlement = home
    elif settlement.pk != home.pk and not (
        settlement.region_id == home.region_id
        and (settlement.district_id == home.district_id if home.district_id else True)
    ):
        raise DomainError(
            _("The settlement must be in the community's district (%(place)s).") % {"place": home.full_name},
            field="settlement",
        )
    latitude = _point(latitude, -90, 90, "latitude", _("Latitude is a number between -90 and 90."))
    longitude = _point(longitude, -180, 180, "longitude", _("Longitude is a number between -180 and 180."))
    if (latitude is None) != (longitude is None):
        raise DomainError(
            _("Give both the latitude and the longitude, or neither."),
            field="latitude" if latitude is None else "longitude",
        )
    cleaned = clean_photos(photos)
    _rate_limit(
        "issues",
        person=reporter,
        network=network_key,
        now=now,
        message=_("You have raised many issues today. Please wait until tomorrow to raise more."),
    )
    waiting = _needs_moderation(reporter, open311_client, now)
    issue = Issue.objects.create(
        community=community,
        settlement=settlement,
        category=category,
        title=title,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        reporter=reporter,
        show_name=bool(show_name),
        name_to_authority=bool(name_to_authority),
        status=Status.WAITING if waiting else Status.OPEN,
        published_at=None if waiting else now,
        open311_client=open311_client,
    )
    for photo in cleaned:
        item = IssuePhoto(issue=issue)
        item.image.save(photo.name, photo, save=False)
        item.save()
    Follow.objects.create(issue=issue, person=reporter)
    if not waiting:
        _entry(issue, TimelineEntry.Kind.PUBLISHED, actor=actor, now=now if backdated else None)
    if backdated:  # created_at is set on insert; a caller replaying history (demo, bench) gives the date
        Issue.objects.filter(pk=issue.pk).update(created_at=now)
        issue.created_at = now
    audit.record(
        actor=actor,
        action="local_issues.issue.raised",
        target=issue,
        scope=_scope(issue),
        data={
            "issue": issue.public_id,
            "status": issue.status,
            "photos": len(cleaned),
            "open311_client": open311_client.pk if open311_client else None,
        },
    )
    return issue
