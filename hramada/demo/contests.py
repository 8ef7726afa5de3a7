"""Demo contests: the 4th and 6th Social Weekend (finished, with public votes) and a 7th open for voting."""

import datetime as dt
import random
import zoneinfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from hramada.contests import services as contest_services
from hramada.contests.models import Contest, Edition, Stage
from hramada.people.models import Person, User
from hramada.places.models import Settlement
from hramada.voting import services as voting_services

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
K = Stage.Kind

FOURTH = {
    "We build the world around us": [
        "Bashni — willpower and strength of mind",
        "A playground built by the whole street",
        "Clean river banks of Pinsk",
        "Bicycle paths to the village school",
    ],
    "Social entrepreneurship": [
        "A bakery that employs people with disabilities",
        "Second-hand shop for the children's shelter",
        "Village crafts online",
        "Rural guest houses network",
    ],
    "Education and culture": [
        "Grandparents teach crafts",
        "A library in every bus stop",
        "Local history walks for teenagers",
        "Theatre of the deaf",
    ],
    "Health and care": [
        "Volunteer drivers for elderly patients",
        "First aid for every village teacher",
        "Sport for children from small towns",
        "Support group for young mothers",
    ],
}
SIXTH = {
    "Help and care": [
        "Crisis psychology courses for transplant surgeons",
        "An online course for teachers and parents of children with autism",
        "Hospice volunteers school",
        "Home visits to lonely elderly people",
    ],
    "City and community": [
        "A free creative space: a terrace in the heart of Minsk",
        "Find a good flat-mate: a flat-sharing service",
        "Neighbours' tool library",
        "Courtyard cinema evenings",
    ],
    "Education": [
        "Coding club for girls in district towns",
        "Financial literacy for pensioners",
        "Belarusian language café",
        "Young journalists of the region",
    ],
}
SEVENTH = {
    "Local communities": [
        "Hodosy village brand and festival",
        "A community garden in Mstislavl",
        "Wheelchair-friendly centre of Polotsk",
    ],
    "Social innovation": [
        "A map of accessible places for Gomel",
        "Repair café for household appliances",
        "Mentoring for young women entrepreneurs",
    ],
}


def _place_of(title: str, places, rng):
    """The settlement a project's title names ("A community garden in Mstislavl"), else one at random."""
    named = [p for p in places if p.name_en and p.name_en in title]
    return named[0] if named else rng.choice(places)


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MINSK)


def _voters(n: int) -> list[User]:
    users = []
    for i in range(n):
        email = f"voter{i:03}@demo.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            Person.objects.create(
                user=user, display_name=f"Voter {i:03}", email=email, source=Person.Source.SELF
            )
        users.append(user)
    return users


def _edition(*, actor, contest, year, title, stages, projects, submitter, voters, rng, votes_per_category=1):
    edition = Edition.objects.filter(contest=contest, year=year).first()
    if edition is not None:
        return edition
    edition = contest_services.create_edition(actor=actor, contest=contest, year=year, title_en=title)
    for kind, (start, end) in stages.items():
        contest_services.create_stage(actor=actor, edition=edition, kind=kind, starts_at=start, ends_at=end)
    call_time = stages[K.CALL][0] + dt.timedelta(days=1)
    vote_stage = edition.stages.get(kind=K.PUBLIC_VOTE)
    voting_services.update_rules(
        actor=actor, stage=vote_stage, votes_per_category=votes_per_category, now=stages[K.CALL][0]
    )
    all_projects = []
    places = list(Settlement.objects.order_by("name_en", "id"))
    for category_title, titles in projects.items():
        category = contest_services.create_category(actor=actor, edition=edition, title_en=category_title)
        for title in titles:
            project = contest_services.create_draft(
                user=submitter, category=category, title=title, summary=f"{title}.", now=call_time
            )
            project = contest_services.update_draft(
                user=submitter, project=project, settlement=_place_of(title, places, rng), now=call_time
            )
            project = contest_services.submit_project(user=submitter, project=project, now=call_time)
            project = contest_services.screen_project(actor=actor, project=project, eligible=True)
            all_projects.append(project)
    vote_start, vote_end = stages[K.PUBLIC_VOTE]
    now = timezone.now()
    if vote_start < now:
        vote_time = min(vote_start + dt.timedelta(hours=2), now)
        for user in voters:
            by_category = {}
            for project in all_projects:
                by_category.setdefault(project.category_id, []).append(project)
            for options in by_category.values():
                # Popularity differs, as in a real vote: earlier projects in a category get more votes.
                weights = [len(options) - i for i in range(len(options))]
                choice = rng.choices(options, weights=weights)[0]
                voting_services.cast_vote(user=user, project=choice, now=vote_time)
    return edition


@transaction.atomic
def load(*, admin_user, orgs: dict) -> None:
    if Contest.objects.filter(slug="social-weekend").exists():
        return
    rng = random.Random(2015)
    contest = contest_services.create_contest(
        actor=admin_user,
        organisation=orgs["social-weekend"],
        title_en="Social Weekend",
        title_be="Social Weekend — конкурс сацыяльных праектаў",
        title_ru="Social Weekend — конкурс социальных проектов",
    )
    submitter = User.objects.get(email="citizen@hramada.local")
    voters = _voters(60)
    _edition(
        actor=admin_user,
        contest=contest,
        year=2014,
        title="4th Social Weekend, 2014",
        projects=FOURTH,
        submitter=submitter,
        voters=voters[:40],
        rng=rng,
        stages={
            K.CALL: (at(2013, 12, 1), at(2014, 1, 31)),
            K.SCREENING: (at(2014, 2, 1), at(2014, 2, 10)),
            K.PUBLIC_VOTE: (at(2014, 2, 11), at(2014, 2, 28)),
            K.EXPERT_REVIEW: (at(2014, 3, 1), at(2014, 3, 15)),
            K.FINAL: (at(2014, 3, 21, 10), at(2014, 3, 21, 20)),
            K.RESULTS: (at(2014, 3, 22), at(2014, 12, 31)),
        },
    )
    _edition(
        actor=admin_user,
        contest=contest,
        year=2015,
        title="6th Social Weekend, 2015",
        projects=SIXTH,
        submitter=submitter,
        voters=voters,
        rng=rng,
        votes_per_category=2,
        stages={
            K.CALL: (at(2015, 8, 1), at(2015, 9, 30)),
            K.SCREENING: (at(2015, 10, 1), at(2015, 10, 10)),
            K.PUBLIC_VOTE: (at(2015, 10, 11), at(2015, 10, 31)),
            K.EXPERT_REVIEW: (at(2015, 11, 1), at(2015, 11, 15)),
            K.FINAL: (at(2015, 11, 21, 10), at(2015, 11, 21, 20)),
            K.RESULTS: (at(2015, 11, 22), at(2016, 11, 21)),
        },
    )
    # The next edition: the public vote is open now, so a visitor can try it (log in as the citizen).
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    _edition(
        actor=admin_user,
        contest=contest,
        year=today.year,
        title=f"7th Social Weekend, {today.year}",
        projects=SEVENTH,
        submitter=submitter,
        voters=voters[:25],
        rng=rng,
        stages={
            K.CALL: (today - dt.timedelta(days=60), today - dt.timedelta(days=20)),
            K.SCREENING: (today - dt.timedelta(days=19), today - dt.timedelta(days=8)),
            K.PUBLIC_VOTE: (today - dt.timedelta(days=7), today + dt.timedelta(days=60)),
            K.EXPERT_REVIEW: (today + dt.timedelta(days=61), today + dt.timedelta(days=75)),
            K.FINAL: (today + dt.timedelta(days=80), today + dt.timedelta(days=80, hours=8)),
            K.RESULTS: (today + dt.timedelta(days=81), today + dt.timedelta(days=365)),
        },
    )
