"""Authorities answer in public: the places and categories each authority covers, the suggestion of
where to forward an issue, forwarding with an e-mailed answer link, the answers themselves, reminders,
escalation to the authority above, and the residents' check four weeks after "resolved".

Each function is one transaction, checks its actor (moderators: ``local_issues.moderate_issue``; the
authority's owners and managers: ``local_issues.answer_issue``) and writes an audit entry scoped to
the issue's community (areas: to the authority).

Answer links. The token is ``secrets.token_urlsafe(32)``, made by the e-mail task and kept only as its
SHA-256 (``token_hash``): the plain token exists in the authority's mailbox, never in the database or
the task queue. A link is bound to one issue and one authority, expires after LOCAL_ISSUES_LINK_DAYS,
can be revoked, and answers once: ``used_at`` is set by the answer. A used link still opens read-only
(the official sees that their answer is published); it cannot post again, so a later answer needs a
new link (a moderator or the authority's account sends one, and reminders send one) or the authority's
account. Opening a link (GET) changes nothing: mail scanners prefetch links.
"""

import logging
import secrets
from datetime import timedelta

import rules
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit, registry
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash
from hramada.core.images import validate_image
from hramada.core.tasks import enqueue_on_commit
from hramada.core.twofactor import passed_two_factor
from hramada.orgs.models import Organisation
from hramada.orgs.rules import is_manager
from hramada.places.models import Community

from .models import (
    AnswerLink,
    AuthorityArea,
    Backing,
    Category,
    Issue,
    IssuePhoto,
    ResolutionCheck,
    Status,
    TimelineEntry,
    token_hash,
)

logger = logging.getLogger(__name__)

DEFAULTS = {
    "LOCAL_ISSUES_ANSWER_DAYS": 15,
    "LOCAL_ISSUES_LINK_DAYS": 60,
    "LOCAL_ISSUES_CONFIRM_AFTER_DAYS": 28,
    "LOCAL_ISSUES_CONFIRM_WINDOW_DAYS": 14,
    "LOCAL_ISSUES_CONFIRM_MIN_ANSWERS": 3,
    "LOCAL_ISSUES_LINK_GUESSES_PER_NETWORK_HOUR": 20,
}
TEXT_MAX = 5000
MAX_PHOTOS = 6
MAX_ANSWER_DAYS = 365

# Statuses in which a moderator may forward (or escalate) an issue, and in which the authority it is
# with may answer.
FORWARDABLE = (
    Status.OPEN,
    Status.FORWARDED,
    Status.ACKNOWLEDGED,
    Status.PLANNED,
    Status.DECLINED,
    Status.REOPENED,
)
ANSWERABLE = (Status.FORWARDED, Status.ACKNOWLEDGED, Status.PLANNED, Status.REOPENED)
# Statuses past which reminders go out when the authority has not answered by ``answer_due_at``.
AWAITING_ANSWER = (Status.FORWARDED, Status.REOPENED)

ANSWER_STATUS = {
    "acknowledged": Status.ACKNOWLEDGED,
    "planned": Status.PLANNED,
    "resolved": Status.RESOLVED,
    "declined": Status.DECLINED,
    "not_ours": Status.OPEN,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def authority_language() -> str:
    """Authorities are written to in the platform's language, Belarusian or Russian
    (LOCAL_ISSUES_AUTHORITY_LANGUAGE, else LANGUAGE_CODE when it is one of them, else Belarusian)."""
    language = getattr(settings, "LOCAL_ISSUES_AUTHORITY_LANGUAGE", "") or settings.LANGUAGE_CODE
    return language if language in ("be", "ru") else "be"


def _scope(issue):
    return (Community, issue.community_id)


def _lock(pk) -> Issue:
    return Issue.objects.select_for_update(no_key=True).select_related("settlement").get(pk=pk)


def _is_authority(organisation) -> bool:
    return organisation is not None and organisation.kind == Organisation.Kind.AUTHORITY


def _entry(issue, kind, *, now, actor=None, notify=True, **values) -> TimelineEntry:
    """A public timeline entry dated ``now`` (the accountability figures are computed from these dates);
    the issue's followers hear of it after commit."""
    from .services import _entry as add_entry

    actor = actor if actor is not None and actor.is_authenticated else None
    return add_entry(issue, kind, actor=actor, now=now, notify=notify, **values)


def can_act_for(user, authority) -> bool:
    """Whether the user works for the authority on the platform (an owner or manager whose session
    passed the second factor) or moderates local issues."""
    if user is None or not user.is_authenticated or not passed_two_factor(user):
        return False
    return bool(is_manager(user, authority) or user.has_perm("local_issues.moderate"))


@rules.predicate
def acts_for_authority(user, organisation) -> bool:
    return _is_authority(organisation) and can_act_for(user, organisation)


# On an organisation: the local-issues pages of an authority (its managers, moderators).
rules.add_perm("local_issues.act_for_authority", acts_for_authority)


def authorities():
    return Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY).order_by("name")


# --- Areas ---------------------------------------------------------------------------------------------


def _require_moderator(actor, issue=None):
    perm = "local_issues.moderate_issue" if issue is not None else "local_issues.moderate"
    if actor is None or not actor.has_perm(perm, issue):
        raise DomainError(_("Only moderators of local issues can do this."))


def _clean_answer_days(answer_days):
    if answer_days in (None, ""):
        return None
    try:
        days = int(answer_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_ANSWER_DAYS:
        raise DomainError(
            _("The days to answer are a number from 1 to %(n)d.") % {"n": MAX_ANSWER_DAYS},
            field="answer_days",
        )
    return days


@transaction.atomic
def set_area(
    *, actor, authority, region=None, district=None, settlement=None, categories=(), answer_days=None
) -> AuthorityArea:
    """Moderators say an authority covers one place (a region, a district or a settlement) for some
    categories (none: all), answering within ``answer_days``; setting the same place again updates it."""
    _require_moderator(actor)
    if not _is_authority(authority):
        raise DomainError(_("Only an organisation of the kind “local authority” can cover places."))
    places = [p for p in (region, district, settlement) if p is not None]
    if len(places) != 1:
        raise DomainError(_("Choose one place: a region, a district or a settlement."), field="place")
    categories = list(categories or ())
    if any(not isinstance(c, Category) for c in categories):
        raise DomainError(_("Choose categories from the list."), field="categories")
    days = _clean_answer_days(answer_days)
    area, created = AuthorityArea.objects.get_or_create(
        authority=authority, region=region, district=district, settlement=settlement
    )
    area.answer_days = days
    area.save(update_fields=["answer_days"])
    area.categories.set(categories)
    audit.record(
        actor=actor,
        action="local_issues.area.set",
        target=authority,
        scope=(Organisation, authority.pk),
        data={
            "area": area.pk,
            "created": created,
            "region": region.pk if region else None,
            "district": district.pk if district else None,
            "settlement": settlement.pk if settlement else None,
            "categories": sorted(c.code for c in categories),
            "answer_days": days,
        },
    )
    return area


@transaction.atomic
def remove_area(*, actor, area: AuthorityArea) -> None:
    """Moderators take a place off an authority's list (issues already forwarded stay with it)."""
    _require_moderator(actor)
    authority = area.authority
    data = {
        "area": area.pk,
        "region": area.region_id,
        "district": area.district_id,
        "settlement": area.settlement_id,
    }
    area.delete()
    audit.record(
        actor=actor,
        action="local_issues.area.removed",
        target=authority,
        scope=(Organisation, authority.pk),
        data=data,
    )


def area_level(area: AuthorityArea) -> int:
    """0 for a settlement, 1 for a district, 2 for a region: the lower, the more local."""
    return 0 if area.settlement_id else 1 if area.district_id else 2


def matching_areas(issue: Issue) -> list[AuthorityArea]:
    """The areas of authorities covering the issue's place and category, the most local first; at the
    same level an area naming the category comes before one covering all categories."""
    settlement = issue.settlement
    from django.db.models import Q

    place = Q(settlement_id=settlement.pk) | Q(region_id=settlement.region_id)
    if settlement.district_id:
        place |= Q(district_id=settlement.district_id)
    areas = (
        AuthorityArea.objects.filter(place, authority__kind=Organisation.Kind.AUTHORITY)
        .select_related("authority")
        .prefetch_related("categories")
    )
    found = []
    for area in areas:
        codes = {c.pk for c in area.categories.all()}
        if codes and issue.category_id not in codes:
            continue
        found.append((area_level(area), 0 if codes else 1, area.authority.name, area.pk, area))
    found.sort(key=lambda item: item[:4])
    return [item[-1] for item in found]


def suggest_authority(issue: Issue):
    """The authority of the most local area covering the issue's place and category, or None."""
    areas = matching_areas(issue)
    return areas[0].authority if areas else None


def _area_of(issue, authority):
    return next((a for a in matching_areas(issue) if a.authority_id == authority.pk), None)


def answer_days_for(issue, authority) -> int:
    area = _area_of(issue, authority)
    if area is not None and area.answer_days:
        return area.answer_days
    return setting("LOCAL_ISSUES_ANSWER_DAYS")


# --- Answer links --------------------------------------------------------------------------------------


def _new_link(issue, authority, *, actor, now, purpose: str) -> AnswerLink | None:
    """A new answer link e-mailed to the authority after commit (the e-mail task makes the token), or
    None when the authority has no contact e-mail: its owners and managers are then e-mailed the
    address of the issue's page in their account instead."""
    from . import authority_emails

    if not authority.contact_email:
        enqueue_on_commit(authority_emails.send_account_notice, issue.pk, authority.pk, str(purpose))
        return None
    link = AnswerLink.objects.create(
        issue=issue,
        authority=authority,
        # A placeholder no one knows; the e-mail task replaces it with the hash of the token it sends.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        expires_at=now + timedelta(days=setting("LOCAL_ISSUES_LINK_DAYS")),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    enqueue_on_commit(authority_emails.send_answer_link, link.pk, str(purpose))
    return link


def _revoke_open_links(issue, now, *, authority=None) -> int:
    links = AnswerLink.objects.filter(issue=issue, revoked_at__isnull=True, used_at__isnull=True)
    if authority is not None:
        links = links.filter(authority=authority)
    return links.update(revoked_at=now)


def link_state(link: AnswerLink, now=None) -> str:
    """ "open", "used", "revoked" or "expired" (the last two checked first: they end a link)."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.used_at is not None:
        return "used"
    return "open"


def link_for_token(token: str) -> AnswerLink | None:
    """The link whose token this is (by its hash), or None."""
    if not token or len(token) > 128:
        return None
    return (
        AnswerLink.objects.select_related(
            "authority",
            "issue__settlement__district",
            "issue__category",
            "issue__community",
            "issue__reporter",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def _guess_key(network: str, now) -> str:
    return f"local_issues:link-guess:{keyed_hash(network or '-', purpose='local-issues-link-guess')}:{now:%Y%m%d%H}"


def too_many_guesses(network: str, now=None) -> bool:
    """Whether this network tried too many unknown answer links this hour
    (LOCAL_ISSUES_LINK_GUESSES_PER_NETWORK_HOUR): then every link is refused from it for the hour."""
    now = now or timezone.now()
    return (cache.get(_guess_key(network, now)) or 0) >= setting("LOCAL_ISSUES_LINK_GUESSES_PER_NETWORK_HOUR")


def count_guess(network: str, now=None) -> None:
    """Count one unknown token from this network (atomic in Redis)."""
    now = now or timezone.now()
    key = _guess_key(network, now)
    if cache.add(key, 1, timeout=7200):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=7200)


def _can_send_links(actor, issue) -> bool:
    if actor is None:
        return False
    if actor.has_perm("local_issues.moderate_issue", issue):
        return True
    return issue.authority_id is not None and can_act_for(actor, issue.authority)


@transaction.atomic
def send_link(*, actor, issue, now=None) -> AnswerLink:
    """A moderator, or the authority's own account, sends the authority a new answer link (for a
    later answer: links answer once); the issue's other open links are revoked."""
    now = now or timezone.now()
    issue = _lock(issue.pk)
    if not _can_send_links(actor, issue):
        raise DomainError(_("Only moderators or the authority's managers can send an answer link."))
    if issue.authority_id is None or issue.status not in ANSWERABLE:
        raise DomainError(_("This issue is not waiting for the authority's answer."))
    if not issue.authority.contact_email:
        raise DomainError(_("The authority has no contact e-mail. Add one on its organisation page first."))
    revoked = _revoke_open_links(issue, now)
    link = _new_link(issue, issue.authority, actor=actor, now=now, purpose="new_link")
    audit.record(
        actor=actor,
        action="local_issues.link.sent",
        target=issue,
        scope=_scope(issue),
        data={
            "issue": issue.public_id,
            "authority": issue.authority_id,
            "link": link.public_id,
            "revoked": revoked,
        },
    )
    return link


@transaction.atomic
def revoke_link(*, actor, link: AnswerLink, now=None) -> AnswerLink:
    """A moderator or the authority's account revokes a link (sent to a wrong address, leaked)."""
    now = now or timezone.now()
    link = (
        AnswerLink.objects.select_for_update()
        .select_related("issue__settlement", "authority")
        .get(pk=link.pk)
    )
    issue = link.issue
    if not (
        actor is not None
        and (actor.has_perm("local_issues.moderate_issue", issue) or can_act_for(actor, link.authority))
    ):
        raise DomainError(_("Only moderators or the authority's managers can revoke an answer link."))
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor,
            action="local_issues.link.revoked",
            target=issue,
            scope=_scope(issue),
            data={"issue": issue.public_id, "authority": link.authority_id, "link": link.public_id},
        )
    return link


# --- Forwarding and escalation --------------------------------------------------------------------------


def _forward(*, actor, issue, authority, now, kind) -> AnswerLink | None:
    if not _is_authority(authority):
        raise DomainError(_("Choose a local authority."), field="authority")
    if not issue.is_public or issue.status not in FORWARDABLE:
        raise DomainError(_("This issue cannot be forwarded in its present state."))
    if issue.authority_id == authority.pk and issue.status == Status.FORWARDED:
        raise DomainError(
            _("The issue is already with this authority. Send it a new link instead."), field="authority"
        )
    if (
        not authority.contact_email
        and not authority.memberships.filter(role__in=("owner", "manager")).exists()
    ):
        raise DomainError(
            _(
                "This authority has neither a contact e-mail nor managers on the platform: no one would receive the issue."
            ),
            field="authority",
        )
    previous = issue.authority_id
    revoked = _revoke_open_links(issue, now)
    issue.authority = authority
    issue.status = Status.FORWARDED
    issue.forwarded_at = now
    issue.answer_due_at = now + timedelta(days=answer_days_for(issue, authority))
    issue.reminded_at = None
    issue.save(
        update_fields=["authority", "status", "forwarded_at", "answer_due_at", "reminded_at", "updated_at"]
    )
    if kind == TimelineEntry.Kind.ESCALATED:
        # "Escalated" names the authority it was taken from; the "forwarded" entry that follows names the
        # authority above, which has received the issue (the accountability figures count those).
        _entry(issue, kind, now=now, actor=actor, notify=False, authority_id=previous)
    _entry(issue, TimelineEntry.Kind.FORWARDED, now=now, actor=actor, authority=authority)
    link = _new_link(issue, authority, actor=actor, now=now, purpose=kind)
    audit.record(
        actor=actor,
        action=f"local_issues.issue.{kind}",
        target=issue,
        scope=_scope(issue),
        data={
            "issue": issue.public_id,
            "authority": authority.pk,
            "previous_authority": previous,
            "answer_due_at": issue.answer_due_at.isoformat(),
            "link": link.public_id if link else None,
            "revoked_links": revoked,
        },
    )
    return link


@transaction.atomic
def forward_issue(*, actor, issue, authority, now=None) -> AnswerLink | None:
    """A moderator forwards a published issue to an authority: it is due an answer within the days of
    the authority's area (else LOCAL_ISSUES_ANSWER_DAYS), and the authority is e-mailed an answer link
    (None when it has no contact e-mail and answers through its accounts)."""
    now = now or timezone.now()
    issue = _lock(issue.pk)
    _require_moderator(actor, issue)
    return _forward(actor=actor, issue=issue, authority=authority, now=now, kind=TimelineEntry.Kind.FORWARDED)


def authority_above(issue) -> Organisation | None:
    """The authority of the nearest area above the current authority's (a district's above a
    settlement's, a region's above a district's) covering the issue's place and category."""
    if issue.authority_id is None:
        return None
    own = _area_of(issue, issue.authority)
    level = area_level(own) if own is not None else 0
    for area in matching_areas(issue):
        if area_level(area) > level and area.authority_id != issue.authority_id:
            return area.authority
    return None


@transaction.atomic
def escalate(*, actor, issue, now=None) -> AnswerLink | None:
    """A moderator escalates an issue to the authority above the one it is with (no answer in time,
    a refusal): forwarded there, with the timeline entry "escalated"."""
    now = now or timezone.now()
    issue = _lock(issue.pk)
    _require_moderator(actor, issue)
    if issue.authority_id is None:
        raise DomainError(_("Forward the issue to an authority first."))
    above = authority_above(issue)
    if above is None:
        raise DomainError(
            _(
                "No authority above this one covers the issue's place. Set the region's authority and its areas first."
            )
        )
    return _forward(actor=actor, issue=issue, authority=above, now=now, kind=TimelineEntry.Kind.ESCALATED)


# --- Answers -------------------------------------------------------------------------------------------


def _lock_link(pk) -> AnswerLink:
    return AnswerLink.objects.select_for_update(no_key=True).get(pk=pk)


def _check_link(link, issue, authority, now) -> AnswerLink:
    """The link, locked, if it may answer this issue for this authority now. Two answers sent at once
    through one link wait for each other (the issue's lock, then the link's): the second sees it used."""
    link = _lock_link(link.pk)
    if link.issue_id != issue.pk or link.authority_id != authority.pk:
        raise DomainError(_("This link is for another issue or another authority."))
    state = link_state(link, now)
    if state == "revoked":
        raise DomainError(_("This link was revoked. Ask the moderators for a new one."))
    if state == "expired":
        raise DomainError(_("This link has expired. Ask the moderators for a new one."))
    if state == "used":
        raise DomainError(_("This link has already been used to answer. Each link answers once."))
    return link


def _clean_photos(photos) -> list:
    photos = [p for p in photos or () if p]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(validate_image(photo))
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="photos") from None
    return cleaned


def _clean_answer(*, kind, authority, text, planned_for, photos, suggested_authority, now):
    if kind not in ANSWER_STATUS:
        raise DomainError(_("Choose one of the answers offered."), field="kind")
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(_("Keep the text under %(n)d characters.") % {"n": TEXT_MAX}, field="text")
    if kind == "planned":
        if planned_for is None:
            raise DomainError(_("Give the date by which the work is planned."), field="planned_for")
        today = timezone.localdate(now)
        if planned_for < today:
            raise DomainError(_("The planned date cannot be in the past."), field="planned_for")
        if planned_for > today + timedelta(days=5 * 366):
            raise DomainError(_("Plan within five years."), field="planned_for")
    else:
        planned_for = None
    if kind == "resolved" and not text:
        raise DomainError(_("Say what was done: residents will check it."), field="text")
    if kind == "declined" and not text:
        raise DomainError(_("Give the reason for declining."), field="text")
    if kind != "resolved" and any(photos or ()):
        raise DomainError(_("Photos go with a “resolved” answer, as evidence."), field="photos")
    cleaned = _clean_photos(photos) if kind == "resolved" else []
    if kind == "not_ours":
        if suggested_authority is not None and (
            not _is_authority(suggested_authority) or suggested_authority.pk == authority.pk
        ):
            raise DomainError(_("Suggest another local authority, or none."), field="suggested_authority")
    else:
        suggested_authority = None
    return text, planned_for, cleaned, suggested_authority


def _may_answer(actor, issue, authority) -> bool:
    """An account answers for the authority it manages (or a moderator records an answer given on paper)."""
    if actor is None or not actor.has_perm("local_issues.answer_issue", issue):
        return False
    return bool(is_manager(actor, authority) or actor.has_perm("local_issues.moderate_issue", issue))


@transaction.atomic
def answer(
    *,
    issue,
    authority,
    kind,
    text="",
    planned_for=None,
    photos=(),
    suggested_authority=None,
    actor=None,
    link=None,
    now=None,
) -> TimelineEntry:
    """The authority an issue is with answers it, in public: through its e-mailed link (``link``, no
    account; the link is then used up) or through an account (``actor``, ``local_issues.answer_issue``).
    acknowledged, planned (a date), resolved (evidence, photos), declined (a reason) or not_ours (the
    issue goes back to the moderators, maybe with a suggested authority)."""
    now = now or timezone.now()
    issue = _lock(issue.pk)
    if link is not None:
        link = _check_link(link, issue, authority, now)
    elif not _may_answer(actor, issue, authority):
        raise DomainError(_("Only the authority the issue was forwarded to can answer it."))
    if issue.authority_id != authority.pk:
        raise DomainError(_("This issue is no longer with this authority."))
    if not issue.is_public or issue.status not in ANSWERABLE:
        raise DomainError(_("This issue is not waiting for an answer now."))
    text, planned_for, cleaned, suggested_authority = _clean_answer(
        kind=kind,
        authority=authority,
        text=text,
        planned_for=planned_for,
        photos=photos,
        suggested_authority=suggested_authority,
        now=now,
    )
    actor = actor if actor is not None and actor.is_authenticated else None
    entry = _entry(
        issue,
        kind,
        now=now,
        actor=actor,
        authority=authority,
        text=text,
        planned_for=planned_for,
        suggested_authority=suggested_authority,
    )
    for photo in cleaned:
        item = IssuePhoto(issue=issue, entry=entry)
        item.image.save(photo.name, photo, save=False)
        item.save()
    fields = ["status", "updated_at"]
    issue.status = ANSWER_STATUS[kind]
    if issue.first_answer_at is None:
        issue.first_answer_at = now
        fields.append("first_answer_at")
    previous_checks = None
    if kind == "resolved":
        issue.resolved_at = now
        issue.confirmation_asked_at = None
        fields += ["resolved_at", "confirmation_asked_at"]
        # A new round of the residents' check (after a reopening): the last round's answers are
        # recorded in the audit entry and its outcome on the timeline ("reopened").
        checks = ResolutionCheck.objects.filter(issue=issue)
        previous_checks = {
            "fixed": checks.filter(fixed=True).count(),
            "not_fixed": checks.filter(fixed=False).count(),
        }
        checks.delete()
    if kind == "not_ours":
        issue.authority = None
        issue.answer_due_at = None
        fields += ["authority", "answer_due_at"]
        _revoke_open_links(issue, now)
    issue.save(update_fields=fields)
    if link is not None:
        link.used_at = now
        link.save(update_fields=["used_at", "updated_at"])
    audit.record(
        actor=actor,
        action=f"local_issues.answer.{kind}",
        target=issue,
        scope=_scope(issue),
        data={
            "issue": issue.public_id,
            "authority": authority.pk,
            "entry": entry.public_id,
            "via": "link" if link is not None else "account",
            "link": link.public_id if link is not None else None,
            "planned_for": planned_for.isoformat() if planned_for else None,
            "photos": len(cleaned),
            "suggested_authority": suggested_authority.pk if suggested_authority else None,
            "previous_checks": previous_checks,
        },
    )
    registry.emit(
        "issue.answered",
        authority.pk,
        {"issue": issue.public_id, "answer": kind, "entry": entry.public_id, "status": str(issue.status)},
    )
    return entry


# --- Reminders (periodic) ------------------------------------------------------------------------------


def remind_authorities(now=None) -> int:
    """Periodic: an authority that has not answered by ``answer_due_at`` is reminded once, with a
    fresh link (the old ones revoked), and the timeline says so. Returns how many were reminded."""
    now = now or timezone.now()
    due = Issue.objects.filter(
        status__in=AWAITING_ANSWER,
        authority__isnull=False,
        answer_due_at__lte=now,
        reminded_at__isnull=True,
        hidden_at__isnull=True,
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            issue = _lock(pk)
            if (
                issue.status not in AWAITING_ANSWER
                or issue.authority_id is None
                or issue.reminded_at is not None
                or issue.answer_due_at is None
                or issue.answer_due_at > now
            ):
                continue
            revoked = _revoke_open_links(issue, now)
            link = _new_link(issue, issue.authority, actor=None, now=now, purpose="reminder")
            issue.reminded_at = now
            issue.save(update_fields=["reminded_at", "updated_at"])
            _entry(issue, TimelineEntry.Kind.REMINDED, now=now, authority=issue.authority)
            audit.record(
                actor=None,
                action="local_issues.issue.reminded",
                target=issue,
                scope=_scope(issue),
                data={
                    "issue": issue.public_id,
                    "authority": issue.authority_id,
                    "link": link.public_id if link else None,
                    "revoked_links": revoked,
                },
            )
            done += 1
    return done


# --- The residents' check after "resolved" --------------------------------------------------------------


def check_window_end(issue):
    if issue.confirmation_asked_at is None:
        return None
    return issue.confirmation_asked_at + timedelta(days=setting("LOCAL_ISSUES_CONFIRM_WINDOW_DAYS"))


def may_check(person, issue) -> bool:
    """The reporter and the backers of the issue are asked."""
    if person is None or getattr(person, "erased_at", None):
        return False
    return issue.reporter_id == person.pk or Backing.objects.filter(issue=issue, person=person).exists()


def check_open(issue, now=None) -> bool:
    now = now or timezone.now()
    end = check_window_end(issue)
    return issue.status == Status.RESOLVED and end is not None and now < end


def _decide(issue, now, *, window_over: bool) -> str | None:
    """Reopen or confirm the resolved issue from the residents' answers, once at least
    LOCAL_ISSUES_CONFIRM_MIN_ANSWERS answered or the window is over: a strict majority decides; a tie
    (or no answers) leaves the authority's "resolved"."""
    checks = ResolutionCheck.objects.filter(issue=issue)
    fixed = checks.filter(fixed=True).count()
    not_fixed = checks.filter(fixed=False).count()
    if fixed + not_fixed < setting("LOCAL_ISSUES_CONFIRM_MIN_ANSWERS") and not window_over:
        return None
    if not_fixed > fixed:
        issue.status = Status.REOPENED
        # Back with the same authority, due an answer again and reminded again if it stays silent.
        issue.answer_due_at = (
            now + timedelta(days=answer_days_for(issue, issue.authority)) if issue.authority_id else None
        )
        issue.reminded_at = None
        issue.save(update_fields=["status", "answer_due_at", "reminded_at", "updated_at"])
        text = _("%(no)d residents say it is not fixed, %(yes)d that it is.") % {
            "no": not_fixed,
            "yes": fixed,
        }
        _entry(issue, TimelineEntry.Kind.REOPENED, now=now, authority=issue.authority, text=text)
        if issue.authority_id:
            _revoke_open_links(issue, now)
            _new_link(issue, issue.authority, actor=None, now=now, purpose="reopened")
        outcome = "reopened"
    elif fixed > not_fixed:
        issue.status = Status.CONFIRMED
        issue.save(update_fields=["status", "updated_at"])
        text = _("%(yes)d residents confirm it is fixed, %(no)d say it is not.") % {
            "no": not_fixed,
            "yes": fixed,
        }
        _entry(issue, TimelineEntry.Kind.CONFIRMED, now=now, authority=issue.authority, text=text)
        outcome = "confirmed"
    else:
        return None
    audit.record(
        actor=None,
        action=f"local_issues.issue.{outcome}",
        target=issue,
        scope=_scope(issue),
        data={"issue": issue.public_id, "fixed": fixed, "not_fixed": not_fixed},
    )
    return outcome


@transaction.atomic
def record_check(*, actor, issue, fixed: bool, now=None) -> ResolutionCheck:
    """The reporter or a backer says whether the resolved issue is really fixed (once each, while the
    question is open); at enough answers the majority decides at once."""
    now = now or timezone.now()
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None:
        raise DomainError(_("Sign in to do this."))
    issue = _lock(issue.pk)
    if not may_check(person, issue):
        raise DomainError(_("Only the reporter and the residents who backed the issue are asked."))
    if not check_open(issue, now):
        raise DomainError(_("The question whether it is fixed is not open for this issue."))
    if ResolutionCheck.objects.filter(issue=issue, person=person).exists():
        raise DomainError(_("You have already answered. Thank you."))
    try:
        with transaction.atomic():
            check = ResolutionCheck.objects.create(issue=issue, person=person, fixed=bool(fixed))
    except IntegrityError:  # the constraint resolution_check_once: a second tab, a double click
        raise DomainError(_("You have already answered. Thank you.")) from None
    audit.record(
        actor=actor,
        action="local_issues.check.recorded",
        target=issue,
        scope=_scope(issue),
        data={"issue": issue.public_id, "fixed": bool(fixed)},
    )
    _decide(issue, now, window_over=False)
    return check


def ask_if_fixed(now=None) -> int:
    """Periodic: LOCAL_ISSUES_CONFIRM_AFTER_DAYS after "resolved", the reporter and backers are asked
    whether it is fixed (once); when LOCAL_ISSUES_CONFIRM_WINDOW_DAYS have passed the majority decides.
    Returns how many issues were asked or decided."""
    now = now or timezone.now()
    done = 0
    after = timedelta(days=setting("LOCAL_ISSUES_CONFIRM_AFTER_DAYS"))
    to_ask = Issue.objects.filter(
        status=Status.RESOLVED,
        resolved_at__lte=now - after,
        confirmation_asked_at__isnull=True,
        hidden_at__isnull=True,
    ).values_list("pk", flat=True)
    from . import authority_emails

    for pk in list(to_ask[:500]):
        with transaction.atomic():
            issue = _lock(pk)
            if issue.status != Status.RESOLVED or issue.confirmation_asked_at is not None:
                continue
            issue.confirmation_asked_at = now
            issue.save(update_fields=["confirmation_asked_at", "updated_at"])
            enqueue_on_commit(authority_emails.send_fixed_question, issue.pk)
            audit.record(
                actor=None,
                action="local_issues.check.asked",
                target=issue,
                scope=_scope(issue),
                data={"issue": issue.public_id},
            )
            done += 1
    # The window closes: decide once. After it no answer can be added, so looking a week back is enough
    # for a job that runs every minute (a tie stays "resolved" and is not looked at again).
    window = timedelta(days=setting("LOCAL_ISSUES_CONFIRM_WINDOW_DAYS"))
    closing = Issue.objects.filter(
        status=Status.RESOLVED,
        confirmation_asked_at__lte=now - window,
        confirmation_asked_at__gt=now - window - timedelta(days=7),
    ).values_list("pk", flat=True)
    for pk in list(closing[:500]):
        with transaction.atomic():
            issue = _lock(pk)
            if issue.status != Status.RESOLVED:
                continue
            if _decide(issue, now, window_over=True):
                done += 1
    return done


# --- Reading ------------------------------------------------------------------------------------------


def reporter_for_authority(issue) -> str:
    """The reporter's name, only if they agreed that the authority may see it."""
    return issue.reporter.display_name if issue.name_to_authority and not issue.reporter.erased_at else ""


def authority_issues(authority):
    """The issues with an authority now, waiting ones first, then by due date."""
    from django.db.models import Case, F, IntegerField, Value, When

    waiting_first = Case(
        When(status__in=ANSWERABLE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Issue.objects.filter(authority=authority, hidden_at__isnull=True)
        .exclude(status=Status.MERGED)
        .select_related("settlement", "category", "community")
        .order_by(waiting_first, F("answer_due_at").asc(nulls_last=True), "-id")
    )


def open_links(issue):
    return AnswerLink.objects.filter(issue=issue).select_related("authority").order_by("-created_at")


def export_person(person) -> dict:
    return {
        "resolution_checks": [
            {"issue": c.issue.public_id, "fixed": c.fixed, "at": c.created_at.isoformat()}
            for c in ResolutionCheck.objects.filter(person=person).select_related("issue")
        ]
    }


# --- The organiser dashboard ------------------------------------------------------------------------------


def managed_authorities(user):
    """The local authorities the user is an owner or manager of."""
    return authorities().filter(memberships__person__user=user, memberships__role__in=("owner", "manager"))


def authority_section(request):
    """On /manage/: the authorities the user answers for, with how many issues wait for an answer."""
    from django.db.models import Count, Q

    user = request.user
    if not user.is_authenticated:
        return None
    items = list(
        managed_authorities(user).annotate(
            waiting=Count(
                "local_issues",
                filter=Q(local_issues__status__in=ANSWERABLE, local_issues__hidden_at__isnull=True),
            )
        )
    )
    if not items:
        return None
    return {
        "title": _("Local issues forwarded to your authority"),
        "template": "local_issues/authority/_section_authorities.html",
        "items": items,
        "empty": "",
    }


def forwarding_section(request):
    """On /manage/ for moderators: published issues that no authority has (open, or "not ours"), oldest
    first, each with its Forward page; and the authorities' areas."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("local_issues.moderate"):
        return None
    issues = Issue.objects.filter(
        status=Status.OPEN, authority__isnull=True, published_at__isnull=False, hidden_at__isnull=True
    )
    if not user.is_staff:
        from .models import Moderator

        regions = list(Moderator.objects.filter(person__user=user).values_list("region_id", flat=True))
        if None not in regions:  # a moderator of some regions sees theirs
            issues = issues.filter(settlement__region_id__in=regions)
    items = list(issues.select_related("settlement", "category").order_by("published_at", "id")[:20])
    return {
        "title": _("Local issues to forward"),
        "template": "local_issues/authority/_section_forward.html",
        "items": items or [None],  # the section also links the authorities' areas
        "empty": "",
    }
