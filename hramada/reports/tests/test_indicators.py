"""Each indicator against hand-built data: the unique-person rule across activities, periods, scopes,
consent, the "<5" suppression and its complementary hiding, and query counts that do not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hramada.awards.tests.factories import AwardFactory, FinalistFactory
from hramada.contests.models import Project, ProjectMember
from hramada.contests.tests.factories import ProjectFactory, StageFactory
from hramada.events.tests.factories import EventFactory
from hramada.initiatives.tests.factories import InitiativeFactory, RoleFactory, ShiftFactory
from hramada.local_issues.models import Issue
from hramada.local_issues.tests.factories import IssueFactory
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places.tests.factories import CommunityFactory, CountryFactory, RegionFactory, SettlementFactory
from hramada.programmes.models import Participant
from hramada.programmes.tests.factories import CohortFactory, CohortSessionFactory, ParticipantFactory
from hramada.reports.indicators import HIDDEN, SMALL, Period, Scope, report
from hramada.voting import services as voting
from hramada.voting.models import Vote
from hramada.voting.tests.factories import VotingRulesFactory

from .factories import (
    MAN,
    OTHER,
    WITH,
    WITHOUT,
    WOMAN,
    DonorProjectFactory,
    attended,
    consented,
    moment,
    registered_only,
    team_member,
    volunteered,
)

pytestmark = pytest.mark.django_db
Y2020 = Period.year(2020)


def issue(created_at=None, **kwargs):
    """A public issue raised at ``created_at`` (mid-2020 by default; the column is set on insert)."""
    made = IssueFactory(**kwargs)
    Issue.objects.filter(pk=made.pk).update(created_at=created_at or moment(2020))
    return made


def values(rep, key) -> dict:
    """{first cell: second cell} of a table."""
    return {row[0]: row[1] for row in rep.table(key).rows}


def summary(rep) -> dict:
    return values(rep, "summary")


@pytest.fixture
def places():
    by = CountryFactory(code="BY", name="Belarus", name_en="Belarus")
    am = CountryFactory(code="AM", name="Armenia", name_en="Armenia")
    mogilev = RegionFactory(country=by, code="BY-MA", name="Mogilev Region", name_en="Mogilev Region")
    brest = RegionFactory(country=by, code="BY-BR", name="Brest Region", name_en="Brest Region")
    shirak = RegionFactory(country=am, code="AM-SH", name="Shirak", name_en="Shirak")
    return {
        "by": by,
        "am": am,
        "mogilev": mogilev,
        "brest": brest,
        "shirak": shirak,
        "mstislavl": SettlementFactory(region=mogilev),
        "pinsk": SettlementFactory(region=brest),
        "artik": SettlementFactory(region=shirak),
    }


def test_people_in_every_kind_of_activity_are_reached_once(places):
    """Five residents each attend an event, take part in a programme, volunteer, are on a contest team
    and raise an issue: five people, twenty-five participations."""
    event = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["mstislavl"])
    cohort = CohortFactory(starts_on=dt.date(2020, 2, 1), ends_on=dt.date(2020, 9, 1))
    shift = ShiftFactory(starts_at=moment(2020, 7), ends_at=moment(2020, 7, 16), capacity=10)
    for i in range(5):
        user = UserFactory()
        person = user.person
        person.home_settlement = places["mstislavl"]
        person.save()
        attended(person, event)
        ParticipantFactory(person=person, cohort=cohort)
        volunteered(person, shift)
        role = ProjectMember.Role.LEAD if i % 2 else ProjectMember.Role.MEMBER
        team_member(ProjectFactory(submitted_at=moment(2020, 3)), user, role=role, accepted=role != "lead")
        issue(reporter=person, settlement=places["mstislavl"])
    rep = report(Scope(), Y2020)
    s = summary(rep)
    assert s["Unique people reached"] == 5
    assert s["Participations"] == 25
    kinds = {row[0]: (row[1], row[2]) for row in rep.table("by_activity").rows}
    assert kinds == {
        "event attendance": (5, 5),
        "programme participation": (5, 5),
        "volunteering": (5, 5),
        "contest team": (5, 5),
        "local issue raised": (5, 5),
    }


def test_unique_people_and_participations_are_counted_apart(places):
    """Six people at two events, three of them at both: 6 people, 9 participations; a registration
    without a check-in, a cancelled shift and an unaccepted co-author count for nothing."""
    people = [PersonFactory(home_settlement=places["mstislavl"]) for _ in range(6)]
    first = attended(people[0], settlement=places["mstislavl"])
    second = attended(people[3], settlement=places["pinsk"])
    for p in people[1:3]:
        attended(p, first)
    for p in people[4:6]:
        attended(p, second)
    for p in people[:3]:
        attended(p, second)
    registered_only(PersonFactory(), first)
    volunteered(
        PersonFactory(), ShiftFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16)), cancelled=True
    )
    outsider = UserFactory()
    team_member(ProjectFactory(submitted_at=moment(2020)), outsider, accepted=False)
    s = summary(report(Scope(), Y2020))
    assert s["Unique people reached"] == 6
    assert s["Participations"] == 9
    assert s["Settlements"] == 2


def test_the_period_selects_by_the_activity_date(places):
    people = [PersonFactory() for _ in range(5)]
    for p in people:
        attended(p, EventFactory(starts_at=moment(2019), ends_at=moment(2019, 6, 16)))
    assert summary(report(Scope(), Y2020))["Unique people reached"] == 0
    assert summary(report(Scope(), Period.year(2019)))["Unique people reached"] == 5
    assert summary(report(Scope(), Period(dt.date(2019, 6, 15), dt.date(2019, 6, 15))))["Participations"] == 5
    assert summary(report(Scope(), Period(dt.date(2019, 6, 16), None)))["Participations"] == 0


def test_place_of_a_participation_is_the_activitys_else_the_home(places):
    """Five from Mogilev region attend an event in Brest region: reached in Brest. Five more attend
    an event without a place: reached at home. By country each is counted once in Belarus."""
    event_in_pinsk = EventFactory(
        starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["pinsk"]
    )
    nowhere = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=None)
    for _ in range(5):
        attended(PersonFactory(home_settlement=places["mstislavl"]), event_in_pinsk)
        attended(PersonFactory(home_settlement=places["mstislavl"]), nowhere)
    rep = report(Scope(), Y2020)
    regions = values(rep, "by_region")
    assert regions == {"Brest Region (BY)": 5, "Mogilev Region (BY)": 5}
    assert values(rep, "by_country") == {"Belarus": 10}
    assert summary(report(Scope("region", places["brest"]), Y2020))["Unique people reached"] == 5
    assert summary(report(Scope("country", places["am"]), Y2020))["Unique people reached"] == 0


def test_a_person_reached_in_two_countries_counts_in_each_row_and_once_in_the_total(places):
    people = [PersonFactory() for _ in range(5)]
    minsk_event = EventFactory(
        starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["mstislavl"]
    )
    artik_event = EventFactory(
        starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["artik"]
    )
    for p in people:
        attended(p, minsk_event)
        attended(p, artik_event)
    rep = report(Scope(), Y2020)
    assert values(rep, "by_country") == {"Armenia": 5, "Belarus": 5}
    assert summary(rep)["Unique people reached"] == 5


def test_community_scope_and_distinct_communities(places):
    bashni, hodosy = (
        CommunityFactory(settlement=places["mstislavl"]),
        CommunityFactory(settlement=places["mstislavl"]),
    )
    for _ in range(5):
        attended(
            PersonFactory(home_community=bashni),
            EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16)),
        )
    for _ in range(6):
        issue(community=hodosy)
    assert summary(report(Scope(), Y2020))["Communities"] == 2
    assert summary(report(Scope("community", bashni), Y2020))["Unique people reached"] == 5
    assert summary(report(Scope("community", hodosy), Y2020))["Unique people reached"] == 6


def test_gender_and_disability_count_only_what_was_given_with_consent(places):
    """Six women, five men, five who gave nothing; disability answered by ten."""
    event = attended(consented(PersonFactory(), WOMAN, WITH))
    for _ in range(5):
        attended(consented(PersonFactory(), WOMAN, WITH if _ < 4 else WITHOUT), event)
        attended(consented(PersonFactory(), MAN, WITHOUT), event)
        attended(PersonFactory(), event)
    rep = report(Scope(), Y2020)
    assert values(rep, "by_gender") == {"woman": 6, "man": 5, "another gender": 0, "not given": 5}
    assert values(rep, "by_disability") == {
        "a person with a disability": 5,
        "no disability": 6,
        "not given": 5,
    }
    s = summary(rep)
    assert s["Share of women (of those who gave a gender)"] == "55%"  # 6 of 11
    assert s["Share of people with a disability (of those who answered)"] == "45%"  # 5 of 11


def test_withdrawn_consent_makes_a_person_not_given(places):
    people = [consented(PersonFactory(), WOMAN) for _ in range(5)]
    event = attended(people[0])
    for p in people[1:]:
        attended(p, event)
    people[0].gender, people[0].gender_consent_at = "", None  # as people.services.withdraw_consent leaves it
    people[0].save()
    rep = report(Scope(), Y2020)
    assert values(rep, "by_gender")["woman"] == SMALL
    assert values(rep, "by_gender")["not given"] == SMALL


def test_a_lone_small_group_hides_the_next_smallest_too(places):
    """Seven women and three men, everyone gave a gender: men "<5" and, so that 10 - 7 cannot give
    them away, women hidden; the share of women is not shown."""
    event = attended(consented(PersonFactory(), WOMAN))
    for _ in range(6):
        attended(consented(PersonFactory(), WOMAN), event)
    for _ in range(3):
        attended(consented(PersonFactory(), MAN), event)
    rep = report(Scope(), Y2020)
    assert values(rep, "by_gender") == {"woman": HIDDEN, "man": SMALL, "another gender": 0, "not given": 0}
    assert summary(rep)["Unique people reached"] == 10
    assert summary(rep)["Share of women (of those who gave a gender)"] == "—"


def test_two_small_groups_need_no_extra_hiding(places):
    event = attended(consented(PersonFactory(), WOMAN))
    for _ in range(6):
        attended(consented(PersonFactory(), WOMAN), event)
    attended(consented(PersonFactory(), MAN), event)
    attended(consented(PersonFactory(), OTHER), event)
    assert values(report(Scope(), Y2020), "by_gender") == {
        "woman": 7,
        "man": SMALL,
        "another gender": SMALL,
        "not given": 0,
    }


def test_small_places_are_suppressed_with_their_complement(places):
    for _ in range(6):
        attended(
            PersonFactory(),
            EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["pinsk"]),
        )
    for _ in range(2):
        attended(
            PersonFactory(),
            EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["artik"]),
        )
    countries = values(report(Scope(), Y2020), "by_country")
    assert countries == {"Armenia": SMALL, "Belarus": HIDDEN}


def test_organisation_scope_takes_only_its_activities(places):
    org, other = OrganisationFactory(), OrganisationFactory()
    mine = EventFactory(organisation=org, starts_at=moment(2020), ends_at=moment(2020, 6, 16))
    theirs = EventFactory(organisation=other, starts_at=moment(2020), ends_at=moment(2020, 6, 16))
    for _ in range(5):
        attended(PersonFactory(), mine)
        attended(PersonFactory(), theirs)
    cohort = CohortFactory(
        programme__organisation=org, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 3, 1)
    )
    for _ in range(5):
        ParticipantFactory(cohort=cohort)
    shift = ShiftFactory(
        role=RoleFactory(initiative=InitiativeFactory(organisation=org)),
        starts_at=moment(2020),
        ends_at=moment(2020, 6, 16),
    )
    for _ in range(5):
        volunteered(PersonFactory(), shift)
    issue()  # a resident's issue is no organisation's activity
    s = summary(report(Scope("organisation", org), Y2020))
    assert s["Unique people reached"] == 15
    assert summary(report(Scope(), Y2020))["Unique people reached"] == 21


def test_programme_scope_counts_participants_and_its_sessions(places):
    cohort = CohortFactory(starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 1))
    session = CohortSessionFactory(cohort=cohort)
    session.event.starts_at, session.event.ends_at = moment(2020), moment(2020, 6, 16)
    session.event.save()
    participants = [ParticipantFactory(cohort=cohort) for _ in range(5)]
    for p in participants:
        attended(p.person, session.event)
    attended(PersonFactory())  # another event: not the programme's
    s = summary(report(Scope("programme", cohort.programme), Y2020))
    assert s["Unique people reached"] == 5
    assert s["Participations"] == 10


def test_donor_project_scope_groups_its_activities(places):
    project = DonorProjectFactory()
    event = attended(PersonFactory())
    for _ in range(4):
        attended(PersonFactory(), event)
    cohort = CohortFactory(starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 3, 1))
    for _ in range(5):
        ParticipantFactory(cohort=cohort)
    attended(PersonFactory())  # not in the project
    project.events.add(event)
    project.programmes.add(cohort.programme)
    assert summary(report(Scope("donor_project", project), Y2020))["Unique people reached"] == 10


def test_contest_figures(places):
    org = OrganisationFactory()
    projects = [
        ProjectFactory(category__edition__contest__organisation=org, submitted_at=moment(2020))
        for _ in range(3)
    ]
    ProjectFactory(
        category__edition__contest__organisation=org, submitted_at=None, status=Project.Status.DRAFT
    )
    projects[2].status = Project.Status.NOT_ELIGIBLE
    projects[2].save()
    # Votes through the voting services, which keep each project's counter: seven cast on the first
    # project, one withdrawn by its voter and two annulled by a manager; two cast on the second.
    stage, _ = (VotingRulesFactory(stage=StageFactory(edition=p.edition)).stage for p in projects[:2])
    manager = UserFactory()
    Membership.objects.create(organisation=org, person=manager.person, role=Role.MANAGER)
    voters = [UserFactory() for _ in range(7)]
    cast = [voting.cast_vote(user=user, project=projects[0])[0] for user in voters]
    voting.cast_vote(user=UserFactory(), project=projects[1])
    voting.cast_vote(user=UserFactory(), project=projects[1])
    voting.withdraw_vote(user=voters[0], vote=cast[0])
    voting.annul_votes(actor=manager, stage=stage, votes=cast[1:3], reason="one household")
    FinalistFactory(project=projects[0])
    AwardFactory(
        edition=projects[0].edition,
        project=projects[0],
        prize_amount=1500,
        currency="BYN",
        decided_at=moment(2020),
    )
    AwardFactory(
        edition=projects[1].edition,
        project=projects[1],
        prize_amount=500,
        currency="EUR",
        decided_at=moment(2020),
    )
    contests = values(report(Scope("organisation", org), Y2020), "contests")
    assert contests["Submissions"] == 3
    assert contests["Eligible submissions"] == 2
    # The figure is the counters' sum and equals the counted rows: withdrawn and annulled votes are out.
    assert contests["Votes"] == 6
    counted = Vote.objects.filter(project__in=projects, withdrawn_at__isnull=True, annulled_at__isnull=True)
    assert contests["Votes"] == counted.count() < Vote.objects.count()
    assert contests["Votes"] == sum(
        Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("vote_count", flat=True)
    )
    assert contests["Finalists"] == 1
    assert contests["Awards"] == 2
    assert contests["Prize amounts, BYN"] == 1500
    assert contests["Prize amounts, EUR"] == 500


def test_programme_figures(places):
    cohort = CohortFactory(starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 1))
    for i in range(10):
        ParticipantFactory(
            cohort=cohort, status=Participant.Status.COMPLETED if i < 6 else Participant.Status.ACTIVE
        )
    table = values(report(Scope("programme", cohort.programme), Y2020), "programmes")
    assert table["Participants"] == 10
    assert table["Completed"] == 6
    assert table["Completion rate"] == "60%"
    assert table["Applicants"] == 0


def test_local_issue_figures(places):
    answered = moment(2020, 6, 20)
    for days in (2, 4, 10):
        issue(forwarded_at=moment(2020), first_answer_at=moment(2020, 6, 15 + days))
    issue(status="resolved", forwarded_at=moment(2020), first_answer_at=answered)
    issue(hidden_at=moment(2020))  # hidden: in no figure
    issue(published_at=None, status="waiting")  # not public
    table = values(report(Scope(), Y2020), "local_issues")
    assert table["Raised"] == 4
    assert table["Answered"] == 4
    assert table["Resolved"] == 1
    assert table["Median days to the first answer"] == 4.5


def _world(n):
    org = OrganisationFactory()
    for i in range(n):
        person = consented(PersonFactory(), WOMAN if i % 2 else MAN, WITH if i % 3 else WITHOUT)
        attended(person, organisation=org)
        ParticipantFactory(person=person, cohort__programme__organisation=org)
        issue(reporter=person)
        ProjectFactory(category__edition__contest__organisation=org, submitted_at=moment(2020))
    return org


@pytest.mark.parametrize("kind", ["all", "organisation", "country"])
def test_the_number_of_queries_does_not_grow_with_the_data(places, kind):
    def count(org):
        obj = {"all": None, "organisation": org, "country": places["by"]}[kind]
        with CaptureQueriesContext(connection) as ctx:
            report(Scope(kind, obj), Y2020)
        return len(ctx)

    small = count(_world(2))
    assert count(_world(12)) == small
