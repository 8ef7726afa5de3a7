"""Open311 GeoReport v2: categories are its *services*, public issues its *service requests*.

Reading needs no key: only public issues (published, not hidden, not merged away) are listed, and never
who raised them. Creating a request needs an API key an organiser issued to the client
(``Open311Client``; only the key's SHA-256 hash is stored). A request goes through
``services.raise_issue`` like one from the web (the same validation, rate limits and moderation queue):
requests from clients always wait for a moderator, so the answer is a token
(``Issue.open311_token``) that ``tokens/<token>`` turns into the request's id once it is published.

The resident is the person whose verified e-mail address the client sends; otherwise a person without
a login is recorded for that address (the same one again for later requests from it), so the
per-person rate limit counts their requests. The client cannot choose to show the resident's name.

See docs/open311.md for the fields, our extensions and where we differ from the specification.
"""

import math
import secrets
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.people.models import Person
from hramada.places.models import Community, Settlement

from . import selectors, services
from .models import (
    OPEN_STATUSES,
    Category,
    Issue,
    IssuePhoto,
    Open311Client,
    Status,
    TimelineEntry,
    token_hash,
)

# Every request a client creates waits for moderation, so the client gets a token first ("batch").
SERVICE_TYPE = "batch"
DEFAULT_SPAN_DAYS = 90  # the specification's default and largest span of start_date..end_date
MAX_RESULTS = 1000  # the specification's default limit of one answer
MAX_DISTANCE_KM = 30  # a point farther than this from every community's settlement is refused
TITLE_FROM_DESCRIPTION = 80

# The timeline entries whose text explains the status (status_notes) and whose date is "expected".
NOTE_KINDS = (*TimelineEntry.ANSWERS, TimelineEntry.Kind.REOPENED, TimelineEntry.Kind.CONFIRMED)


class Open311Error(Exception):
    """A refusal answered in the specification's error format with this HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def language(locale: str, default: str) -> str:
    """One of our languages from an Open311 ``locale`` ("ru", "ru_RU", "be-BY"), else ``default``."""
    code = (locale or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in {code for code, _name in settings.LANGUAGES} else default


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- Services (categories) ---------------------------------------------------------------------------


def service_categories():
    """The categories offered to residents, in their order."""
    return Category.objects.filter(active=True).order_by("order", "id")


def category_for(code: str) -> Category:
    category = service_categories().filter(code=(code or "").strip()).first()
    if category is None:
        raise Open311Error(404, _("No service has the service_code %(code)s.") % {"code": code})
    return category


def service(category: Category) -> dict:
    """One category as an Open311 service (its name in the active language)."""
    keywords = [getattr(category, f"title_{code}", "") or "" for code, _name in settings.LANGUAGES] + [
        category.code
    ]
    return {
        "service_code": category.code,
        "service_name": category.title,
        "description": category.title,
        "metadata": False,
        "type": SERVICE_TYPE,
        "keywords": ", ".join(dict.fromkeys(word for word in keywords if word)),
        "group": _("Local issues"),
    }


def definition(category: Category) -> dict:
    """A service definition: ours ask for no attributes beyond the standard fields."""
    return {"service_code": category.code, "attributes": []}


# --- Service requests (public issues) ----------------------------------------------------------------


def requests_queryset():
    """Public issues with everything a request shows, in a fixed number of queries."""
    return (
        selectors.public_issues()
        .select_related("authority")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=IssuePhoto.objects.filter(entry__isnull=True).order_by("id"),
                to_attr="open311_photos",
            ),
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.filter(kind__in=NOTE_KINDS).order_by("created_at", "id"),
                to_attr="open311_notes",
            ),
        )
        .order_by("-created_at", "-id")
    )


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _when(value: str, name: str):
    """An ISO 8601 date-time (a date alone: its midnight in the site's time zone)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, _("%(name)s is not an ISO 8601 date and time, e.g. 2026-05-01T08:00:00Z.") % {"name": name}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _positive(value: str, name: str, default: int, largest: int) -> int:
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise Open311Error(400, _("%(name)s is a whole number from 1.") % {"name": name})
    return min(int(value), largest)


def find_requests(params, *, now=None) -> list[Issue]:
    """The public issues the standard filters choose, newest first: ``service_request_id`` (comma
    separated; overrides the other filters), ``service_code``, ``start_date``/``end_date`` (on the
    requested date; at most 90 days, the last 90 by default), ``status`` (open, closed), and our
    ``page_size`` (at most 1000) and ``page``."""
    now = now or timezone.now()
    issues = requests_queryset()
    size = _positive(params.get("page_size", ""), "page_size", MAX_RESULTS, MAX_RESULTS)
    page = _positive(params.get("page", ""), "page", 1, 10**6)
    ids = _split(params.get("service_request_id", ""))
    if ids:
        issues = issues.filter(public_id__in=[item.lower() for item in ids[:MAX_RESULTS]])
        return list(issues[(page - 1) * size : page * size])
    codes = _split(params.get("service_code", ""))
    if codes:
        issues = issues.filter(category__code__in=codes)
    start = _when(params.get("start_date", ""), "start_date")
    end = _when(params.get("end_date", ""), "end_date")
    span = timedelta(days=DEFAULT_SPAN_DAYS)
    if start is None and end is None:
        start, end = now - span, None
    elif start is None:
        start = end - span
    elif end is None:
        end = start + span
    if end is not None:
        if end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if end - start > span:
            raise Open311Error(
                400,
                _("start_date and end_date may not span more than %(n)d days.") % {"n": DEFAULT_SPAN_DAYS},
            )
        issues = issues.filter(created_at__lte=end)
    issues = issues.filter(created_at__gte=start)
    statuses = {item.lower() for item in _split(params.get("status", ""))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status is open, closed or both (comma separated)."))
    if statuses == {"open"}:
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        issues = issues.exclude(status__in=OPEN_STATUSES)
    return list(issues[(page - 1) * size : page * size])


def find_request(public_id: str) -> Issue:
    issue = requests_queryset().filter(public_id=(public_id or "").lower()).first()
    if issue is None:
        raise Open311Error(404, _("No public service request has this id."))
    return issue


def _expected(issue) -> str | None:
    planned = [entry for entry in issue.open311_notes if entry.kind == "planned" and entry.planned_for]
    if not planned:
        return None
    return _iso(timezone.make_aware(datetime.combine(planned[-1].planned_for, time.min)))


def service_request(issue: Issue, absolute_url) -> dict:
    """A public issue as an Open311 service request (never the reporter: not even a name).
    ``absolute_url`` turns a media path into a full address."""
    notes = [entry for entry in issue.open311_notes if entry.text]
    updated = max([issue.updated_at, *(entry.created_at for entry in issue.open311_notes)])
    photos = issue.open311_photos
    return {
        "service_request_id": issue.public_id,
        "status": "open" if issue.status in OPEN_STATUSES else "closed",
        "status_notes": notes[-1].text if notes else None,
        "service_name": issue.category.title,
        "service_code": issue.category.code,
        "description": issue.description,
        "agency_responsible": issue.authority.name if issue.authority_id else None,
        "service_notice": str(Status(issue.status).label),
        "requested_datetime": _iso(issue.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _expected(issue),
        "address": ", ".join(part for part in (issue.address, issue.settlement.name) if part),
        "address_id": issue.settlement.public_id,
        "zipcode": None,
        "lat": float(issue.latitude) if issue.latitude is not None else None,
        "long": float(issue.longitude) if issue.longitude is not None else None,
        "media_url": absolute_url(photos[0].image.url) if photos else None,
        "title": issue.title,  # our extension: the issue's short title
    }


def token_answer(token: str) -> dict:
    """``service_request_id`` once the request is public, none while it waits for moderation; a
    request moderators refused (hid) is not found."""
    issue = Issue.objects.filter(open311_token=(token or "").strip()).first() if token else None
    if issue is None or issue.hidden_at is not None:
        raise Open311Error(404, _("No service request has this token."))
    public = issue.is_public and issue.status != Status.MERGED
    return {"service_request_id": issue.public_id if public else None, "token": issue.open311_token}


# --- Clients and their keys ----------------------------------------------------------------------------


def client_for_key(key: str, *, now=None) -> Open311Client:
    """The client an API key belongs to (its last use noted); a missing, unknown or revoked key is
    refused with 403."""
    key = (key or "").strip()
    if not key:
        raise Open311Error(403, _("api_key is required to create a service request."))
    client = Open311Client.objects.filter(key_hash=token_hash(key)).first()
    if client is None:
        raise Open311Error(403, _("This api_key is not valid."))
    if client.revoked_at is not None:
        raise Open311Error(403, _("This api_key was revoked."))
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=now or timezone.now())
    return client


def _require_organiser(actor):
    if not services.can_moderate(actor):
        raise DomainError(_("Only the moderators of local issues can do this (with the second factor)."))


@transaction.atomic
def create_client(*, actor, name: str, organisation) -> tuple[Open311Client, str]:
    """An organiser issues an API key to a client application; the key is returned once and only its
    hash is kept."""
    _require_organiser(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the application the key is for."), field="name")
    if len(name) > 120:
        raise DomainError(_("Keep the name under 120 characters."), field="name")
    if organisation is None:
        raise DomainError(_("Choose the organisation responsible for the application."), field="organisation")
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(name=name, organisation=organisation, key_hash=token_hash(key))
    audit.record(
        actor=actor,
        action="local_issues.open311_client.created",
        target=client,
        data={"client": client.public_id, "name": name, "organisation": organisation.public_id},
    )
    return client, key


@transaction.atomic
def revoke_client(*, actor, client: Open311Client, now=None) -> Open311Client:
    """An organiser revokes a client's key: from then on its requests are refused (403)."""
    _require_organiser(actor)
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise DomainError(_("This key was already revoked."))
    client.revoked_at = now or timezone.now()
    client.save(update_fields=["revoked_at", "updated_at"])
    audit.record(
        actor=actor,
        action="local_issues.open311_client.revoked",
        target=client,
        data={"client": client.public_id, "name": client.name},
    )
    return client


# --- Creating a request -------------------------------------------------------------------------------


def _coordinate(value: str, name: str, low: int, high: int):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not (low <= number <= high):
        raise Open311Error(
            400,
            _("%(name)s is a number from %(low)d to %(high)d.")
            % {
                "name": name,
                "low": low,
                "high": high,
            },
        )
    return number


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (lat1, lon1, lat2, lon2)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def nearest_settlement(latitude, longitude) -> Settlement | None:
    """The settlement with a published community nearest to the point, within MAX_DISTANCE_KM."""
    latitude, longitude = float(latitude), float(longitude)
    dlat = MAX_DISTANCE_KM / 111.0
    dlon = MAX_DISTANCE_KM / max(1.0, 111.0 * math.cos(math.radians(latitude)))
    candidates = Settlement.objects.filter(
        communities__is_published=True,
        latitude__isnull=False,
        longitude__isnull=False,
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    ).distinct()
    best, best_km = None, None
    for settlement in candidates:
        km = _distance_km(latitude, longitude, settlement.latitude, settlement.longitude)
        if km <= MAX_DISTANCE_KM and (best_km is None or km < best_km):
            best, best_km = settlement, km
    return best


def _place(params, latitude, longitude) -> tuple[Community, Settlement | None]:
    slug = (params.get("community") or "").strip()
    if slug:
        community = (
            Community.objects.filter(slug=slug, is_published=True).select_related("settlement").first()
        )
        if community is None:
            raise Open311Error(400, _("No community has the short name %(slug)s.") % {"slug": slug[:80]})
        return community, None
    if latitude is None:
        raise Open311Error(
            400,
            _("Give lat and long, or name the community (our community parameter), to place the request."),
        )
    settlement = nearest_settlement(latitude, longitude)
    if settlement is None:
        raise Open311Error(
            400,
            _(
                "No community on the platform is within %(km)d km of this point; name one with the community parameter."
            )
            % {"km": MAX_DISTANCE_KM},
        )
    community = settlement.communities.filter(is_published=True).order_by("id").first()
    return community, settlement


def _reporter(params, *, settlement, lang: str) -> Person:
    """The person with this verified e-mail address; else the person without a login an earlier
    Open311 request recorded for it; else a new person without a login."""
    from allauth.account.models import EmailAddress

    from hramada.people import services as people_services

    email = (params.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email is not a valid e-mail address.")) from None
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True, user__person__isnull=False)
            .select_related("user__person")
            .first()
        )
        if address is not None:
            return address.user.person
        earlier = (
            Person.objects.filter(
                email__iexact=email,
                user__isnull=True,
                erased_at__isnull=True,
                local_issues_raised__open311_client__isnull=False,
            )
            .order_by("id")
            .first()
        )
        if earlier is not None:
            return earlier
    name = " ".join(
        part
        for part in ((params.get("first_name") or "").strip(), (params.get("last_name") or "").strip())
        if part
    )[:120]
    return people_services.create_person(
        actor=None,
        display_name=name or _("Resident"),
        email=email,
        home_settlement=settlement,
        source=Person.Source.IMPORT,
        preferred_language=lang,
    )


def _title(params, description: str) -> str:
    """Our ``title`` extension, else the description's first line, cut at a word."""
    title = (params.get("title") or "").strip()
    if title:
        return title
    line = description.strip().splitlines()[0] if description.strip() else ""
    if len(line) <= TITLE_FROM_DESCRIPTION:
        return line
    return line[:TITLE_FROM_DESCRIPTION].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


@transaction.atomic
def create_request(*, client: Open311Client, params, network_key: str = "", lang: str = "", now=None) -> dict:
    """A client files a service request: raised through ``services.raise_issue`` (validation, rate
    limits, moderation) for the resident the e-mail names; answers the id, or a token while the
    request waits for moderation. ``media_url`` is ignored: the platform fetches nothing from others."""
    category = (
        category_for((params.get("service_code") or "").strip()) if params.get("service_code") else None
    )
    if category is None:
        raise Open311Error(400, _("service_code is required."))
    latitude = _coordinate(params.get("lat", ""), "lat", -90, 90)
    longitude = _coordinate(params.get("long", ""), "long", -180, 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, _("Give both lat and long, or neither."))
    address = (params.get("address_string") or "").strip()
    if latitude is None and not address and not (params.get("address_id") or "").strip():
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    description = (params.get("description") or "").strip()
    if not description:
        raise Open311Error(400, _("description is required."))
    community, settlement = _place(params, latitude, longitude)
    reporter = _reporter(params, settlement=settlement or community.settlement, lang=lang)
    issue = services.raise_issue(
        actor=None,
        reporter=reporter,
        community=community,
        settlement=settlement,
        category=category,
        title=_title(params, description),
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        network_key=network_key,
        open311_client=client,
        now=now,
    )
    if issue.published_at is not None:
        return {"service_request_id": issue.public_id, "service_notice": str(Status(issue.status).label)}
    token = secrets.token_urlsafe(24)
    Issue.objects.filter(pk=issue.pk).update(open311_token=token)
    return {"token": token, "service_notice": str(Status.WAITING.label)}
