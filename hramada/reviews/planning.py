"""Who may review what, and the automatic, balanced assignment of a round: a plan is made (reads only),
shown to the organiser, then applied.

``reviews.services`` re-exports ``Plan``, ``plan_assignment`` and ``apply_assignment``: other apps (the
demo loader) import them from there.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Membership, Organisation

from . import tasks
from .models import Assignment, Conflict, Item, Reviewer, Round
from .rules import require

# --- Eligibility -----------------------------------------------------------------------------------------


def reviewer_orgs(reviewers) -> dict[int, set[int]]:
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


def refusal(reviewer, item) -> str | None:
    """Why this reviewer may not review this item, or None."""
    if reviewer.round_id != item.round_id:
        return _("The reviewer and the item belong to different rounds.")
    if reviewer.user_id is None:
        return _("This reviewer's account no longer exists.")
    if item.organisation_id and item.organisation_id in reviewer_orgs([reviewer])[reviewer.pk]:
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
    orgs = reviewer_orgs(reviewers)
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
    """Commit a plan made by ``plan_assignment``; refused if the round changed since it was made. Each
    reviewer given new work gets one e-mail listing it."""
    round_ = round
    require(actor, "reviews.manage_round", round_)
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
    orgs = reviewer_orgs(list(reviewers.values()))
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
        scope=(Organisation, round_.organisation_id),
        data={
            "created": len(created),
            "reviewers": len(load),
            "max_new_per_reviewer": max(load.values(), default=0),
            "min_new_per_reviewer": min(load.values(), default=0),
            "items_under_k": len(plan.shortfalls),
            "fingerprint": plan.fingerprint,
        },
    )
    # One e-mail per reviewer listing everything this plan gave them, not one per assignment.
    new_by_reviewer: dict[int, list[int]] = {}
    for assignment in created:
        new_by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment.pk)
    for reviewer_id, assignment_ids in sorted(new_by_reviewer.items()):
        enqueue_on_commit(tasks.send_assignment_email, reviewer_id, assignment_ids)
    return created
