"""Demo expert review, finalists, jury final, winners and a sponsor's prize for the 4th and 6th Social
Weekend editions (made by ``demo.contests``), with their results published; and the 7th edition's expert
review, open, with projects for the demo expert to score.

Call ``load(admin_user=..., orgs=...)`` after ``demo.contests.load`` (inside the same transaction).
Idempotent: an edition that already has an expert review is left as it is.
"""

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from hramada.awards import selectors, services
from hramada.awards.models import ReviewStage
from hramada.contests.models import Edition
from hramada.demo import contests
from hramada.people.models import Person, User
from hramada.reviews import services as review_services
from hramada.reviews.models import Assignment, Rubric

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")

# The rubrics, award and prize titles are single-language fields: the team wrote them in Russian.
EXPERT_RUBRIC = [
    {
        "title": "Социальный эффект",
        "description": "Насколько проект меняет жизнь людей.",
        "weight": 3,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "title": "Реализуемость",
        "description": "Бюджет, план и ресурсы реалистичны.",
        "weight": 2,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "title": "Команда",
        "description": "Команда способна это сделать.",
        "weight": 1,
        "scale_min": 1,
        "scale_max": 5,
    },
]
JURY_RUBRIC = [
    {
        "title": "Презентация",
        "description": "Понятны проблема, решение и запрос.",
        "weight": 1,
        "scale_min": 1,
        "scale_max": 10,
    },
    {
        "title": "Потенциал",
        "description": "Рост и устойчивость после конкурса.",
        "weight": 2,
        "scale_min": 1,
        "scale_max": 10,
    },
]
WINNER_TITLES = {
    "title_be": "Пераможца намінацыі",
    "title_ru": "Победитель номинации",
    "title_en": "Category winner",
}


@dataclass(frozen=True)
class Sponsor:
    category: str  # the category's title_en
    titles: dict  # title_be, title_ru, title_en
    amount: int
    note: str
    project: str | None = None  # the sponsor's pick among the category's finalists; None: the jury's first


@dataclass(frozen=True)
class Plan:
    rule: str
    finalists_per_category: int
    prize: int
    winners: dict  # {category title_en: project title} the jury ranks first, as the news feed tells
    sponsor: Sponsor


EDITIONS = {
    2014: Plan(
        "historical",
        4,
        1000,
        {"We build the world around us": contests.BASHNI},
        Sponsor(
            "We build the world around us",
            {
                "title_be": "Прыз «Лепшае суседства»",
                "title_ru": "Приз «Лучшее соседство»",
                "title_en": "Best Neighbourhood Prize",
            },
            800,
            "Финансирует реализацию проекта, который жюри поставит первым в номинации.",
        ),
    ),
    2015: Plan(
        "formula",
        4,
        1500,
        {
            "Help and care": contests.CRISIS_PSYCHOLOGY,
            "City and community": contests.TERRACE,
            "Education": contests.AUTISM_COURSE,
        },
        Sponsor(
            "City and community",
            {
                "title_be": "Прыз «Жыць разам»",
                "title_ru": "Приз «Жить вместе»",
                "title_en": "Living Together Prize",
            },
            1200,
            "Для проекта, который помогает людям жить вместе: выбор спонсора среди финалистов номинации.",
            contests.FLATMATE,
        ),
    ),
}


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


def demo_users(prefix: str, names: list[str]) -> list[User]:
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


def rubric_for(actor, organisation, title, criteria):
    rubric = Rubric.objects.filter(organisation=organisation, title=title).first()
    return rubric or review_services.create_rubric(
        actor=actor, organisation=organisation, title=title, criteria=criteria
    )


def score_round(actor, round_, reviewers, rng, bias, favourites=frozenset()):
    """Add the reviewers, assign automatically, and have each score their items (strict and lenient
    reviewers on purpose: the normalised score corrects for them). Items titled as one of
    ``favourites`` get the top marks, the others less."""
    for user in reviewers:
        review_services.add_reviewer(actor=actor, round=round_, user=user)
    plan = review_services.plan_assignment(round=round_)
    review_services.apply_assignment(actor=actor, round=round_, plan=plan)
    criteria = list(round_.rubric.criteria.all())
    quality = {
        item.pk: 1.2 if item.title in favourites else rng.random() * (0.8 if favourites else 1.0)
        for item in round_.items.all()
    }
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
    plan = EDITIONS[edition.year]
    stages = {s.kind: s for s in edition.stages.all()}
    organisation = edition.contest.organisation
    expert_rubric = rubric_for(actor, organisation, "Social Weekend: экспертная оценка", EXPERT_RUBRIC)
    jury_rubric = rubric_for(actor, organisation, "Social Weekend: финальная защита", JURY_RUBRIC)
    expert = services.start_expert_review(
        actor=actor, edition=edition, rubric=expert_rubric, reviews_per_item=3, normalise=True
    )
    bias = {experts[0].email: -0.2, experts[1].email: 0.15}  # one strict, one lenient expert
    score_round(actor, expert.round, experts, rng, bias)
    _close(actor, expert.round, stages["expert_review"].starts_at, stages["expert_review"].ends_at)

    services.set_finalist_rule(
        actor=actor,
        edition=edition,
        method=plan.rule,
        finalists_per_category=plan.finalists_per_category,
        tie_break="votes",
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
    score_round(actor, jury.round, jurors, rng, {}, favourites=frozenset(plan.winners.values()))
    _close(actor, jury.round, stages["final"].starts_at, stages["final"].ends_at)

    final = stages["final"].ends_at
    for category in edition.categories.all():
        award = services.create_award(
            actor=actor,
            edition=edition,
            **WINNER_TITLES,
            category=category,
            prize_amount=plan.prize,
            currency="BYN",
        )
        winner = selectors.jury_ranking(award)[0][0].project
        services.decide_winner(actor=actor, award=award, project=winner, now=final)
    sponsor = orgs.get("realtby")
    if sponsor is not None:
        category = edition.categories.get(title_en=plan.sponsor.category)
        pledge = services.declare_pledge(
            actor=actor,
            edition=edition,
            sponsor=sponsor,
            category=category,
            **plan.sponsor.titles,
            amount=plan.sponsor.amount,
            currency="BYN",
            note=plan.sponsor.note,
        )
        award = services.accept_pledge(actor=actor, pledge=pledge, now=stages["expert_review"].starts_at)
        ranking = [finalist.project for finalist, _result in selectors.jury_ranking(award)]
        chosen = [p for p in ranking if p.title == plan.sponsor.project]
        services.decide_winner(actor=actor, award=award, project=(chosen or ranking)[0], now=final)
    services.publish_results(actor=actor, edition=edition, now=stages["results"].starts_at)


# The demo expert's open work: the expert review of the current (7th) edition started early, and three of
# its projects assigned to expert@hramada.local, not yet scored.
DEMO_EXPERT = "expert@hramada.local"
DEMO_EXPERT_ITEMS = 3


def _open_review(actor, edition) -> None:
    """Start the expert review of the edition whose vote is open, closing when its expert stage ends,
    and give the demo expert a few projects to score. Idempotent: once the review exists, nothing."""
    expert_user = User.objects.filter(email=DEMO_EXPERT).first()
    if expert_user is None or ReviewStage.objects.filter(edition=edition).exists():
        return
    stage = edition.stages.filter(kind="expert_review").first()
    rubric = rubric_for(
        actor, edition.contest.organisation, "Social Weekend: экспертная оценка", EXPERT_RUBRIC
    )
    review = services.start_expert_review(
        actor=actor,
        edition=edition,
        rubric=rubric,
        reviews_per_item=1,
        normalise=False,
        closes_at=stage.ends_at if stage else None,
    )
    reviewer = review_services.add_reviewer(actor=actor, round=review.round, user=expert_user)
    for item in review.round.items.order_by("title")[:DEMO_EXPERT_ITEMS]:
        review_services.assign(actor=actor, round=review.round, reviewer=reviewer, item=item)


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    experts = demo_users(
        "expert", ["Alena Kavalchuk", "Pavel Drozd", "Iryna Lis", "Mikhail Sauchuk", "Tatsiana Bely"]
    )
    jurors = demo_users("juror", ["Aliaksandr Kot", "Volha Mazur", "Siarhei Holub"])
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
    current = (
        Edition.objects.filter(contest__slug="social-weekend")
        .exclude(year__in=EDITIONS)
        .order_by("-year")
        .first()
    )
    if current is not None:
        _open_review(admin_user, current)
