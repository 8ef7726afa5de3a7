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
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError, violated_constraint
from hramada.core.hashing import keyed_hash
from hramada.core.images import validate_image
from hramada.core.tasks import enqueue_on_commit
from hramada.places.models import Community

from .models import (
    AbuseReport,
    Backing,
    Category,
    Comment,
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


# --- Permissions -----------------------------------------------------------------------------------------


def can_moderate(user, issue=None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if issue is None:
        return user.has_perm("local_issues.moderate")
    return user.has_perm("local_issues.moderate_issue", issue)


def _require_moderator(actor, issue=None):
    if not can_moderate(actor, issue):
        raise DomainError(_("Only the moderators of local issues can do this (with the second factor)."))


def _require_public(issue, message=None):
    if not issue.is_public or issue.status == Status.MERGED:
        raise DomainError(message or _("This issue is not open to residents' actions."))


def _bump(issue_id: int, field: str, delta: int) -> None:
    """Change a maintained count in the database itself (``F()``), never from a value read earlier:
    simultaneous backings each add their one."""
    Issue.objects.filter(pk=issue_id).update(**{field: F(field) + delta})


def _follow(issue, person) -> bool:
    """The person follows the issue (nothing if they already do); True when a follow was added."""
    if Follow.objects.filter(issue=issue, person=person).exists():
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(issue=issue, person=person)
    except IntegrityError:  # followed in a simultaneous request
        return False
    return True


# --- Moderation queue ------------------------------------------------------------------------------------


@transaction.atomic
def publish_issue(*, actor, issue: Issue, now=None) -> Issue:
    """A moderator approves an issue waiting in the queue: it becomes public and open."""
    _require_moderator(actor, issue)
    issue = _lock(issue.pk)
    if issue.status != Status.WAITING or issue.published_at is not None:
        raise DomainError(_("This issue is not waiting for moderation."))
    now = now or timezone.now()
    issue.status = Status.OPEN
    issue.published_at = now
    issue.save(update_fields=["status", "published_at", "updated_at"])
    _entry(issue, TimelineEntry.Kind.PUBLISHED, actor=actor, now=now)
    audit.record(
        actor=actor, action="local_issues.issue.published", target=issue, scope=_scope(issue), data={}
    )
    return issue


@transaction.atomic
def hide_issue(*, actor, issue: Issue, reason: str, now=None) -> Issue:
    """Moderators hide an issue with a reason: the public no longer sees it; the reporter and
    moderators see "hidden by moderators: <reason>". Its open abuse reports are handled with it."""
    _require_moderator(actor, issue)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the issue is hidden; the reporter sees it."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX}, field="reason")
    issue = _lock(issue.pk)
    if issue.hidden_at is not None:
        raise DomainError(_("This issue is already hidden."))
    now = now or timezone.now()
    issue.hidden_at = now
    issue.hidden_reason = reason
    issue.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _entry(issue, TimelineEntry.Kind.HIDDEN, actor=actor, text=reason)
    AbuseReport.objects.filter(issue=issue, comment__isnull=True, handled_at__isnull=True).update(
        handled_at=now, handled_by=actor
    )
    audit.record(
        actor=actor,
        action="local_issues.issue.hidden",
        target=issue,
        scope=_scope(issue),
        data={"reason": reason},
    )
    return issue


@transaction.atomic
def show_issue(*, actor, issue: Issue) -> Issue:
    """Moderators show a hidden issue again."""
    _require_moderator(actor, issue)
    issue = _lock(issue.pk)
    if issue.hidden_at is None:
        raise DomainError(_("This issue is not hidden."))
    reason = issue.hidden_reason
    issue.hidden_at = None
    issue.hidden_reason = ""
    issue.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _entry(issue, TimelineEntry.Kind.SHOWN, actor=actor)
    audit.record(
        actor=actor,
        action="local_issues.issue.shown",
        target=issue,
        scope=_scope(issue),
        data={"was_hidden_for": reason},
    )
    return issue


@transaction.atomic
def hide_comment(*, actor, comment: Comment, reason: str, now=None) -> Comment:
    """Moderators hide a comment with a reason (shown in its place); it no longer counts."""
    _require_moderator(actor, comment.issue)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the comment is hidden."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX}, field="reason")
    _lock(comment.issue_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.hidden_at is not None:
        raise DomainError(_("This comment is already hidden."))
    now = now or timezone.now()
    comment.hidden_at = now
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _bump(comment.issue_id, "comment_count", -1)
    AbuseReport.objects.filter(comment=comment, handled_at__isnull=True).update(
        handled_at=now, handled_by=actor
    )
    audit.record(
        actor=actor,
        action="local_issues.comment.hidden",
        target=comment.issue,
        scope=_scope(comment.issue),
        data={"comment": comment.public_id, "reason": reason},
    )
    return comment


@transaction.atomic
def show_comment(*, actor, comment: Comment) -> Comment:
    """Moderators show a hidden comment again."""
    _require_moderator(actor, comment.issue)
    _lock(comment.issue_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.hidden_at is None:
        raise DomainError(_("This comment is not hidden."))
    comment.hidden_at = None
    comment.hidden_reason = ""
    comment.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _bump(comment.issue_id, "comment_count", 1)
    audit.record(
        actor=actor,
        action="local_issues.comment.shown",
        target=comment.issue,
        scope=_scope(comment.issue),
        data={"comment": comment.public_id},
    )
    return comment


@transaction.atomic
def handle_report(*, actor, report: AbuseReport) -> AbuseReport:
    """A moderator closes an abuse report without hiding anything (nothing wrong found)."""
    _require_moderator(actor, report.issue)
    report = AbuseReport.objects.select_for_update().get(pk=report.pk)
    if report.handled_at is not None:
        raise DomainError(_("This report was already handled."))
    report.handled_at = timezone.now()
    report.handled_by = actor
    report.save(update_fields=["handled_at", "handled_by"])
    audit.record(
        actor=actor,
        action="local_issues.report.dismissed",
        target=report.issue,
        scope=_scope(report.issue),
        data={"report": report.pk, "comment": report.comment.public_id if report.comment_id else None},
    )
    return report


@transaction.atomic
def merge_issues(*, actor, issue: Issue, into: Issue) -> Issue:
    """A moderator merges a duplicate into the issue kept: every backing and follow moves to the kept
    issue (a person who backed both keeps one), the duplicate's reporter backs the kept issue, and the
    duplicate becomes "merged" with a link to it."""
    if issue.pk == into.pk:
        raise DomainError(_("An issue cannot be merged into itself."), field="into")
    _require_moderator(actor, issue)
    _require_moderator(actor, into)
    first, second = sorted([issue.pk, into.pk])  # locks in primary-key order
    locked = {pk: _lock(pk) for pk in (first, second)}
    issue, into = locked[issue.pk], locked[into.pk]
    if issue.status == Status.MERGED:
        raise DomainError(_("This issue was already merged into another one."))
    if into.status == Status.MERGED:
        raise DomainError(
            _("The issue to keep was itself merged; merge into the issue it was merged into."), field="into"
        )
    if into.published_at is None or into.hidden_at is not None:
        raise DomainError(_("Merge into a published, visible issue."), field="into")
    kept_backers = set(Backing.objects.filter(issue=into).values_list("person_id", flat=True))
    duplicates = Backing.objects.filter(issue=issue, person_id__in=kept_backers)
    dropped = duplicates.count()
    duplicates.delete()
    moved = Backing.objects.filter(issue=issue).update(issue=into)
    reporter_added = 0
    if (
        issue.reporter_id not in kept_backers
        and not Backing.objects.filter(issue=into, person_id=issue.reporter_id).exists()
    ):
        Backing.objects.create(issue=into, person_id=issue.reporter_id)
        reporter_added = 1
    kept_followers = set(Follow.objects.filter(issue=into).values_list("person_id", flat=True))
    Follow.objects.filter(issue=issue, person_id__in=kept_followers).delete()
    Follow.objects.filter(issue=issue).update(issue=into)
    _bump(into.pk, "backing_count", moved + reporter_added)
    issue.status = Status.MERGED
    issue.merged_into = into
    issue.backing_count = 0
    issue.save(update_fields=["status", "merged_into", "backing_count", "updated_at"])
    _entry(issue, TimelineEntry.Kind.MERGED, actor=actor, text=into.public_id, notify=False)
    _entry(into, TimelineEntry.Kind.MERGED, actor=actor, text=issue.public_id)
    AbuseReport.objects.filter(issue=issue, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor
    )
    audit.record(
        actor=actor,
        action="local_issues.issue.merged",
        target=issue,
        scope=_scope(issue),
        data={
            "into": into.public_id,
            "backings_moved": moved,
            "backings_of_both": dropped,
            "reporter_backs": bool(reporter_added),
        },
    )
    into.refresh_from_db()
    return into


# --- Residents: backing, comments, following, abuse reports -------------------------------------------


def _backs(issue, person) -> bool:
    return Backing.objects.filter(issue=issue, person=person).exists()


@transaction.atomic
def back_issue(*, actor, issue: Issue, network_key: str = "", now=None) -> Backing:
    """A resident backs a public issue, once (the database holds it); the backer follows the issue."""
    person = _person_of(actor)
    _require_public(issue, _("Only published issues can be backed."))
    now = now or timezone.now()
    if _backs(issue, person):
        raise DomainError(_("You already back this issue."))
    _rate_limit(
        "backings",
        person=person,
        network=network_key,
        now=now,
        message=_("You have backed many issues in the last hour. Please wait a while."),
    )
    try:
        with transaction.atomic():
            backing = Backing.objects.create(issue=issue, person=person)
    except IntegrityError as exc:
        if violated_constraint(exc, Backing) == "backing_once_per_person":
            raise DomainError(_("You already back this issue.")) from None
        raise
    _bump(issue.pk, "backing_count", 1)
    _follow(issue, person)
    audit.record(actor=actor, action="local_issues.issue.backed", target=issue, scope=_scope(issue), data={})
    return backing


@transaction.atomic
def unback_issue(*, actor, issue: Issue) -> None:
    """A resident withdraws their backing (and stops following, unless they raised the issue)."""
    person = _person_of(actor)
    deleted, _kinds = Backing.objects.filter(issue=issue, person=person).delete()
    if not deleted:
        raise DomainError(_("You do not back this issue."))
    _bump(issue.pk, "backing_count", -1)
    if issue.reporter_id != person.pk:
        Follow.objects.filter(issue=issue, person=person).delete()
    audit.record(
        actor=actor, action="local_issues.issue.unbacked", target=issue, scope=_scope(issue), data={}
    )


@transaction.atomic
def add_comment(*, actor, issue: Issue, body: str, network_key: str = "", now=None) -> Comment:
    """A resident comments on a public issue (plain text, shown escaped)."""
    person = _person_of(actor)
    _require_public(issue, _("Only published issues can be commented on."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if len(body) > COMMENT_MAX:
        raise DomainError(_("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}, field="body")
    _rate_limit(
        "comments",
        person=person,
        network=network_key,
        now=now or timezone.now(),
        message=_("You have written many comments in the last hour. Please wait a while."),
    )
    comment = Comment.objects.create(issue=issue, author=person, body=body)
    _bump(issue.pk, "comment_count", 1)
    audit.record(
        actor=actor,
        action="local_issues.comment.added",
        target=issue,
        scope=_scope(issue),
        data={"comment": comment.public_id},
    )
    return comment


@transaction.atomic
def follow_issue(*, actor, issue: Issue) -> None:
    """Hear of the issue's news by e-mail."""
    person = _person_of(actor)
    if not (issue.is_public or issue.reporter_id == person.pk):
        raise DomainError(_("Only published issues can be followed."))
    if not _follow(issue, person):
        raise DomainError(_("You already follow this issue."))


@transaction.atomic
def unfollow_issue(*, actor, issue: Issue) -> None:
    """Stop hearing of the issue's news by e-mail."""
    person = _person_of(actor)
    deleted, _kinds = Follow.objects.filter(issue=issue, person=person).delete()
    if not deleted:
        raise DomainError(_("You do not follow this issue."))


@transaction.atomic
def report_abuse(
    *, actor, issue: Issue, reason: str, comment: Comment | None = None, now=None
) -> AbuseReport:
    """A resident reports an issue or one of its comments to the moderators, with a reason."""
    person = _person_of(actor)
    _require_public(issue, _("Only published issues can be reported."))
    if comment is not None and comment.issue_id != issue.pk:
        raise DomainError(_("This comment is not on this issue."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what is wrong, so moderators can judge."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX}, field="reason")
    if AbuseReport.objects.filter(
        issue=issue, comment=comment, reporter=person, handled_at__isnull=True
    ).exists():
        raise DomainError(_("You have already reported this; moderators will look at it."))
    _rate_limit(
        "reports",
        person=person,
        network="",
        now=now or timezone.now(),
        message=_("You have sent many reports in the last hour. Please wait a while."),
    )
    report = AbuseReport.objects.create(issue=issue, comment=comment, reporter=person, reason=reason)
    audit.record(
        actor=actor,
        action="local_issues.report.sent",
        target=issue,
        scope=_scope(issue),
        data={"report": report.pk, "comment": comment.public_id if comment else None},
    )
    return report
