"""Every change to review rounds: rubrics, rounds, items, reviewers, conflicts, assignments, reviews.

Other apps (contests, awards, programmes) call these with their own actor; each function is one
transaction, checks the actor's permission and writes an audit entry in the round's organisation log.
Scores never go into the audit data: the log says who reviewed what and when, not what they gave.

The automatic assignment (``Plan``, ``plan_assignment``, ``apply_assignment``) lives in ``planning`` and
is re-exported here, so callers keep importing every review service from this module.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Organisation

from . import tasks
from .models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Criterion,
    Item,
    Purpose,
    Reviewer,
    Round,
    Rubric,
    Score,
)
from .planning import (  # noqa: F401 - Plan, plan_assignment and apply_assignment are re-exported
    Plan,
    ReviewerLoad,
    Shortfall,
    apply_assignment,
    plan_assignment,
    refusal,
)
from .rules import require

S = AssignmentStatus


def _scope(organisation):
    return (Organisation, organisation.pk)


# --- Rubrics ---------------------------------------------------------------------------------------------


def _clean_criteria(criteria: list[dict]) -> list[dict]:
    if not criteria:
        raise DomainError(_("A rubric needs at least one criterion."), field="criteria")
    cleaned = []
    for position, raw in enumerate(criteria, start=1):
        title = (raw.get("title") or "").strip()
        if not title:
            raise DomainError(_("Criterion %(n)d needs a title.") % {"n": position}, field="criteria")
        try:
            weight = Decimal(str(raw.get("weight", 1)))
        except InvalidOperation:
            raise DomainError(
                _("The weight of “%(t)s” is not a number.") % {"t": title}, field="criteria"
            ) from None
        if not weight.is_finite() or weight <= 0 or weight >= 10000:
            raise DomainError(
                _("The weight of “%(t)s” must be a positive number.") % {"t": title}, field="criteria"
            )
        try:
            low, high = int(raw.get("scale_min", 0)), int(raw.get("scale_max", 10))
        except (TypeError, ValueError):
            raise DomainError(
                _("The scale of “%(t)s” must be whole numbers.") % {"t": title}, field="criteria"
            ) from None
        if low >= high:
            raise DomainError(
                _("The scale of “%(t)s” must go from a lower to a higher number.") % {"t": title},
                field="criteria",
            )
        if low < -1000 or high > 1000:
            raise DomainError(_("The scale of “%(t)s” is too wide.") % {"t": title}, field="criteria")
        cleaned.append(
            {
                "title": title[:200],
                "description": (raw.get("description") or "").strip(),
                "weight": weight.quantize(Decimal("0.01")),
                "scale_min": low,
                "scale_max": high,
            }
        )
    return cleaned


def _write_criteria(rubric, criteria):
    Criterion.objects.bulk_create(
        Criterion(rubric=rubric, order=position, **values)
        for position, values in enumerate(criteria, start=1)
    )


@transaction.atomic
def create_rubric(*, actor, organisation, title: str, criteria: list[dict], description: str = "") -> Rubric:
    """An organisation's organisers create a rubric of weighted criteria, each with its own scale."""
    require(actor, "reviews.add_round", organisation)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the rubric a title."), field="title")
    cleaned = _clean_criteria(criteria)
    rubric = Rubric.objects.create(organisation=organisation, title=title, description=description.strip())
    _write_criteria(rubric, cleaned)
    audit.record(
        actor=actor,
        action="reviews.rubric.created",
        target=rubric,
        scope=organisation,
        data={"criteria": len(cleaned)},
    )
    return rubric


def rubric_is_used(rubric) -> bool:
    return Score.objects.filter(criterion__rubric=rubric).exists()


@transaction.atomic
def update_rubric(*, actor, rubric, title: str, criteria: list[dict], description: str = "") -> Rubric:
    """Replace a rubric's title and criteria; refused once anyone has scored with it."""
    require(actor, "reviews.manage_rubric", rubric)
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric_is_used(rubric):
        raise DomainError(
            _("Reviewers have already scored with this rubric, so it can no longer be changed.")
        )
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the rubric a title."), field="title")
    cleaned = _clean_criteria(criteria)
    rubric.title, rubric.description = title, description.strip()
    rubric.save(update_fields=["title", "description", "updated_at"])
    rubric.criteria.all().delete()
    _write_criteria(rubric, cleaned)
    audit.record(
        actor=actor,
        action="reviews.rubric.changed",
        target=rubric,
        scope=_scope(rubric.organisation),
        data={"criteria": len(cleaned)},
    )
    return rubric


# --- Rounds and items ------------------------------------------------------------------------------------


def _check_window(opens_at, closes_at):
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_("The round must close after it opens."), field="closes_at")


@transaction.atomic
def create_round(
    *,
    actor,
    organisation,
    title: str,
    rubric,
    purpose: str = Purpose.EXPERT_REVIEW,
    reviews_per_item: int = 3,
    normalise: bool = False,
    closes_at=None,
    opens_at=None,
    subject_label: str = "",
    instructions: str = "",
) -> Round:
    """Open a review round of an organisation with one of its rubrics."""
    require(actor, "reviews.add_round", organisation)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the round a title."), field="title")
    if rubric.organisation_id != organisation.pk:
        raise DomainError(_("Choose a rubric of this organisation."), field="rubric")
    if not rubric.criteria.exists():
        raise DomainError(_("The rubric has no criteria."), field="rubric")
    if int(reviews_per_item) < 1:
        raise DomainError(_("Each item needs at least one review."), field="reviews_per_item")
    _check_window(opens_at, closes_at)
    round_ = Round.objects.create(
        organisation=organisation,
        title=title,
        rubric=rubric,
        purpose=(purpose or Purpose.OTHER)[:40],
        reviews_per_item=int(reviews_per_item),
        normalise=bool(normalise),
        opens_at=opens_at,
        closes_at=closes_at,
        subject_label=subject_label[:60],
        instructions=instructions,
    )
    audit.record(
        actor=actor,
        action="reviews.round.created",
        target=round_,
        scope=organisation,
        data={
            "purpose": round_.purpose,
            "reviews_per_item": round_.reviews_per_item,
            "normalise": round_.normalise,
        },
    )
    return round_


@transaction.atomic
def update_round(
    *,
    actor,
    round,
    title: str,
    reviews_per_item: int,
    normalise: bool,
    opens_at=None,
    closes_at=None,
    instructions="",
) -> Round:
    """Change a round's settings (not its rubric: scores are tied to its criteria)."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the round a title."), field="title")
    if int(reviews_per_item) < 1:
        raise DomainError(_("Each item needs at least one review."), field="reviews_per_item")
    _check_window(opens_at, closes_at)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    round_.title, round_.reviews_per_item, round_.normalise = title, int(reviews_per_item), bool(normalise)
    round_.opens_at, round_.closes_at, round_.instructions = opens_at, closes_at, instructions
    round_.save()
    audit.record(
        actor=actor,
        action="reviews.round.changed",
        target=round_,
        scope=_scope(round_.organisation),
        data={
            "reviews_per_item": round_.reviews_per_item,
            "normalise": round_.normalise,
            "closes_at": round_.closes_at.isoformat() if round_.closes_at else None,
        },
    )
    return round_


@transaction.atomic
def add_items(*, actor, round, items: list[dict]) -> list[Item]:
    """Add items to review; an item already in the round (same ``subject_key``) is updated, not doubled."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    existing = {item.subject_key: item for item in round_.items.all()}
    result, created, changed = [], 0, 0
    for raw in items:
        key = (raw.get("subject_key") or "").strip()
        title = (raw.get("title") or "").strip()
        if not key or not title:
            raise DomainError(_("Every item needs a subject and a title."))
        values = {
            "title": title[:300],
            "url": (raw.get("url") or "")[:500],
            "organisation_id": raw.get("organisation_id"),
        }
        item = existing.get(key)
        if item is None:
            item = Item.objects.create(round=round_, subject_key=key[:120], **values)
            existing[key] = item
            created += 1
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            changed += 1
        result.append(item)
    if created or changed:
        audit.record(
            actor=actor,
            action="reviews.items.added",
            target=round_,
            scope=_scope(round_.organisation),
            data={"created": created, "changed": changed},
        )
    return result


@transaction.atomic
def remove_item(*, actor, item) -> None:
    """Take an item out of a round; refused once someone has reviewed it."""
    require(actor, "reviews.manage_round", item.round)
    if item.assignments.filter(status=S.DONE).exists():
        raise DomainError(_("This item has already been reviewed, so it cannot be removed."))
    audit.record(
        actor=actor,
        action="reviews.item.removed",
        target=item.round,
        scope=_scope(item.round.organisation),
        data={"subject_key": item.subject_key},
    )
    item.delete()


@transaction.atomic
def remove_items(*, actor, round, subject_keys) -> int:
    """Take several items out of a round by ``subject_key`` (unknown keys are ignored), with their pending
    assignments and conflicts; refused, removing nothing, if any of them has a submitted review."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    items = list(Item.objects.filter(round=round_, subject_key__in=list(subject_keys)).order_by("pk"))
    if not items:
        return 0
    # Lock the items' assignments, so a review cannot be submitted between the check and the delete.
    work = list(Assignment.objects.select_for_update().filter(item__in=items).order_by("pk"))
    if any(a.status == S.DONE for a in work):
        raise DomainError(_("One of these items has already been reviewed, so they cannot be removed."))
    audit.record(
        actor=actor,
        action="reviews.items.removed",
        target=round_,
        scope=_scope(round_.organisation),
        data={"subject_keys": [i.subject_key for i in items], "pending_assignments_removed": len(work)},
    )
    Item.objects.filter(pk__in=[i.pk for i in items]).delete()
    return len(items)


# --- Reviewers and conflicts ----------------------------------------------------------------------------


@transaction.atomic
def add_reviewer(*, actor, round, user, organisation=None) -> Reviewer:
    """Make a user a reviewer of the round (once)."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
    if user is None or not user.is_active:
        raise DomainError(_("There is no active account for this reviewer."), field="email")
    if Reviewer.objects.filter(round=round_, user=user).exists():
        raise DomainError(
            _("%(name)s is already a reviewer in this round.") % {"name": user.display_name}, field="email"
        )
    reviewer = Reviewer.objects.create(round=round_, user=user, organisation=organisation)
    audit.record(
        actor=actor,
        action="reviews.reviewer.added",
        target=reviewer,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id, "user": user.pk},
    )
    return reviewer


@transaction.atomic
def remove_reviewer(*, actor, reviewer) -> None:
    """Remove a reviewer and their pending assignments; refused once they have submitted a review."""
    round_ = reviewer.round
    require(actor, "reviews.manage_round", round_)
    if reviewer.assignments.filter(status=S.DONE).exists():
        raise DomainError(
            _("%(name)s has already submitted reviews, so they cannot be removed.") % {"name": reviewer}
        )
    pending = reviewer.assignments.count()
    audit.record(
        actor=actor,
        action="reviews.reviewer.removed",
        target=round_,
        scope=_scope(round_.organisation),
        data={"user": reviewer.user_id, "pending_removed": pending},
    )
    reviewer.delete()


@transaction.atomic
def declare_conflict(*, actor, reviewer, item, reason: str) -> Conflict:
    """The expert (or an organiser for them) declares a conflict of interest with an item; a pending
    assignment of that item is withdrawn. A submitted review is discarded only by an organiser."""
    round_ = reviewer.round
    is_self = actor is not None and actor.is_authenticated and reviewer.user_id == actor.pk
    if not is_self:
        require(actor, "reviews.manage_round", round_)
    if item.round_id != round_.pk:
        raise DomainError(_("This item is not in the reviewer's round."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say briefly why there is a conflict of interest."), field="reason")
    if Conflict.objects.filter(reviewer=reviewer, item=item).exists():
        raise DomainError(_("This conflict of interest is already declared."))
    assignment = Assignment.objects.select_for_update().filter(reviewer=reviewer, item=item).first()
    discarded = withdrawn = False
    if assignment is not None:
        if assignment.status == S.DONE:
            if not actor.has_perm("reviews.manage_round", round_):
                raise DomainError(
                    _("You have already submitted a review of this item. Ask the organisers to withdraw it.")
                )
            discarded = True
        else:
            withdrawn = True
        assignment.delete()
    conflict = Conflict.objects.create(reviewer=reviewer, item=item, reason=reason, declared_by=actor)
    audit.record(
        actor=actor,
        action="reviews.conflict.declared",
        target=item,
        scope=_scope(round_.organisation),
        data={
            "round": round_.public_id,
            "reviewer_user": reviewer.user_id,
            "by_reviewer": is_self,
            "assignment_withdrawn": withdrawn,
            "review_discarded": discarded,
        },
    )
    return conflict


@transaction.atomic
def withdraw_conflict(*, actor, conflict) -> None:
    """An organiser lifts a conflict declared by mistake."""
    round_ = conflict.reviewer.round
    require(actor, "reviews.manage_round", round_)
    audit.record(
        actor=actor,
        action="reviews.conflict.withdrawn",
        target=conflict.item,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id, "reviewer_user": conflict.reviewer.user_id},
    )
    conflict.delete()


# --- Manual assignment -----------------------------------------------------------------------------------


@transaction.atomic
def assign(*, actor, round, reviewer, item) -> Assignment:
    """Assign an item to a reviewer by hand (they are told by e-mail); the conflict rules still hold."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
    if reviewer.round_id != round_.pk or item.round_id != round_.pk:
        raise DomainError(_("The reviewer and the item must both be in this round."))
    reason = refusal(reviewer, item)
    if reason:
        raise DomainError(reason)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(round=round_, reviewer=reviewer, item=item, manual=True)
    except IntegrityError:
        raise DomainError(_("%(name)s is already assigned this item.") % {"name": reviewer}) from None
    audit.record(
        actor=actor,
        action="reviews.assignment.added",
        target=item,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id, "reviewer_user": reviewer.user_id},
    )
    enqueue_on_commit(tasks.send_assignment_email, reviewer.pk, [assignment.pk])
    return assignment


@transaction.atomic
def unassign(*, actor, assignment) -> None:
    """Take back an assignment that has not been reviewed yet."""
    round_ = assignment.round
    require(actor, "reviews.manage_round", round_)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != S.PENDING:
        raise DomainError(_("This review has already been submitted, so it cannot be taken back."))
    audit.record(
        actor=actor,
        action="reviews.assignment.removed",
        target=assignment.item,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id, "reviewer_user": assignment.reviewer.user_id},
    )
    assignment.delete()


# --- Reviewing -------------------------------------------------------------------------------------------


@transaction.atomic
def submit_review(*, user, assignment, scores: dict, comment: str = "") -> Assignment:
    """The assigned reviewer scores every criterion within its scale, while the round is open; they may
    change their review until it closes."""
    if user is None or not user.is_authenticated or assignment.reviewer.user_id != user.pk:
        raise DomainError(_("Only the reviewer assigned to this item can review it."))
    assignment = Assignment.objects.select_for_update().select_related("round__rubric").get(pk=assignment.pk)
    round_ = assignment.round
    now = timezone.now()
    if round_.opens_at and now < round_.opens_at:
        raise DomainError(_("Reviewing has not opened yet."))
    if round_.closes_at and now >= round_.closes_at:
        raise DomainError(
            _("Reviewing closed on %(date)s; reviews can no longer be submitted or changed.")
            % {"date": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    criteria = list(round_.rubric.criteria.all())
    known = {c.pk for c in criteria}
    values = {}
    for key, value in (scores or {}).items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            raise DomainError(_("Unknown criterion.")) from None
        if criterion_id not in known:
            raise DomainError(_("Unknown criterion."))
        values[criterion_id] = value
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None or value == "":
            raise DomainError(_("Score “%(t)s”.") % {"t": criterion.title}, field=f"criterion_{criterion.pk}")
        try:
            number = int(value)
            if str(number) != str(value).strip() and number != value:
                raise ValueError
        except (TypeError, ValueError):
            raise DomainError(
                _("The score for “%(t)s” must be a whole number.") % {"t": criterion.title},
                field=f"criterion_{criterion.pk}",
            ) from None
        if not criterion.scale_min <= number <= criterion.scale_max:
            raise DomainError(
                _("The score for “%(t)s” must be from %(low)d to %(high)d.")
                % {"t": criterion.title, "low": criterion.scale_min, "high": criterion.scale_max},
                field=f"criterion_{criterion.pk}",
            )
        values[criterion.pk] = number
    edited = assignment.status == S.DONE
    Score.objects.filter(assignment=assignment).delete()
    Score.objects.bulk_create(Score(assignment=assignment, criterion=c, value=values[c.pk]) for c in criteria)
    assignment.status = S.DONE
    assignment.comment = (comment or "").strip()
    assignment.submitted_at = now
    assignment.save(update_fields=["status", "comment", "submitted_at", "updated_at"])
    audit.record(
        actor=user,
        action="reviews.review.changed" if edited else "reviews.review.submitted",
        target=assignment.item,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id},
    )
    return assignment


# --- Reminders -------------------------------------------------------------------------------------------

REMIND_BEFORE = timedelta(days=3)


def send_reminders(*, now=None) -> int:
    """Remind each reviewer with pending reviews, once per round, when the round closes within three days
    (a periodic job); returns how many reviewers were reminded."""
    now = now or timezone.now()
    due = (
        Reviewer.objects.filter(
            reminded_at__isnull=True,
            user__isnull=False,
            round__closes_at__gt=now,
            round__closes_at__lte=now + REMIND_BEFORE,
            assignments__status=S.PENDING,
        )
        .exclude(round__opens_at__gt=now)
        .values_list("round_id", "pk")
        .order_by("round_id", "pk")
        .distinct()
    )
    by_round: dict[int, list[int]] = {}
    for round_id, reviewer_id in due:
        by_round.setdefault(round_id, []).append(reviewer_id)
    count = 0
    for round_id, reviewer_ids in by_round.items():
        with transaction.atomic():
            # Claim the rows under a lock: the job may run on several machines at once, and each reviewer
            # must get one reminder, not one per machine.
            claimed = list(
                Reviewer.objects.select_for_update()
                .filter(pk__in=reviewer_ids, reminded_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not claimed:
                continue
            Reviewer.objects.filter(pk__in=claimed).update(reminded_at=now)
            for reviewer_id in claimed:
                enqueue_on_commit(tasks.send_reminder_email, reviewer_id)
            round_ = Round.objects.get(pk=round_id)
            audit.record(
                actor=None,
                action="reviews.reminders.sent",
                target=round_,
                scope=(Organisation, round_.organisation_id),
                data={"reviewers": len(claimed)},
            )
        count += len(claimed)
    return count
