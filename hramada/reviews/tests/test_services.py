import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews import planning, selectors, services
from hramada.reviews.models import Assignment, Conflict, Item, Reviewer, Score

from .factories import (
    AssignmentFactory,
    CriterionFactory,
    ItemFactory,
    ReviewerFactory,
    RoundFactory,
    RubricFactory,
)

pytestmark = pytest.mark.django_db


def member(org, role=Role.MANAGER):
    user = UserFactory()
    Membership.objects.create(organisation=org, person=user.person, role=role)
    return user


@pytest.fixture
def round_():
    return RoundFactory(reviews_per_item=2)


@pytest.fixture
def manager(round_):
    return member(round_.organisation)


def crit(title="Impact", weight=1, low=0, high=10, description=""):
    return {"title": title, "description": description, "weight": weight, "scale_min": low, "scale_max": high}


def done_review(assignment, **by_criterion):
    """Submit a review as its reviewer; by_criterion maps criterion title to value."""
    criteria = assignment.round.rubric.criteria.all()
    scores = {c.pk: by_criterion.get(c.title, by_criterion.get("all")) for c in criteria}
    return services.submit_review(
        user=assignment.reviewer.user, assignment=assignment, scores=scores, comment="ok"
    )


# --- Rubrics and rounds ----------------------------------------------------------------------------------


def test_create_rubric_with_criteria_is_audited():
    org = OrganisationFactory()
    boss = member(org)
    rubric = services.create_rubric(
        actor=boss,
        organisation=org,
        title="Social Weekend",
        criteria=[crit("Impact", 2), crit("Team", 1, 1, 5)],
    )
    assert [(c.title, c.weight, c.scale_min, c.scale_max, c.order) for c in rubric.criteria.all()] == [
        ("Impact", Decimal("2.00"), 0, 10, 1),
        ("Team", Decimal("1.00"), 1, 5, 2),
    ]
    assert AuditEntry.objects.filter(action="reviews.rubric.created", data__criteria=2).exists()


@pytest.mark.parametrize(
    "criteria, message",
    [
        ([], "at least one criterion"),
        ([crit(title="")], "needs a title"),
        ([crit(weight=0)], "positive"),
        ([crit(weight="-1")], "positive"),
        ([crit(weight="abc")], "not a number"),
        ([crit(low=5, high=5)], "lower to a higher"),
        ([crit(low=10, high=1)], "lower to a higher"),
    ],
)
def test_create_rubric_refuses_bad_criteria(criteria, message):
    org = OrganisationFactory()
    with pytest.raises(DomainError, match=message):
        services.create_rubric(actor=member(org), organisation=org, title="R", criteria=criteria)


def test_only_managers_create_rubrics_and_rounds():
    org = OrganisationFactory()
    for user in (
        UserFactory(),
        member(org, Role.MEMBER),
        member(org, Role.EXPERT),
        member(OrganisationFactory()),
    ):
        with pytest.raises(DomainError, match="Only the organisers"):
            services.create_rubric(actor=user, organisation=org, title="R", criteria=[crit()])
    staff = UserFactory(is_staff=True)
    rubric = services.create_rubric(actor=staff, organisation=org, title="R", criteria=[crit()])
    with pytest.raises(DomainError, match="Only the organisers"):
        services.create_round(actor=member(org, Role.EXPERT), organisation=org, title="T", rubric=rubric)


def test_database_holds_criterion_invariants():
    rubric = RubricFactory()
    with pytest.raises(IntegrityError):
        CriterionFactory(rubric=rubric, scale_min=5, scale_max=5)


def test_rubric_cannot_change_once_scored(round_, manager):
    rubric = round_.rubric
    services.update_rubric(actor=manager, rubric=rubric, title="New", criteria=[crit("A"), crit("B")])
    assert rubric.criteria.count() == 2
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    done_review(assignment, all=5)
    with pytest.raises(DomainError, match="can no longer be changed"):
        services.update_rubric(actor=manager, rubric=rubric, title="Again", criteria=[crit("C")])


def test_create_round_checks_rubric_and_window():
    org = OrganisationFactory()
    boss = member(org)
    rubric = services.create_rubric(actor=boss, organisation=org, title="R", criteria=[crit()])
    round_ = services.create_round(
        actor=boss,
        organisation=org,
        title="Expert review",
        rubric=rubric,
        purpose="expert_review",
        reviews_per_item=3,
    )
    assert round_.reviews_per_item == 3 and not round_.normalise
    assert AuditEntry.objects.filter(action="reviews.round.created").exists()
    other = RubricFactory()
    with pytest.raises(DomainError, match="rubric of this organisation"):
        services.create_round(actor=boss, organisation=org, title="T", rubric=other)
    with pytest.raises(DomainError, match="at least one review"):
        services.create_round(actor=boss, organisation=org, title="T", rubric=rubric, reviews_per_item=0)
    now = timezone.now()
    with pytest.raises(DomainError, match="close after it opens"):
        services.create_round(
            actor=boss, organisation=org, title="T", rubric=rubric, opens_at=now, closes_at=now
        )


def test_add_items_is_idempotent_per_subject_key(round_, manager):
    applicant = OrganisationFactory()
    data = [
        {
            "subject_key": "contests.project:1",
            "title": "Free creative space",
            "url": "/p/1/",
            "organisation_id": None,
        },
        {
            "subject_key": "contests.project:2",
            "title": "Bashni",
            "url": "/p/2/",
            "organisation_id": applicant.pk,
        },
    ]
    first = services.add_items(actor=manager, round=round_, items=data)
    data[0]["title"] = "A free creative space"
    again = services.add_items(actor=manager, round=round_, items=data)
    assert [i.pk for i in first] == [i.pk for i in again]
    assert Item.objects.filter(round=round_).count() == 2
    assert Item.objects.get(subject_key="contests.project:1").title == "A free creative space"
    with pytest.raises(DomainError):
        services.add_items(actor=UserFactory(), round=round_, items=data)


def test_remove_items_takes_out_unreviewed_items_with_their_pending_work(round_, manager):
    reviewer = ReviewerFactory(round=round_)
    AssignmentFactory(reviewer=reviewer, item=ItemFactory(round=round_, subject_key="x:1"))
    Conflict.objects.create(reviewer=reviewer, item=ItemFactory(round=round_, subject_key="x:2"), reason="x")
    keep = ItemFactory(round=round_, subject_key="x:3")
    removed = services.remove_items(actor=manager, round=round_, subject_keys=["x:1", "x:2", "x:unknown"])
    assert removed == 2
    assert list(Item.objects.filter(round=round_)) == [keep]
    assert not Assignment.objects.exists() and not Conflict.objects.exists()
    entry = AuditEntry.objects.get(action="reviews.items.removed")
    assert entry.data == {"subject_keys": ["x:1", "x:2"], "pending_assignments_removed": 1}
    assert services.remove_items(actor=manager, round=round_, subject_keys=["x:9"]) == 0


def test_remove_items_refuses_reviewed_items_and_removes_nothing(round_, manager):
    reviewed = AssignmentFactory(
        reviewer=ReviewerFactory(round=round_), item=ItemFactory(round=round_, subject_key="x:1")
    )
    done_review(reviewed, all=6)
    ItemFactory(round=round_, subject_key="x:2")
    assert selectors.reviewed_subjects(round_, ["x:1", "x:2"]) == {"x:1"}
    with pytest.raises(DomainError, match="already been reviewed"):
        services.remove_items(actor=manager, round=round_, subject_keys=["x:1", "x:2"])
    assert Item.objects.filter(round=round_).count() == 2
    with pytest.raises(DomainError, match="Only the organisers"):
        services.remove_items(actor=UserFactory(), round=round_, subject_keys=["x:2"])


# --- Reviewers and conflicts -----------------------------------------------------------------------------


def test_add_and_remove_reviewer(round_, manager):
    expert = UserFactory()
    reviewer = services.add_reviewer(actor=manager, round=round_, user=expert)
    with pytest.raises(DomainError, match="already a reviewer"):
        services.add_reviewer(actor=manager, round=round_, user=expert)
    AssignmentFactory(reviewer=reviewer)
    services.remove_reviewer(actor=manager, reviewer=reviewer)
    assert not Reviewer.objects.filter(pk=reviewer.pk).exists()
    assert not Assignment.objects.filter(round=round_).exists()


def test_reviewer_with_done_reviews_cannot_be_removed(round_, manager):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    done_review(assignment, all=3)
    with pytest.raises(DomainError, match="already submitted"):
        services.remove_reviewer(actor=manager, reviewer=assignment.reviewer)


def test_expert_declares_conflict_and_loses_pending_assignment(round_):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    expert = assignment.reviewer.user
    services.declare_conflict(
        actor=expert, reviewer=assignment.reviewer, item=assignment.item, reason="I mentor the team."
    )
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Conflict.objects.filter(reviewer=assignment.reviewer, item=assignment.item).exists()
    entry = AuditEntry.objects.get(action="reviews.conflict.declared")
    assert entry.data["by_reviewer"] and entry.data["assignment_withdrawn"]


def test_conflict_needs_a_reason_and_the_right_person(round_, manager):
    reviewer = ReviewerFactory(round=round_)
    item = ItemFactory(round=round_)
    with pytest.raises(DomainError, match="why"):
        services.declare_conflict(actor=reviewer.user, reviewer=reviewer, item=item, reason=" ")
    with pytest.raises(DomainError, match="Only the organisers"):
        services.declare_conflict(actor=UserFactory(), reviewer=reviewer, item=item, reason="x")
    services.declare_conflict(actor=manager, reviewer=reviewer, item=item, reason="Known to us")
    with pytest.raises(DomainError, match="already declared"):
        services.declare_conflict(actor=reviewer.user, reviewer=reviewer, item=item, reason="again")


def test_expert_cannot_conflict_out_of_a_submitted_review_but_organiser_can_discard_it(round_, manager):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    done_review(assignment, all=7)
    with pytest.raises(DomainError, match="Ask the organisers"):
        services.declare_conflict(
            actor=assignment.reviewer.user, reviewer=assignment.reviewer, item=assignment.item, reason="x"
        )
    services.declare_conflict(
        actor=manager, reviewer=assignment.reviewer, item=assignment.item, reason="Found out"
    )
    assert not Score.objects.exists()
    assert AuditEntry.objects.get(action="reviews.conflict.declared").data["review_discarded"]


# --- Manual assignment -----------------------------------------------------------------------------------


def test_manual_assign_refuses_conflicts_own_organisation_and_duplicates(round_, manager):
    applicant = OrganisationFactory()
    insider = ReviewerFactory(round=round_)
    Membership.objects.create(organisation=applicant, person=insider.user.person, role=Role.MEMBER)
    stated = ReviewerFactory(round=round_, organisation=applicant)
    conflicted = ReviewerFactory(round=round_)
    fine = ReviewerFactory(round=round_)
    item = ItemFactory(round=round_, organisation=applicant)
    ConflictFactory_ = Conflict.objects.create(reviewer=conflicted, item=item, reason="x")
    assert ConflictFactory_.pk
    with pytest.raises(DomainError, match="applicant's organisation"):
        services.assign(actor=manager, round=round_, reviewer=insider, item=item)
    with pytest.raises(DomainError, match="applicant's organisation"):
        services.assign(actor=manager, round=round_, reviewer=stated, item=item)
    with pytest.raises(DomainError, match="conflict of interest"):
        services.assign(actor=manager, round=round_, reviewer=conflicted, item=item)
    assignment = services.assign(actor=manager, round=round_, reviewer=fine, item=item)
    assert assignment.manual
    with pytest.raises(DomainError, match="already assigned"):
        services.assign(actor=manager, round=round_, reviewer=fine, item=item)
    other_round_item = ItemFactory()
    with pytest.raises(DomainError, match="both be in this round"):
        services.assign(actor=manager, round=round_, reviewer=fine, item=other_round_item)
    with pytest.raises(DomainError, match="Only the organisers"):
        services.assign(actor=fine.user, round=round_, reviewer=fine, item=ItemFactory(round=round_))


def test_unassign_only_pending(round_, manager):
    pending = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    services.unassign(actor=manager, assignment=pending)
    assert not Assignment.objects.filter(pk=pending.pk).exists()
    done = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    done_review(done, all=1)
    with pytest.raises(DomainError, match="already been submitted"):
        services.unassign(actor=manager, assignment=done)


# --- Automatic assignment --------------------------------------------------------------------------------


def check_plan_properties(round_, plan):
    k = round_.reviews_per_item
    reviewers = list(round_.reviewers.all())
    orgs = planning.reviewer_orgs(reviewers)
    conflicts = set(Conflict.objects.filter(item__round=round_).values_list("reviewer_id", "item_id"))
    existing = set(Assignment.objects.filter(round=round_).values_list("reviewer_id", "item_id"))
    pairs = set(plan.pairs)
    assert len(pairs) == len(plan.pairs), "no duplicate pair"
    assert not pairs & existing
    assert not pairs & conflicts
    items = {i.pk: i for i in round_.items.all()}
    for reviewer_id, item_id in pairs:
        assert items[item_id].organisation_id not in orgs[reviewer_id]
    per_item = dict.fromkeys(items, 0)
    for _r, i in pairs | existing:
        per_item[i] += 1
    short = {s.item.pk for s in plan.shortfalls}
    for item_id, item in items.items():
        eligible = sum(
            1
            for r in reviewers
            if (r.pk, item_id) not in conflicts
            and not (item.organisation_id and item.organisation_id in orgs[r.pk])
        )
        # Every item reaches k, or as many reviews as it has eligible reviewers.
        assert per_item[item_id] >= min(k, eligible)
        assert (item_id in short) == (per_item[item_id] < k)
    return per_item


def test_plan_is_balanced_without_constraints():
    round_ = RoundFactory(reviews_per_item=3)
    reviewers = ReviewerFactory.create_batch(7, round=round_)
    ItemFactory.create_batch(20, round=round_)
    plan = services.plan_assignment(round=round_)
    per_item = check_plan_properties(round_, plan)
    assert set(per_item.values()) == {3}
    assert plan.new_count == 60
    loads = [load.total for load in plan.loads]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 60
    assert len(plan.loads) == len(reviewers)
    assert not plan.shortfalls


@pytest.mark.parametrize("seed", range(6))
def test_plan_properties_on_random_data(seed):
    rng = random.Random(seed)
    round_ = RoundFactory(reviews_per_item=rng.randint(1, 4))
    orgs = OrganisationFactory.create_batch(4)
    reviewers = []
    for _n in range(rng.randint(3, 9)):
        reviewer = ReviewerFactory(round=round_, organisation=rng.choice(orgs + [None, None]))
        reviewers.append(reviewer)
    items = [
        ItemFactory(round=round_, organisation=rng.choice(orgs + [None])) for _n in range(rng.randint(5, 30))
    ]
    for _n in range(rng.randint(0, 10)):
        reviewer, item = rng.choice(reviewers), rng.choice(items)
        Conflict.objects.get_or_create(reviewer=reviewer, item=item, defaults={"reason": "x"})
    # Some existing manual work the plan must count and never repeat.
    for _n in range(rng.randint(0, 5)):
        reviewer, item = rng.choice(reviewers), rng.choice(items)
        if planning.refusal(reviewer, item) is None:
            Assignment.objects.create(round=round_, reviewer=reviewer, item=item, manual=True)
    plan = services.plan_assignment(round=round_)
    check_plan_properties(round_, plan)
    # Balance: no reviewer could hand one of their new items to someone two or more lighter.
    load = {entry.reviewer.pk: entry.total for entry in plan.loads}
    new_load = {entry.reviewer.pk: entry.new for entry in plan.loads}
    orgs_of = planning.reviewer_orgs(reviewers)
    conflicts = set(Conflict.objects.filter(item__round=round_).values_list("reviewer_id", "item_id"))
    taken = set(plan.pairs) | set(
        Assignment.objects.filter(round=round_).values_list("reviewer_id", "item_id")
    )
    by_id = {i.pk: i for i in items}
    for reviewer_id, item_id in plan.pairs:
        for other in reviewers:
            if load[other.pk] > load[reviewer_id] - 2 or (other.pk, item_id) in taken:
                continue
            item = by_id[item_id]
            if (other.pk, item_id) in conflicts or (
                item.organisation_id and item.organisation_id in orgs_of[other.pk]
            ):
                continue
            pytest.fail(
                f"reviewer {reviewer_id} ({load[reviewer_id]}) could give item {item_id} to {other.pk}"
            )
    assert sum(new_load.values()) == plan.new_count
    # Applying it creates exactly the plan.
    services.apply_assignment(actor=UserFactory(is_staff=True), round=round_, plan=plan)
    assert Assignment.objects.filter(round=round_, manual=False).count() == plan.new_count


def test_plan_reports_items_left_under_k_and_why():
    round_ = RoundFactory(reviews_per_item=3)
    applicant = OrganisationFactory()
    a, b = ReviewerFactory(round=round_), ReviewerFactory(round=round_, organisation=applicant)
    c = ReviewerFactory(round=round_)
    item = ItemFactory(round=round_, organisation=applicant)
    Conflict.objects.create(reviewer=c, item=item, reason="x")
    plan = services.plan_assignment(round=round_)
    assert plan.pairs == [(a.pk, item.pk)]
    [short] = plan.shortfalls
    assert short.item == item and short.reviews == 1 and short.eligible == 1
    assert "1 eligible reviewer" in short.reason
    assert "applicant's organisation" in short.reason and "conflict" in short.reason
    assert b.pk not in {r for r, _i in plan.pairs}


def test_plan_writes_nothing_and_apply_is_audited_with_counts(round_, manager):
    ReviewerFactory.create_batch(3, round=round_)
    ItemFactory.create_batch(3, round=round_)
    plan = services.plan_assignment(round=round_)
    assert not Assignment.objects.exists()
    created = services.apply_assignment(
        actor=manager, round=round_, plan=services.Plan.from_data(plan.to_data())
    )
    assert len(created) == 6
    entry = AuditEntry.objects.get(action="reviews.assignment.applied")
    assert entry.data["created"] == 6 and entry.data["reviewers"] == 3 and entry.data["items_under_k"] == 0
    assert entry.data["max_new_per_reviewer"] == 2 and entry.data["min_new_per_reviewer"] == 2
    # Planning again proposes nothing new: every item has k reviews.
    assert services.plan_assignment(round=round_).pairs == []


@pytest.mark.parametrize("change", ["reviewer", "item", "conflict", "assignment", "k", "membership"])
def test_apply_refuses_when_the_round_changed_since_the_plan(round_, manager, change):
    reviewers = ReviewerFactory.create_batch(3, round=round_)
    items = ItemFactory.create_batch(3, round=round_, organisation=OrganisationFactory())
    plan = services.plan_assignment(round=round_)
    if change == "reviewer":
        ReviewerFactory(round=round_)
    elif change == "item":
        ItemFactory(round=round_)
    elif change == "conflict":
        Conflict.objects.create(reviewer=reviewers[0], item=items[0], reason="x")
    elif change == "assignment":
        services.assign(actor=manager, round=round_, reviewer=reviewers[0], item=items[0])
    elif change == "k":
        services.update_round(
            actor=manager, round=round_, title=round_.title, reviews_per_item=1, normalise=False
        )
    elif change == "membership":
        Membership.objects.create(organisation=items[0].organisation, person=reviewers[0].user.person)
    with pytest.raises(DomainError, match="changed since this plan"):
        services.apply_assignment(actor=manager, round=round_, plan=plan)
    assert Assignment.objects.filter(manual=False).count() == 0


def test_apply_refuses_a_tampered_plan(round_, manager):
    reviewer = ReviewerFactory(round=round_, organisation=OrganisationFactory())
    item = ItemFactory(round=round_, organisation=reviewer.organisation)
    plan = services.plan_assignment(round=round_)
    assert plan.pairs == []
    plan.pairs = [(reviewer.pk, item.pk)]
    with pytest.raises(DomainError, match="conflict-of-interest"):
        services.apply_assignment(actor=manager, round=round_, plan=plan)
    with pytest.raises(DomainError, match="could not be read"):
        services.Plan.from_data({"round": "x"})
    with pytest.raises(DomainError, match="Only the organisers"):
        services.apply_assignment(actor=reviewer.user, round=round_, plan=plan)


# --- Reviewing -------------------------------------------------------------------------------------------


@pytest.fixture
def two_criteria_round():
    round_ = RoundFactory(criteria=0)
    CriterionFactory(rubric=round_.rubric, title="Impact", weight=3, scale_min=0, scale_max=10, order=1)
    CriterionFactory(rubric=round_.rubric, title="Team", weight=1, scale_min=1, scale_max=5, order=2)
    return round_


def scores_for(round_, impact, team):
    impact_c, team_c = round_.rubric.criteria.all()
    return {impact_c.pk: impact, team_c.pk: team}


def test_submit_review_and_edit_until_closing(two_criteria_round):
    round_ = two_criteria_round
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    user = assignment.reviewer.user
    services.submit_review(
        user=user, assignment=assignment, scores=scores_for(round_, 8, 4), comment="Strong team"
    )
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.comment == "Strong team" and assignment.submitted_at
    services.submit_review(user=user, assignment=assignment, scores=scores_for(round_, "6", "2"), comment="")
    assert sorted(Score.objects.values_list("value", flat=True)) == [2, 6]
    actions = list(
        AuditEntry.objects.filter(action__startswith="reviews.review").values_list("action", "data")
    )
    assert [a for a, _d in actions] == ["reviews.review.changed", "reviews.review.submitted"]
    assert all(set(d) == {"round"} for _a, d in actions), "scores are not in the audit data"


@pytest.mark.parametrize(
    "impact, team, message",
    [
        (11, 3, "from 0 to 10"),
        (5, 0, "from 1 to 5"),
        (-1, 3, "from 0 to 10"),
        (None, 3, "Score"),
        ("x", 3, "whole number"),
        (2.5, 3, "whole number"),
    ],
)
def test_submit_review_checks_every_criterion_and_its_scale(two_criteria_round, impact, team, message):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=two_criteria_round))
    with pytest.raises(DomainError, match=message):
        services.submit_review(
            user=assignment.reviewer.user,
            assignment=assignment,
            scores=scores_for(two_criteria_round, impact, team),
        )
    assert not Score.objects.exists()


def test_submit_review_refuses_unknown_criterion(two_criteria_round):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=two_criteria_round))
    scores = scores_for(two_criteria_round, 5, 3) | {CriterionFactory().pk: 3}
    with pytest.raises(DomainError, match="Unknown criterion"):
        services.submit_review(user=assignment.reviewer.user, assignment=assignment, scores=scores)


def test_only_the_assigned_reviewer_submits(round_, manager):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    scores = {round_.rubric.criteria.get().pk: 5}
    for user in (manager, UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(DomainError, match="Only the reviewer assigned"):
            services.submit_review(user=user, assignment=assignment, scores=scores)


def test_deadline(round_, manager):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    scores = {round_.rubric.criteria.get().pk: 5}
    user = assignment.reviewer.user
    now = timezone.now()
    services.update_round(
        actor=manager,
        round=round_,
        title="T",
        reviews_per_item=2,
        normalise=False,
        opens_at=now + timedelta(hours=1),
    )
    assignment.refresh_from_db()
    with pytest.raises(DomainError, match="not opened yet"):
        services.submit_review(user=user, assignment=assignment, scores=scores)
    services.update_round(
        actor=manager,
        round=round_,
        title="T",
        reviews_per_item=2,
        normalise=False,
        closes_at=now + timedelta(hours=1),
    )
    services.submit_review(user=user, assignment=assignment, scores=scores)
    services.update_round(
        actor=manager,
        round=round_,
        title="T",
        reviews_per_item=2,
        normalise=False,
        closes_at=now - timedelta(seconds=1),
    )
    with pytest.raises(DomainError, match="Reviewing closed"):
        services.submit_review(user=user, assignment=assignment, scores=scores)


# --- Results and normalisation ---------------------------------------------------------------------------


def test_review_total_weights_and_rescales(two_criteria_round):
    criteria = list(two_criteria_round.rubric.criteria.all())
    # Impact 8/10 -> 80 points (weight 3); team 4 on 1..5 -> 75 points (weight 1): (3·80 + 75) / 4.
    assert selectors.review_total(scores_for(two_criteria_round, 8, 4), criteria) == pytest.approx(78.75)


def test_z_scores_hand_computed():
    # Reviewer 1 (strict): 40, 60 -> mean 50, sd 10 -> z -1, +1.
    # Reviewer 2 (lenient): 70, 80, 90 -> mean 80, sd 8.1650 -> z -1.2247, 0, +1.2247.
    # Reviewer 3 (one review, 60): against the pool of all six totals (mean 66.667, sd 16.997) -> -0.3922.
    # Reviewer 4 gave 50 and 50: no preference -> 0, 0.
    totals = {(1, 1): 40, (1, 2): 60, (2, 1): 70, (2, 2): 80, (2, 3): 90, (3, 3): 60, (4, 1): 50, (4, 2): 50}
    zs = selectors.z_scores(totals)
    assert zs[(1, 1)] == pytest.approx(-1) and zs[(1, 2)] == pytest.approx(1)
    assert zs[(2, 1)] == pytest.approx(-1.224745, abs=1e-6) and zs[(2, 2)] == pytest.approx(0)
    values = [40, 60, 70, 80, 90, 60, 50, 50]
    mean = sum(values) / 8
    sd = (sum((v - mean) ** 2 for v in values) / 8) ** 0.5
    assert mean == 62.5 and sd == pytest.approx(15.612495)
    assert zs[(3, 3)] == pytest.approx((60 - 62.5) / sd)
    assert zs[(4, 1)] == 0 and zs[(4, 2)] == 0
    assert selectors.z_scores({(1, 1): 70}) == {(1, 1): 0.0}


def test_results_raw_normalised_and_rank():
    round_ = RoundFactory(reviews_per_item=2, normalise=True)
    strict, lenient = ReviewerFactory(round=round_), ReviewerFactory(round=round_)
    a, b, c = (ItemFactory(round=round_, title=t) for t in ("A", "B", "C"))
    ItemFactory(round=round_, title="D unreviewed")

    def give(reviewer, item, value):
        done_review(AssignmentFactory(reviewer=reviewer, item=item), all=value)

    # Strict gives A 2, B 4 (mean 3, sd 1); lenient gives B 8, C 10 (mean 9, sd 1).
    give(strict, a, 2)
    give(strict, b, 4)
    give(lenient, b, 8)
    give(lenient, c, 10)
    rows = selectors.results(round_)
    by_title = {r.item.title: r for r in rows}
    assert by_title["A"].raw == 20 and by_title["A"].normalised == -1
    assert by_title["B"].raw == 60 and by_title["B"].normalised == 0  # (+1 + -1) / 2
    assert by_title["C"].raw == 100 and by_title["C"].normalised == 1
    assert by_title["B"].n == 2 and by_title["B"].criteria == {round_.rubric.criteria.get().pk: 6}
    assert [(r.item.title, r.rank) for r in rows] == [("C", 1), ("B", 2), ("A", 3), ("D unreviewed", None)]


def test_results_ties_share_a_rank_and_pending_reviews_do_not_count():
    round_ = RoundFactory(reviews_per_item=1)
    r1, r2 = ReviewerFactory(round=round_), ReviewerFactory(round=round_)
    a, b = ItemFactory(round=round_, title="A"), ItemFactory(round=round_, title="B")
    done_review(AssignmentFactory(reviewer=r1, item=a), all=5)
    done_review(AssignmentFactory(reviewer=r2, item=b), all=5)
    AssignmentFactory(reviewer=r1, item=b)  # pending
    rows = selectors.results(round_)
    assert [(r.item.title, r.rank, r.n) for r in rows] == [("A", 1, 1), ("B", 1, 1)]


def test_progress_and_my_assignments(round_):
    r1, r2 = ReviewerFactory(round=round_), ReviewerFactory(round=round_)
    first = AssignmentFactory(reviewer=r1)
    AssignmentFactory(reviewer=r1)
    done_review(AssignmentFactory(reviewer=r2), all=5)
    done_review(first, all=5)
    assert [(p.reviewer, p.pending, p.done) for p in selectors.progress(round_)] == [(r1, 1, 1), (r2, 0, 1)]
    assert [p.reviewer for p in selectors.progress(round_, "pending")] == [r1]
    assert [p.reviewer for p in selectors.progress(round_, "done")] == [r2]
    assert selectors.my_assignments(r1.user).count() == 2
    assert list(selectors.my_assignments(r1.user, "done")) == [first]
    assert selectors.my_counts(r1.user) == {"pending": 1, "done": 1}
    assert not selectors.my_assignments(UserFactory()).exists()
