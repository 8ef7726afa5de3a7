"""Demo expert review, finalists, jury final, winners and a sponsor's prize for the 4th and 6th Social
Weekend editions (made by ``demo.contests``), with their results published.

Call ``load(admin_user=..., orgs=...)`` after ``demo.contests.load`` (inside the same transaction).
Idempotent: an edition that already has an expert review is left as it is.
"""

import datetime as dt
import random
import zoneinfo

from allauth.account.models import EmailAddress
from django.db import transaction

from hramada.awards import selectors, services
from hramada.awards.models import ReviewStage
from hramada.contests.models import Edition
from hramada.people.models import Person, User
from hramada.reviews import services as review_services
from hramada.reviews.models import Assignment, Rubric

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")

EXPERT_RUBRIC = [
    {
        "title": "Social impact",
        "description": "How much the project changes for people.",
        "weight": 3,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "title": "Feasibility",
        "description": "Budget, plan and resources are realistic.",
        "weight": 2,
        "scale_min": 0,
        "scale_max": 10,
    },
    {"title": "Team", "description": "The team can do it.", "weight": 1, "scale_min": 1, "scale_max": 5},
]
JURY_RUBRIC = [
    {
        "title": "Pitch",
        "description": "Clear problem, solution and ask.",
        "weight": 1,
        "scale_min": 1,
        "scale_max": 10,
    },
    {
        "title": "Potential",
        "description": "Growth and sustainability after the contest.",
        "weight": 2,
        "scale_min": 1,
        "scale_max": 10,
    },
]
EDITIONS = {
    # year: (rule, finalists per category, prize per category, sponsor prize (category, title, amount))
    2014: (
        "historical",
        4,
        1000,
        ("We build the world around us", "realt.by prize for a better neighbourhood", 800),
    ),
    2015: ("formula", 4, 1500, ("City and community", "realt.by prize: living together", 1200)),
}


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


def _people(prefix: str, names: list[str]) -> list[User]:
    users = []
    for i, name in enumerate(names, start=1):
        email = f"{prefix}{i}@demo.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            Person.objects.create(user=user, display_name=name, email=email, source=Person.Source.SELF)
        users.append(user)
    return users


def _rubric(actor, organisation, title, criteria):
    rubric = Rubric.objects.filter(organisation=organisation, title=title).first()
    return rubric or review_services.create_rubric(
        actor=actor, organisation=organisation, title=title, criteria=criteria
    )


def _score_round(actor, round_, reviewers, rng, bias):
    """Add the reviewers, assign automatically, and have each score their items (strict and lenient
    reviewers on purpose: the normalised score corrects for them)."""
    for user in reviewers:
        review_services.add_reviewer(actor=actor, round=round_, user=user)
    plan = review_services.plan_assignment(round=round_)
    review_services.apply_assignment(actor=actor, round=round_, plan=plan)
    criteria = list(round_.rubric.criteria.all())
    quality = {item.pk: rng.random() for item in round_.items.all()}
    for assignment in Assignment.objects.filter(round=round_).select_related("reviewer__user", "item"):
        shift = bias.get(assignment.reviewer.user.email, 0.0)
        scores = {}
        for c in criteria:
            level = min(1.0, max(0.0, quality[assignment.item_id] + shift + rng.uniform(-0.15, 0.15)))
            scores[c.pk] = c.scale_min + round(level * (c.scale_max - c.scale_min))
        review_services.submit_review(user=assignment.reviewer.user, assignment=assignment, scores=scores)


def _close(actor, round_, opens_at, closes_at):
    review_services.update_round(
        actor=actor,
        round=round_,
        title=round_.title,
        reviews_per_item=round_.reviews_per_item,
        normalise=round_.normalise,
        opens_at=opens_at,
        closes_at=closes_at,
        instructions=round_.instructions,
    )


def _edition(*, actor, edition, orgs, experts, jurors, rng):
    method, per_category, prize, (sponsor_category, sponsor_title, sponsor_amount) = EDITIONS[edition.year]
    stages = {s.kind: s for s in edition.stages.all()}
    organisation = edition.contest.organisation
    expert_rubric = _rubric(actor, organisation, "Social Weekend expert review", EXPERT_RUBRIC)
    jury_rubric = _rubric(actor, organisation, "Social Weekend final pitch", JURY_RUBRIC)
    expert = services.start_expert_review(
        actor=actor, edition=edition, rubric=expert_rubric, reviews_per_item=3, normalise=True
    )
    bias = {experts[0].email: -0.2, experts[1].email: 0.15}  # one strict, one lenient expert
    _score_round(actor, expert.round, experts, rng, bias)
    _close(actor, expert.round, stages["expert_review"].starts_at, stages["expert_review"].ends_at)

    services.set_finalist_rule(
        actor=actor, edition=edition, method=method, finalists_per_category=per_category, tie_break="votes"
    )
    decided_at = stages["expert_review"].ends_at
    for item in services.propose_finalists(edition):
        services.confirm_finalists(
            actor=actor,
            edition=edition,
            category=item.category,
            projects=[row.project for row in item.selected],
            now=decided_at,
        )
    jury = services.start_jury(actor=actor, edition=edition, rubric=jury_rubric, reviews_per_item=len(jurors))
    _score_round(actor, jury.round, jurors, rng, {})
    _close(actor, jury.round, stages["final"].starts_at, stages["final"].ends_at)

    final = stages["final"].ends_at
    for category in edition.categories.all():
        award = services.create_award(
            actor=actor,
            edition=edition,
            title=f"Winner: {category.title}",
            category=category,
            prize_amount=prize,
            currency="BYN",
        )
        winner = selectors.jury_ranking(award)[0][0].project
        services.decide_winner(actor=actor, award=award, project=winner, now=final)
    sponsor = orgs.get("realtby")
    if sponsor is not None:
        category = edition.categories.filter(title_en=sponsor_category).first()
        pledge = services.declare_pledge(
            actor=actor,
            edition=edition,
            sponsor=sponsor,
            category=category,
            title=sponsor_title,
            amount=sponsor_amount,
            currency="BYN",
            note="Funds the winner the jury ranks highest in this category.",
        )
        award = services.accept_pledge(actor=actor, pledge=pledge, now=stages["expert_review"].starts_at)
        ranking = selectors.jury_ranking(award)
        # The sponsor's prize goes to the jury's second choice when the first already won the category.
        pick = ranking[1][0].project if len(ranking) > 1 else ranking[0][0].project
        services.decide_winner(actor=actor, award=award, project=pick, now=final)
    services.publish_results(actor=actor, edition=edition, now=stages["results"].starts_at)


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    experts = _people(
        "expert", ["Alena Kavalchuk", "Pavel Drozd", "Iryna Lis", "Mikhail Sauchuk", "Tatsiana Bely"]
    )
    jurors = _people("juror", ["Aliaksandr Kot", "Volha Mazur", "Siarhei Holub"])
    rng = random.Random(2016)
    for year in sorted(EDITIONS):
        edition = (
            Edition.objects.filter(contest__slug="social-weekend", year=year)
            .select_related("contest")
            .first()
        )
        if edition is None or ReviewStage.objects.filter(edition=edition).exists():
            continue
        _edition(actor=admin_user, edition=edition, orgs=orgs, experts=experts, jurors=jurors, rng=rng)
