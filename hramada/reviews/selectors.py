"""Reads for reviews: results with raw and normalised scores, progress, a reviewer's assignments.

The scoring method (published in docs/reviews.md):

* A review's total is the weighted mean of its criteria, each first put on a 0–100 scale:
  ``total = Σ wᶜ · 100 · (vᶜ − minᶜ) / (maxᶜ − minᶜ) / Σ wᶜ``.
* An item's raw score is the mean of its reviews' totals.
* Normalised (per-reviewer z-scores): each total becomes ``z = (total − μᵣ) / σᵣ``, where μᵣ and σᵣ are
  the mean and the population standard deviation of that reviewer's totals in the round. A reviewer with
  a single review is measured against the whole round instead (μ and σ of all totals): one review says
  nothing about how strict they are. A reviewer whose totals are all equal gave no preference between
  their items, so each of their reviews counts as z = 0 (the reviewer's own average). An item's
  normalised score is the mean of its reviews' z.
* Rank follows the normalised score when the round says so, otherwise the raw score; equal scores share
  a rank (1, 2, 2, 4); items without reviews are not ranked.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import Assignment, AssignmentStatus, Item, Reviewer, Round, Score

S = AssignmentStatus
DECIMALS = 6


@dataclass
class ReviewResult:
    assignment: Assignment
    reviewer: Reviewer
    total: float
    z: float
    scores: dict[int, int]  # criterion id -> value


@dataclass
class ItemResult:
    item: Item
    reviews: list[ReviewResult] = field(default_factory=list)
    raw: float | None = None
    normalised: float | None = None
    criteria: dict[int, float] = field(default_factory=dict)  # criterion id -> mean raw value
    rank: int | None = None

    @property
    def n(self) -> int:
        return len(self.reviews)


def review_total(scores: dict[int, int], criteria) -> float:
    """A review's weighted total on a 0–100 scale (weights normalised to sum to one)."""
    weight_sum = sum(float(c.weight) for c in criteria)
    total = sum(
        float(c.weight) * 100.0 * (scores[c.pk] - c.scale_min) / (c.scale_max - c.scale_min) for c in criteria
    )
    return total / weight_sum


def _mean_std(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def z_scores(totals: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Per-reviewer z-scores of review totals keyed by (reviewer id, item id); see the module docstring."""
    if not totals:
        return {}
    by_reviewer: dict[int, list[float]] = {}
    for (reviewer_id, _item_id), total in totals.items():
        by_reviewer.setdefault(reviewer_id, []).append(total)
    pooled_mean, pooled_std = _mean_std(list(totals.values()))
    stats = {}
    for reviewer_id, values in by_reviewer.items():
        if len(values) == 1:
            stats[reviewer_id] = (pooled_mean, pooled_std)
        else:
            stats[reviewer_id] = _mean_std(values)
    result = {}
    for key, total in totals.items():
        mean, std = stats[key[0]]
        result[key] = 0.0 if std < 1e-9 else (total - mean) / std
    return result


def results(round_: Round) -> list[ItemResult]:
    """Every item of the round with its reviews, raw and normalised scores and rank, best first."""
    criteria = list(round_.rubric.criteria.all())
    done = list(
        Assignment.objects.filter(round=round_, status=S.DONE)
        .select_related("reviewer__user__person", "item")
        .order_by("item_id", "reviewer_id")
    )
    values: dict[int, dict[int, int]] = {a.pk: {} for a in done}
    for assignment_id, criterion_id, value in Score.objects.filter(assignment__in=done).values_list(
        "assignment_id", "criterion_id", "value"
    ):
        values[assignment_id][criterion_id] = value
    complete = [a for a in done if all(c.pk in values[a.pk] for c in criteria)]
    totals = {(a.reviewer_id, a.item_id): review_total(values[a.pk], criteria) for a in complete}
    zs = z_scores(totals)
    by_item = {item.pk: ItemResult(item=item) for item in round_.items.order_by("title", "id")}
    for a in complete:
        key = (a.reviewer_id, a.item_id)
        by_item[a.item_id].reviews.append(
            ReviewResult(assignment=a, reviewer=a.reviewer, total=totals[key], z=zs[key], scores=values[a.pk])
        )
    for result in by_item.values():
        if not result.reviews:
            continue
        n = len(result.reviews)
        result.raw = round(sum(r.total for r in result.reviews) / n, DECIMALS)
        result.normalised = round(sum(r.z for r in result.reviews) / n, DECIMALS)
        result.criteria = {
            c.pk: round(sum(r.scores[c.pk] for r in result.reviews) / n, DECIMALS) for c in criteria
        }
    key = "normalised" if round_.normalise else "raw"
    ranked = sorted(
        (r for r in by_item.values() if r.reviews), key=lambda r: (-getattr(r, key), r.item.title)
    )
    previous, rank = None, 0
    for position, result in enumerate(ranked, start=1):
        value = getattr(result, key)
        if value != previous:
            rank, previous = position, value
        result.rank = rank
    unranked = [r for r in by_item.values() if not r.reviews]
    return ranked + unranked


def reviewed_subjects(round_: Round, subject_keys) -> set[str]:
    """The given subjects that have at least one submitted review in the round."""
    return set(
        Assignment.objects.filter(round=round_, status=S.DONE, item__subject_key__in=list(subject_keys))
        .values_list("item__subject_key", flat=True)
        .distinct()
    )


def assignments_of_subjects(round_: Round, subject_keys) -> int:
    """How many assignments (pending or done) the given subjects have in the round."""
    return Assignment.objects.filter(round=round_, item__subject_key__in=list(subject_keys)).count()


@dataclass
class ReviewerProgress:
    reviewer: Reviewer
    pending: int
    done: int

    @property
    def total(self) -> int:
        return self.pending + self.done


def progress(round_: Round, status: str | None = None) -> list[ReviewerProgress]:
    """Each reviewer's pending and done counts; ``status`` "pending" keeps those with work left,
    "done" those who have finished everything assigned."""
    qs = (
        round_.reviewers.select_related("user__person", "organisation")
        .annotate(
            n_pending=Count("assignments", filter=Q(assignments__status=S.PENDING)),
            n_done=Count("assignments", filter=Q(assignments__status=S.DONE)),
        )
        .order_by("id")
    )
    if status == "pending":
        qs = qs.filter(n_pending__gt=0)
    elif status == "done":
        qs = qs.filter(n_pending=0, n_done__gt=0)
    return [ReviewerProgress(reviewer=r, pending=r.n_pending, done=r.n_done) for r in qs]


def round_counts(round_: Round) -> dict:
    counts = Assignment.objects.filter(round=round_).aggregate(
        pending=Count("id", filter=Q(status=S.PENDING)), done=Count("id", filter=Q(status=S.DONE))
    )
    counts["items"] = round_.items.count()
    counts["reviewers"] = round_.reviewers.count()
    counts["under"] = (
        round_.items.annotate(n=Count("assignments")).filter(n__lt=round_.reviews_per_item).count()
    )
    return counts


def my_assignments(user, status: str | None = None):
    """A reviewer's own assignments in every round, open rounds' pending work first."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    qs = Assignment.objects.filter(reviewer__user=user).select_related("item", "round", "round__organisation")
    if status in (S.PENDING, S.DONE):
        qs = qs.filter(status=status)
    return qs.order_by("-status", "round__closes_at", "round_id", "item__title", "id")


def has_assignments(user):
    """The user's assignments in any round (a queryset: any row means the header links "My reviews")."""
    if not user.is_authenticated:
        return False
    return Assignment.objects.filter(reviewer__user=user)


def my_counts(user) -> dict:
    if not user.is_authenticated:
        return {"pending": 0, "done": 0}
    return Assignment.objects.filter(reviewer__user=user).aggregate(
        pending=Count("id", filter=Q(status=S.PENDING)), done=Count("id", filter=Q(status=S.DONE))
    )


def rounds_of(organisation):
    return (
        Round.objects.filter(organisation=organisation)
        .select_related("rubric")
        .annotate(
            n_items=Count("items", distinct=True),
            n_reviewers=Count("reviewers", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def assignments_of(round_: Round, *, status: str | None = None, reviewer=None):
    qs = Assignment.objects.filter(round=round_).select_related("reviewer__user__person", "item")
    if status in (S.PENDING, S.DONE):
        qs = qs.filter(status=status)
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return qs.order_by("item__title", "item_id", "reviewer_id")


def items_of(round_: Round):
    return (
        round_.items.select_related("organisation")
        .annotate(
            n_assigned=Count("assignments", distinct=True),
            n_done=Count("assignments", filter=Q(assignments__status=S.DONE), distinct=True),
        )
        .order_by("title", "id")
    )


def manage_section(request):
    """Review rounds on the organiser dashboard, for the organisations the user manages."""
    from django.utils.translation import gettext as _

    from hramada.orgs.models import Role

    person = getattr(request.user, "person", None)
    orgs = (
        list(
            person.memberships.filter(role__in=[Role.OWNER, Role.MANAGER]).values_list(
                "organisation", flat=True
            )
        )
        if person
        else []
    )
    if not orgs and not request.user.is_staff:
        return None
    qs = Round.objects.select_related("organisation").order_by("-created_at")
    if not request.user.is_staff:
        qs = qs.filter(organisation__in=orgs)
    items = list(qs[:20])
    if not items:
        return None
    return {
        "title": _("Review rounds"),
        "template": "reviews/manage/_round_list.html",
        "items": items,
        "empty": _("No review rounds yet."),
    }
