"""Rules of finalists, winners, awards and pledges: the formula's maths on a hand-computed example,
the historical rule, freezing, and every refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone, translation

from hramada.awards import selectors, services
from hramada.awards.models import Award, FinalistRule, Pledge, ReviewStage
from hramada.contests.models import ProjectMember
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews import services as review_services
from hramada.reviews.tests.factories import CriterionFactory, RubricFactory

from .factories import AwardFactory, CategoryFactory, EditionFactory, FinalistFactory, ProjectFactory, member

pytestmark = pytest.mark.django_db
T0 = timezone.now() - timedelta(days=30)


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def manager(edition):
    return member(edition.contest.organisation)


def project(category, title, votes, minutes=0):
    return ProjectFactory(
        category=category, title=title, vote_count=votes, submitted_at=T0 + timedelta(minutes=minutes)
    )


def rubric_for(edition):
    rubric = RubricFactory(organisation=edition.contest.organisation)
    CriterionFactory(rubric=rubric, scale_min=0, scale_max=10, weight=1)
    return rubric


def expert_scores(edition, manager, scores: dict, normalise=False):
    """One expert scores each project (0–10 on one criterion → raw = 10 × score)."""
    stage = services.start_expert_review(
        actor=manager, edition=edition, rubric=rubric_for(edition), reviews_per_item=1, normalise=normalise
    )
    expert = UserFactory()
    reviewer = review_services.add_reviewer(actor=manager, round=stage.round, user=expert)
    criterion = stage.round.rubric.criteria.get()
    items = {i.subject_key: i for i in stage.round.items.all()}
    for p, value in scores.items():
        assignment = review_services.assign(
            actor=manager, round=stage.round, reviewer=reviewer, item=items[selectors.subject_key(p)]
        )
        review_services.submit_review(user=expert, assignment=assignment, scores={criterion.pk: value})
    return stage


def rule(edition, manager, **kwargs):
    values = {"method": "formula", "finalists_per_category": 2, "use_normalised": False}
    values.update(kwargs)
    return services.set_finalist_rule(actor=manager, edition=edition, **values)


def by_title(rows):
    return {r.project.title: r for r in rows}


# --- Expert review and jury rounds ----------------------------------------------------------------------


def test_start_expert_review_makes_a_round_of_the_eligible_projects(edition, manager):
    category = CategoryFactory(edition=edition)
    a = project(category, "A", 1)
    ProjectFactory(category=category, status="submitted")
    stage = services.start_expert_review(
        actor=manager, edition=edition, rubric=rubric_for(edition), normalise=True
    )
    assert stage.kind == ReviewStage.Kind.EXPERT
    items = list(stage.round.items.all())
    assert [i.subject_key for i in items] == [f"contests.project:{a.pk}"]
    assert items[0].url.endswith(f"/projects/{a.public_id}/")
    assert stage.round.normalise and stage.round.purpose == "expert_review"
    with pytest.raises(DomainError, match="already started"):
        services.start_expert_review(actor=manager, edition=edition, rubric=stage.round.rubric)
    assert AuditEntry.objects.filter(action="awards.expert_review.started").exists()


def test_start_expert_review_carries_the_applicant_organisation(edition, manager):
    applicant = OrganisationFactory()
    p = ProjectFactory(category=CategoryFactory(edition=edition), organisation=applicant)
    stage = services.start_expert_review(actor=manager, edition=edition, rubric=rubric_for(edition))
    assert stage.round.items.get().organisation_id == applicant.pk == p.organisation_id


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EXPERT])
def test_only_organisers_start_reviews(edition, role):
    ProjectFactory(category=CategoryFactory(edition=edition))
    actor = member(edition.contest.organisation, role) if role else UserFactory()
    with pytest.raises(DomainError):
        services.start_expert_review(actor=actor, edition=edition, rubric=rubric_for(edition))


def test_jury_needs_finalists_and_gets_later_confirmed_ones(edition, manager):
    c1, c2 = CategoryFactory(edition=edition), CategoryFactory(edition=edition)
    a, b = project(c1, "A", 5), project(c2, "B", 5)
    rule(edition, manager, finalists_per_category=1)
    with pytest.raises(DomainError, match="Confirm the finalists"):
        services.start_jury(actor=manager, edition=edition, rubric=rubric_for(edition))
    services.confirm_finalists(actor=manager, edition=edition, category=c1, projects=[a])
    jury = services.start_jury(actor=manager, edition=edition, rubric=rubric_for(edition))
    assert jury.round.purpose == "jury" and jury.round.items.count() == 1
    services.confirm_finalists(actor=manager, edition=edition, category=c2, projects=[b])
    assert {i.subject_key for i in jury.round.items.all()} == {
        selectors.subject_key(a),
        selectors.subject_key(b),
    }


# --- The formula ----------------------------------------------------------------------------------------


@pytest.fixture
def four(edition, manager):
    """Votes A 50, B 30, C 10, D 0; expert raw A 40, B 80, C 100, D 60."""
    category = CategoryFactory(edition=edition)
    ps = [project(category, t, v, i) for i, (t, v) in enumerate([("A", 50), ("B", 30), ("C", 10), ("D", 0)])]
    expert_scores(edition, manager, dict(zip(ps, [4, 8, 10, 6], strict=True)))
    return category


def test_formula_hand_computed_example(edition, manager, four):
    # vote points (min-max): A 1, B 0.6, C 0.2, D 0; expert points (40..100): A 0, B 2/3, C 1, D 1/3.
    rule(edition, manager, vote_weight="0.5", expert_weight="0.5")
    [cat] = selectors.proposal(edition)
    rows = by_title(cat.rows)
    assert rows["A"].share == pytest.approx(50 / 90, abs=1e-6)
    assert rows["B"].expert_raw == 80 and rows["B"].expert_points == pytest.approx(0.666667)
    assert [r.combined for r in cat.rows] == pytest.approx([0.633333, 0.6, 0.5, 0.166667], abs=1e-6)
    assert [r.project.title for r in cat.rows] == ["B", "C", "A", "D"]
    assert [r.project.title for r in cat.selected] == ["B", "C"]
    assert {r.source for r in cat.selected} == {"formula"}
    assert "combined score 0.633" in cat.rows[0].why


def test_formula_weights_change_the_outcome(edition, manager, four):
    # 0.8 × vote + 0.2 × expert: A 0.8, B 0.613333, C 0.36, D 0.066667.
    rule(edition, manager, vote_weight="0.8", expert_weight="0.2")
    [cat] = selectors.proposal(edition)
    assert [r.project.title for r in cat.selected] == ["A", "B"]
    assert cat.rows[1].combined == pytest.approx(0.613333, abs=1e-6)


@pytest.mark.parametrize(("tie_break", "order"), [("votes", ["P", "R", "Q"]), ("experts", ["Q", "R", "P"])])
def test_formula_tie_breaks(edition, manager, tie_break, order):
    """P (20 votes, raw 0), Q (0 votes, raw 100), R (10 votes, raw 50) all combine to 0.5."""
    category = CategoryFactory(edition=edition)
    ps = [project(category, t, v, i) for i, (t, v) in enumerate([("P", 20), ("Q", 0), ("R", 10)])]
    expert_scores(edition, manager, dict(zip(ps, [0, 10, 5], strict=True)))
    rule(edition, manager, tie_break=tie_break)
    [cat] = selectors.proposal(edition)
    assert [r.combined for r in cat.rows] == [0.5, 0.5, 0.5]
    assert [r.project.title for r in cat.rows] == order


def test_last_tie_break_is_the_earlier_submission(edition, manager):
    category = CategoryFactory(edition=edition)
    project(category, "Late", 5, minutes=10)
    project(category, "Early", 5, minutes=1)
    rule(edition, manager, finalists_per_category=1)
    [cat] = selectors.proposal(edition)
    assert [r.project.title for r in cat.selected] == ["Early"]


def test_unreviewed_project_gets_zero_expert_points(edition, manager):
    category = CategoryFactory(edition=edition)
    a, b = project(category, "A", 10), project(category, "B", 10)
    expert_scores(edition, manager, {a: 5})
    project(category, "C", 10)  # eligible after the round started: not reviewed
    rule(edition, manager)
    rows = by_title(selectors.proposal(edition)[0].rows)
    assert rows["C"].expert is None and rows["C"].expert_points == 0
    assert b.pk  # B was an item but has no submitted review either
    assert rows["B"].expert is None


def test_normalised_expert_score_is_used_when_the_rule_says_so(edition, manager, four):
    rule(edition, manager, use_normalised=True)
    rows = by_title(selectors.proposal(edition)[0].rows)
    assert rows["C"].expert == rows["C"].expert_normalised
    assert rows["C"].expert_raw == 100


# --- The historical rule ------------------------------------------------------------------------------


def test_historical_rule_half_by_votes_half_by_experts_from_the_rest(edition, manager):
    """n = 3 (odd): the public vote takes ⌈3/2⌉ = 2, the experts 1 from the rest."""
    category = CategoryFactory(edition=edition)
    data = [("V1", 100, 1), ("V2", 90, 2), ("V3", 80, 3), ("X", 5, 9), ("Y", 1, 5)]
    ps = {t: project(category, t, v, i) for i, (t, v, _s) in enumerate(data)}
    expert_scores(edition, manager, {ps[t]: s for t, _v, s in data})
    rule(edition, manager, method="historical", finalists_per_category=3)
    [cat] = selectors.proposal(edition)
    chosen = [(r.project.title, r.source) for r in cat.selected]
    assert chosen == [("V1", "public_vote"), ("V2", "public_vote"), ("X", "experts")]
    rows = by_title(cat.rows)
    assert not rows["V3"].selected  # third by votes, but the experts preferred X among the rest
    assert "public vote" in rows["V1"].why and "expert committee" in rows["X"].why
    document = selectors.rule_document(selectors.rule_for(edition))
    assert document["by_public_vote"] == 2 and document["by_experts"] == 1


def test_historical_rule_breaks_a_vote_tie_by_the_expert_score(edition, manager):
    category = CategoryFactory(edition=edition)
    a, b, c = project(category, "A", 90, 0), project(category, "B", 90, 1), project(category, "C", 1, 2)
    expert_scores(edition, manager, {a: 2, b: 3, c: 9})
    rule(edition, manager, method="historical", finalists_per_category=2)
    [cat] = selectors.proposal(edition)
    assert [(r.project.title, r.source) for r in cat.selected] == [("B", "public_vote"), ("C", "experts")]


def test_fewer_projects_than_places_all_are_finalists(edition, manager):
    category = CategoryFactory(edition=edition)
    project(category, "Only", 3)
    rule(edition, manager, method="historical", finalists_per_category=4)
    assert [r.project.title for r in selectors.proposal(edition)[0].selected] == ["Only"]


# --- The rule: validation, freezing, fingerprint ------------------------------------------------------------


@pytest.mark.parametrize(("vote", "expert"), [("0.6", "0.6"), ("1.2", "-0.2"), ("x", "0.5")])
def test_formula_weights_must_sum_to_one(edition, manager, vote, expert):
    with pytest.raises(DomainError):
        rule(edition, manager, vote_weight=vote, expert_weight=expert)


def test_weights_like_three_tenths_are_accepted(edition, manager):
    saved = rule(edition, manager, vote_weight="0.3", expert_weight="0.7")
    assert saved.vote_weight == Decimal("0.3")


def test_the_database_refuses_weights_not_summing_to_one(edition):
    with pytest.raises(IntegrityError):
        FinalistRule.objects.create(edition=edition, vote_weight=Decimal("0.7"), expert_weight=Decimal("0.7"))


def test_confirming_freezes_the_rule_with_its_fingerprint(
    edition, manager, four, django_capture_on_commit_callbacks
):
    r = rule(edition, manager)
    b, c = (p.project for p in selectors.proposal(edition)[0].selected)
    lead = UserFactory()
    lead.person.preferred_language = "en"  # e-mails go out in each member's language
    lead.person.save()
    ProjectMember.objects.create(
        project=b, user=lead, email=lead.email, role="lead", accepted_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = services.confirm_finalists(actor=manager, edition=edition, category=four, projects=[b, c])
    assert [f.position for f in created] == [1, 2]
    r.refresh_from_db()
    assert r.frozen_at and r.fingerprint == selectors.rule_fingerprint(r) and len(r.fingerprint) == 64
    assert created[0].explanation["combined"] == pytest.approx(0.633333, abs=1e-6)
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "finalist" in mail.outbox[0].subject
    with pytest.raises(DomainError, match="frozen"):
        rule(edition, manager, finalists_per_category=3)
    with pytest.raises(DomainError, match="already confirmed"):
        services.confirm_finalists(actor=manager, edition=edition, category=four, projects=[b])


def test_departing_from_the_proposal_needs_a_reason(edition, manager, four):
    rule(edition, manager)
    rows = by_title(selectors.proposal(edition)[0].rows)
    with pytest.raises(DomainError, match="reason"):
        services.confirm_finalists(
            actor=manager, edition=edition, category=four, projects=[rows["A"].project, rows["B"].project]
        )
    created = services.confirm_finalists(
        actor=manager,
        edition=edition,
        category=four,
        projects=[rows["A"].project, rows["B"].project],
        reason="C withdrew from the contest.",
    )
    assert [f.source for f in created] == ["organisers", "formula"]
    entry = AuditEntry.objects.get(action="awards.finalists.confirmed")
    assert entry.data["deviates"] is True and entry.data["reason"] == "C withdrew from the contest."


def test_only_eligible_projects_of_the_category_can_be_finalists(edition, manager, four):
    rule(edition, manager)
    other = ProjectFactory(category=CategoryFactory(edition=edition))
    with pytest.raises(DomainError, match="not an eligible project"):
        services.confirm_finalists(
            actor=manager, edition=edition, category=four, projects=[other], reason="x"
        )


def test_database_holds_one_finalist_row_per_project(edition):
    finalist = FinalistFactory(project=ProjectFactory(category=CategoryFactory(edition=edition)))
    with pytest.raises(IntegrityError):
        FinalistFactory(project=finalist.project, position=9)


# --- Awards, winners, pledges, publication -----------------------------------------------------------


@pytest.fixture
def decided(edition, manager):
    """One category with finalists A and B (not C), one award."""
    category = CategoryFactory(edition=edition)
    a, b, c = project(category, "A", 9), project(category, "B", 5), project(category, "C", 1)
    rule(edition, manager)
    services.confirm_finalists(actor=manager, edition=edition, category=category, projects=[a, b])
    award = services.create_award(
        actor=manager, edition=edition, title="Main prize", category=category, prize_amount="1500"
    )
    return {"category": category, "a": a, "b": b, "c": c, "award": award}


def test_winner_must_be_a_finalist(decided, manager):
    with pytest.raises(DomainError, match="Only a finalist"):
        services.decide_winner(actor=manager, award=decided["award"], project=decided["c"])
    award = services.decide_winner(actor=manager, award=decided["award"], project=decided["b"])
    assert award.project == decided["b"] and award.decided_by == manager


def test_category_award_goes_to_a_finalist_of_that_category(edition, manager, decided):
    other = CategoryFactory(edition=edition)
    x = project(other, "X", 3)
    services.confirm_finalists(
        actor=manager, edition=edition, category=other, projects=[x], reason="only one"
    )
    with pytest.raises(DomainError, match="own category"):
        services.decide_winner(actor=manager, award=decided["award"], project=x)


def test_jury_ranking_is_the_proposal(edition, manager, decided):
    jury = services.start_jury(actor=manager, edition=edition, rubric=rubric_for(edition), reviews_per_item=1)
    juror = UserFactory()
    reviewer = review_services.add_reviewer(actor=manager, round=jury.round, user=juror)
    criterion = jury.round.rubric.criteria.get()
    for item in jury.round.items.all():
        assignment = review_services.assign(actor=manager, round=jury.round, reviewer=reviewer, item=item)
        value = 9 if item.subject_key == selectors.subject_key(decided["b"]) else 4
        review_services.submit_review(user=juror, assignment=assignment, scores={criterion.pk: value})
    ranking = selectors.jury_ranking(decided["award"])
    assert [f.project.title for f, _r in ranking] == ["B", "A"]
    assert ranking[0][1].raw == 90


def test_publishing_needs_every_award_decided(edition, manager, decided, django_capture_on_commit_callbacks):
    services.create_award(actor=manager, edition=edition, title="Audience prize")
    with pytest.raises(DomainError, match="Audience prize"):
        services.publish_results(actor=manager, edition=edition)
    services.decide_winner(actor=manager, award=decided["award"], project=decided["a"])
    services.decide_winner(
        actor=manager, award=Award.objects.get(title="Audience prize"), project=decided["b"]
    )
    winner = UserFactory()
    winner.person.preferred_language = "en"  # e-mails go out in each member's language
    winner.person.save()
    decided["a"].submitted_by = winner
    decided["a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_results(actor=manager, edition=edition)
    assert selectors.is_published(edition)
    assert any("You won" in m.subject for m in mail.outbox)
    with pytest.raises(DomainError, match="published"):
        services.publish_results(actor=manager, edition=edition)
    with pytest.raises(DomainError, match="published"):
        services.decide_winner(actor=manager, award=decided["award"], project=decided["b"])
    with pytest.raises(DomainError, match="published"):
        services.create_award(actor=manager, edition=edition, title="Late")


def test_publishing_needs_finalists_and_awards(edition, manager):
    with pytest.raises(DomainError, match="finalists"):
        services.publish_results(actor=manager, edition=edition)


def test_award_amounts_are_not_negative(edition, manager):
    with pytest.raises(DomainError):
        services.create_award(actor=manager, edition=edition, title="X", prize_amount="-5")
    with pytest.raises(IntegrityError):
        AwardFactory(edition=edition, prize_amount=-1)


def test_pledge_by_a_manager_of_the_sponsor_then_accepted(edition, manager):
    sponsor = OrganisationFactory()
    category = CategoryFactory(edition=edition)
    boss = member(sponsor)
    pledge = services.declare_pledge(
        actor=boss,
        edition=edition,
        sponsor=sponsor,
        category=category,
        title="realt.by prize",
        amount="2000",
        currency="byn",
    )
    assert pledge.status == "declared" and pledge.currency == "BYN"
    with pytest.raises(DomainError):
        services.accept_pledge(actor=boss, pledge=pledge)  # the sponsor cannot accept its own pledge
    award = services.accept_pledge(actor=manager, pledge=pledge)
    assert (award.sponsor, award.pledge, award.prize_amount, award.category) == (
        sponsor,
        pledge,
        Decimal("2000.00"),
        category,
    )
    pledge.refresh_from_db()
    assert pledge.status == "accepted" and pledge.decided_by == manager
    with pytest.raises(DomainError, match="already been decided"):
        services.decline_pledge(actor=manager, pledge=pledge)


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EXPERT])
def test_pledge_refused_to_non_managers_of_the_sponsor(edition, role):
    sponsor = OrganisationFactory()
    actor = member(sponsor, role) if role else UserFactory()
    with pytest.raises(DomainError, match="sponsor organisation"):
        services.declare_pledge(actor=actor, edition=edition, sponsor=sponsor, title="Prize", amount=10)


def test_decline_pledge_keeps_the_reason(edition, manager):
    sponsor = OrganisationFactory()
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, title="P", amount=1
    )
    services.decline_pledge(actor=manager, pledge=pledge, reason="Out of scope")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DECLINED and pledge.decision_note == "Out of scope"
    assert not Award.objects.exists()


def test_finalist_model_invariants(edition):
    category = CategoryFactory(edition=edition)
    FinalistFactory(project=ProjectFactory(category=category), position=1)
    with pytest.raises(IntegrityError):
        FinalistFactory(project=ProjectFactory(category=category), position=1)


# --- Titles in three languages --------------------------------------------------------------------------

WINNER = {
    "title_be": "Пераможца намінацыі",
    "title_ru": "Победитель номинации",
    "title_en": "Category winner",
}
LIVING = {
    "title_be": "Прыз «Жыць разам»",
    "title_ru": "Приз «Жить вместе»",
    "title_en": "Living together prize",
}


def _titles(model, pk):
    shown = {}
    for lang in ("be", "ru", "en"):
        with translation.override(lang):
            shown[f"title_{lang}"] = model.objects.get(pk=pk).title
    return shown


def test_award_and_pledge_titles_in_three_languages(edition, manager):
    sponsor = OrganisationFactory()
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, amount=10, **LIVING
    )
    award = services.accept_pledge(actor=manager, pledge=pledge)
    winner = services.create_award(actor=manager, edition=edition, **WINNER)
    assert _titles(Pledge, pledge.pk) == LIVING
    assert _titles(Award, award.pk) == LIVING  # the accepted pledge's award keeps its translations
    assert _titles(Award, winner.pk) == WINNER


def test_a_title_in_one_language_falls_back_in_the_others(edition, manager):
    award = services.create_award(actor=manager, edition=edition, title_ru="Приз зрительских симпатий")
    assert set(_titles(Award, award.pk).values()) == {"Приз зрительских симпатий"}
    with pytest.raises(DomainError, match="Give the award a title") as refused:
        services.create_award(actor=manager, edition=edition, title_be=" ", title_en="")
    assert refused.value.field == "title_be"
    sponsor = OrganisationFactory()
    with pytest.raises(DomainError, match="Give the prize a title"):
        services.declare_pledge(
            actor=member(sponsor), edition=edition, sponsor=sponsor, amount=1, title_en=""
        )


def test_a_plain_title_is_the_text_in_the_current_language(edition, manager):
    with translation.override("ru"):
        award = services.create_award(actor=manager, edition=edition, title="Главный приз")
    award.refresh_from_db()
    assert (award.title_ru, award.title_be, award.title_en) == ("Главный приз", "", "")
