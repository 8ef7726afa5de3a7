"""Every change to review rounds: rubrics, rounds, items, reviewers, conflicts, assignments, reviews.

Other apps (contests, awards, programmes) call these with their own actor; each function is one
transaction, checks the actor's permission and writes an audit entry in the round's organisation log.
Scores never go into the audit data: the log says who reviewed what and when, not what they gave.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.orgs.models import Membership, Organisation

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

S = AssignmentStatus


def _require(actor, perm, obj, message=None):
    if actor is None or not actor.has_perm(perm, obj):
        raise DomainError(message or _("Only the organisers of this review can do this."))


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
    _require(actor, "reviews.add_round", organisation)
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
    _require(actor, "reviews.manage_rubric", rubric)
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
    _require(actor, "reviews.add_round", organisation)
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
    _require(actor, "reviews.manage_round", round_)
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
    _require(actor, "reviews.manage_round", round_)
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
    _require(actor, "reviews.manage_round", item.round)
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


# --- Reviewers and conflicts ----------------------------------------------------------------------------


@transaction.atomic
def add_reviewer(*, actor, round, user, organisation=None) -> Reviewer:
    """Make a user a reviewer of the round (once)."""
    round_ = round
    _require(actor, "reviews.manage_round", round_)
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
    _require(actor, "reviews.manage_round", round_)
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
        _require(actor, "reviews.manage_round", round_)
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
    _require(actor, "reviews.manage_round", round_)
    audit.record(
        actor=actor,
        action="reviews.conflict.withdrawn",
        target=conflict.item,
        scope=_scope(round_.organisation),
        data={"round": round_.public_id, "reviewer_user": conflict.reviewer.user_id},
    )
    conflict.delete()


# --- Eligibility -----------------------------------------------------------------------------------------


def _reviewer_orgs(reviewers) -> dict[int, set[int]]:
    """Each reviewer's own organisations: the one stated on the reviewer and every one the user belongs to."""
    orgs = {r.pk: ({r.organisation_id} if r.organisation_id else set()) for r in reviewers}
    user_to_reviewers: dict[int, list[int]] = {}
    for r in reviewers:
        if r.user_id:
            user_to_reviewers.setdefault(r.user_id, []).append(r.pk)
    for user_id, org_id in Membership.objects.filter(person__user__in=list(user_to_reviewers)).values_list(
        "person__user", "organisation"
    ):
        for reviewer_id in user_to_reviewers[user_id]:
            orgs[reviewer_id].add(org_id)
    return orgs


def _refusal(reviewer, item) -> str | None:
    """Why this reviewer may not review this item, or None."""
    if reviewer.round_id != item.round_id:
        return _("The reviewer and the item belong to different rounds.")
    if reviewer.user_id is None:
        return _("This reviewer's account no longer exists.")
    if item.organisation_id and item.organisation_id in _reviewer_orgs([reviewer])[reviewer.pk]:
        return _("%(name)s belongs to the applicant's organisation and may not review this item.") % {
            "name": reviewer
        }
    if Conflict.objects.filter(reviewer=reviewer, item=item).exists():
        return _("%(name)s has declared a conflict of interest with this item.") % {"name": reviewer}
    if Assignment.objects.filter(reviewer=reviewer, item=item).exists():
        return _("%(name)s is already assigned this item.") % {"name": reviewer}
    return None


# --- Automatic, balanced assignment ----------------------------------------------------------------------


@dataclass
class ReviewerLoad:
    reviewer: Reviewer
    existing: int
    new: int

    @property
    def total(self) -> int:
        return self.existing + self.new


@dataclass
class Shortfall:
    item: Item
    reviews: int
    eligible: int
    reason: str


@dataclass
class Plan:
    """A proposed set of new assignments and its summary; nothing is written until ``apply_assignment``."""

    round_id: int
    fingerprint: str
    reviews_per_item: int
    pairs: list[tuple[int, int]]  # (reviewer id, item id) to create
    loads: list[ReviewerLoad] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    items: int = 0

    @property
    def new_count(self) -> int:
        return len(self.pairs)

    @property
    def load_spread(self) -> tuple[int, int]:
        totals = [load.total for load in self.loads] or [0]
        return min(totals), max(totals)

    def to_data(self) -> dict:
        """A JSON-safe form, for carrying the plan from the preview page to the confirmation."""
        return {
            "round": self.round_id,
            "fingerprint": self.fingerprint,
            "pairs": [list(p) for p in self.pairs],
        }

    @classmethod
    def from_data(cls, data: dict) -> "Plan":
        try:
            pairs = [(int(r), int(i)) for r, i in data["pairs"]]
            return cls(
                round_id=int(data["round"]),
                fingerprint=str(data["fingerprint"]),
                reviews_per_item=0,
                pairs=pairs,
            )
        except (KeyError, TypeError, ValueError):
            raise DomainError(_("The assignment plan could not be read. Please plan again.")) from None


def _state(round_):
    """Everything the plan depends on, read once; and its fingerprint."""
    items = list(round_.items.order_by("id"))
    reviewers = list(round_.reviewers.select_related("user").order_by("id"))
    orgs = _reviewer_orgs(reviewers)
    conflicts = set(Conflict.objects.filter(item__round=round_).values_list("reviewer_id", "item_id"))
    assigned = set(Assignment.objects.filter(round=round_).values_list("reviewer_id", "item_id"))
    document = {
        "k": round_.reviews_per_item,
        "items": [[i.pk, i.organisation_id] for i in items],
        "reviewers": [[r.pk, r.user_id, sorted(orgs[r.pk])] for r in reviewers],
        "conflicts": sorted(conflicts),
        "assigned": sorted(assigned),
    }
    fingerprint = hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()
    return items, reviewers, orgs, conflicts, assigned, fingerprint


def _shortfall_reason(item, reviewers, orgs, conflicts, k) -> tuple[int, str]:
    own = sum(1 for r in reviewers if item.organisation_id and item.organisation_id in orgs[r.pk])
    conflicted = sum(1 for r in reviewers if (r.pk, item.pk) in conflicts)
    eligible = sum(
        1
        for r in reviewers
        if r.user_id is not None
        and (r.pk, item.pk) not in conflicts
        and not (item.organisation_id and item.organisation_id in orgs[r.pk])
    )
    if not reviewers:
        return 0, _("The round has no reviewers yet.")
    parts = [
        ngettext("%(n)d eligible reviewer", "%(n)d eligible reviewers", eligible) % {"n": eligible},
    ]
    if own:
        parts.append(
            ngettext(
                "%(n)d from the applicant's organisation", "%(n)d from the applicant's organisation", own
            )
            % {"n": own}
        )
    if conflicted:
        parts.append(
            ngettext("%(n)d declared a conflict", "%(n)d declared conflicts", conflicted) % {"n": conflicted}
        )
    return eligible, _("Only %(parts)s; %(k)d reviews are wanted.") % {"parts": ", ".join(parts), "k": k}


def plan_assignment(*, round) -> Plan:
    """Propose new assignments so every item has at least k reviews where possible, spreading the load
    evenly (loads differ by at most one where the rules allow), never to the applicant's organisation,
    a declared conflict or twice to the same reviewer. Reads only; writes nothing.

    Method: items are served most-constrained first, each slot going to the eligible reviewer with the
    lowest load; then any reviewer two or more above another hands items down along a chain of
    eligible moves until no such chain exists (each move lowers the sum of squared loads).
    """
    round_ = round
    k = round_.reviews_per_item
    items, reviewers, orgs, conflicts, assigned, fingerprint = _state(round_)
    active = [r for r in reviewers if r.user_id is not None]
    load = {r.pk: 0 for r in reviewers}
    have = {i.pk: 0 for i in items}
    for reviewer_id, item_id in assigned:
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
        have[item_id] = have.get(item_id, 0) + 1
    existing = dict(load)

    def eligible(reviewer_id, item):
        return (
            (reviewer_id, item.pk) not in conflicts
            and (reviewer_id, item.pk) not in assigned
            and not (item.organisation_id and item.organisation_id in orgs[reviewer_id])
        )

    candidates = {i.pk: [r.pk for r in active if eligible(r.pk, i)] for i in items}
    # A stable, round-specific order to break ties, so equal reviewers are not always picked in id order.
    rank = {r.pk: hashlib.sha256(f"{round_.public_id}:{r.pk}".encode()).hexdigest() for r in active}
    new: dict[int, set[int]] = {i.pk: set() for i in items}  # item -> reviewers newly given it
    order = sorted(items, key=lambda i: (len(candidates[i.pk]) - max(0, k - have[i.pk]), i.pk))
    for level in range(1, k + 1):  # one review per item per pass, so no item waits for the others' fill
        for item in order:
            if have[item.pk] + len(new[item.pk]) >= level:
                continue
            free = [r for r in candidates[item.pk] if r not in new[item.pk]]
            if not free:
                continue
            chosen = min(free, key=lambda r: (load[r], rank[r]))
            new[item.pk].add(chosen)
            load[chosen] += 1

    # Rebalance: move new assignments from heavy to light reviewers along chains of eligible moves.
    holders: dict[int, set[int]] = {r.pk: set() for r in active}  # reviewer -> items newly given
    for item_id, reviewer_ids in new.items():
        for r in reviewer_ids:
            holders[r].add(item_id)
    by_id = {i.pk: i for i in items}

    def movable(item_id, to_reviewer):
        return to_reviewer not in new[item_id] and to_reviewer in candidate_sets[item_id]

    candidate_sets = {item_id: set(rs) for item_id, rs in candidates.items()}
    for _attempt in range(len(items) * max(k, 1) * max(len(active), 1) + 1):
        improved = False
        for heavy in sorted(holders, key=lambda r: (-load[r], rank[r])):
            # Breadth-first search from the heavy reviewer to any reviewer at least two lighter.
            previous = {heavy: None}
            queue = [heavy]
            target = None
            while queue and target is None:
                current = queue.pop(0)
                for item_id in sorted(holders[current]):
                    for other in candidates[item_id]:
                        if other in previous or not movable(item_id, other):
                            continue
                        previous[other] = (current, item_id)
                        if load[other] <= load[heavy] - 2:
                            target = other
                            break
                        queue.append(other)
                    if target is not None:
                        break
            if target is None:
                continue
            node = target
            while previous[node] is not None:
                giver, item_id = previous[node]
                new[item_id].discard(giver)
                new[item_id].add(node)
                holders[giver].discard(item_id)
                holders[node].add(item_id)
                node = giver
            load[heavy] -= 1
            load[target] += 1
            improved = True
            break
        if not improved:
            break

    pairs = sorted((r, item_id) for item_id, rs in new.items() for r in rs)
    loads = [
        ReviewerLoad(reviewer=r, existing=existing.get(r.pk, 0), new=load[r.pk] - existing.get(r.pk, 0))
        for r in reviewers
    ]
    shortfalls = []
    for item in items:
        total = have[item.pk] + len(new[item.pk])
        if total < k:
            eligible_count, reason = _shortfall_reason(item, reviewers, orgs, conflicts, k)
            shortfalls.append(
                Shortfall(item=by_id[item.pk], reviews=total, eligible=eligible_count, reason=reason)
            )
    return Plan(
        round_id=round_.pk,
        fingerprint=fingerprint,
        reviews_per_item=k,
        pairs=pairs,
        loads=loads,
        shortfalls=shortfalls,
        items=len(items),
    )


@transaction.atomic
def apply_assignment(*, actor, round, plan: Plan) -> list[Assignment]:
    """Commit a plan made by ``plan_assignment``; refused if the round changed since it was made."""
    round_ = round
    _require(actor, "reviews.manage_round", round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)  # one planner at a time, fresh settings
    if plan.round_id != round_.pk:
        raise DomainError(_("This plan was made for another round."))
    *_rest, fingerprint = _state(round_)
    if fingerprint != plan.fingerprint:
        raise DomainError(
            _(
                "The round has changed since this plan was made (reviewers, items, conflicts or assignments). "
                "Nothing was assigned; please plan again."
            )
        )
    reviewers = {r.pk: r for r in round_.reviewers.all()}
    items = {i.pk: i for i in round_.items.all()}
    orgs = _reviewer_orgs(list(reviewers.values()))
    conflicts = set(Conflict.objects.filter(item__round=round_).values_list("reviewer_id", "item_id"))
    rows = []
    for reviewer_id, item_id in plan.pairs:
        reviewer, item = reviewers.get(reviewer_id), items.get(item_id)
        if reviewer is None or item is None or reviewer.user_id is None:
            raise DomainError(
                _("The plan names a reviewer or item that is not in this round. Please plan again.")
            )
        if (reviewer_id, item_id) in conflicts or (
            item.organisation_id and item.organisation_id in orgs[reviewer_id]
        ):
            raise DomainError(_("The plan breaks a conflict-of-interest rule. Please plan again."))
        rows.append(Assignment(round=round_, reviewer=reviewer, item=item, manual=False))
    try:
        with transaction.atomic():
            created = Assignment.objects.bulk_create(rows)
    except IntegrityError:
        raise DomainError(_("The plan repeats an assignment. Please plan again.")) from None
    load: dict[int, int] = {}
    for reviewer_id, _item in plan.pairs:
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
    audit.record(
        actor=actor,
        action="reviews.assignment.applied",
        target=round_,
        scope=_scope(round_.organisation),
        data={
            "created": len(created),
            "reviewers": len(load),
            "max_new_per_reviewer": max(load.values(), default=0),
            "min_new_per_reviewer": min(load.values(), default=0),
            "items_under_k": len(plan.shortfalls),
            "fingerprint": plan.fingerprint,
        },
    )
    return created


# --- Manual assignment -----------------------------------------------------------------------------------


@transaction.atomic
def assign(*, actor, round, reviewer, item) -> Assignment:
    """Assign an item to a reviewer by hand; the conflict rules still hold."""
    round_ = round
    _require(actor, "reviews.manage_round", round_)
    if reviewer.round_id != round_.pk or item.round_id != round_.pk:
        raise DomainError(_("The reviewer and the item must both be in this round."))
    refusal = _refusal(reviewer, item)
    if refusal:
        raise DomainError(refusal)
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
    return assignment


@transaction.atomic
def unassign(*, actor, assignment) -> None:
    """Take back an assignment that has not been reviewed yet."""
    round_ = assignment.round
    _require(actor, "reviews.manage_round", round_)
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
