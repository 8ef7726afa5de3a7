"""The reach tables in every column when people take part several times, in several places and kinds:
the statement folds participations per person, kind and place before counting, and every figure must
still be the definition's (distinct people per row, all participations, distinct settlements)."""

import pytest

from hramada.events.tests.factories import EventFactory
from hramada.local_issues.models import Issue
from hramada.local_issues.tests.factories import IssueFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CommunityFactory
from hramada.reports.indicators import Period, Scope, report

from .factories import attended, moment
from .test_indicators import places  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
Y2020 = Period.year(2020)


def rows(rep, key) -> dict:
    """{first cell: the other cells} of a table."""
    return {row[0]: row[1:] for row in rep.table(key).rows}


@pytest.fixture
def six(places):  # noqa: F811
    """Six people living in Artik (Armenia): each attends two events in Mstislavl and one in Pinsk
    (Belarus, two regions) and one without a place (so it counts at home), and raises a local issue
    in a community of Artik."""
    events = [
        EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places.get(name))
        for name in ("mstislavl", "mstislavl", "pinsk", "nowhere")
    ]
    community = CommunityFactory(settlement=places["artik"])
    for _ in range(6):
        person = PersonFactory(home_settlement=places["artik"])
        for event in events:
            attended(person, event)
        made = IssueFactory(reporter=person, community=community)
        Issue.objects.filter(pk=made.pk).update(created_at=moment(2020))
    return places


def test_every_column_of_the_reach_when_people_take_part_many_times(six):
    rep = report(Scope(), Y2020)
    summary = {k: v[0] for k, v in rows(rep, "summary").items()}
    assert summary["Unique people reached"] == 6
    assert summary["Participations"] == 30
    assert summary["Settlements"] == 3
    assert summary["Communities"] == 1
    assert rows(rep, "by_activity")["event attendance"] == [6, 24]
    assert rows(rep, "by_activity")["local issue raised"] == [6, 6]
    assert rows(rep, "by_country") == {"Armenia": [6, 12, 1], "Belarus": [6, 18, 2]}
    assert rows(rep, "by_region") == {
        "Brest Region (BY)": [6, 6, 1],
        "Mogilev Region (BY)": [6, 12, 1],
        "Shirak (AM)": [6, 12, 1],
    }


def test_a_place_scope_keeps_only_the_participations_there(six):
    belarus = report(Scope("country", six["by"]), Y2020)
    summary = {k: v[0] for k, v in rows(belarus, "summary").items()}
    assert (summary["Unique people reached"], summary["Participations"], summary["Settlements"]) == (6, 18, 2)
    assert rows(belarus, "by_activity")["event attendance"] == [6, 18]
    assert rows(belarus, "by_activity")["local issue raised"] == [0, 0]
    assert rows(belarus, "by_region") == {"Brest Region (BY)": [6, 6, 1], "Mogilev Region (BY)": [6, 12, 1]}
    mogilev = {k: v[0] for k, v in rows(report(Scope("region", six["mogilev"]), Y2020), "summary").items()}
    assert (mogilev["Unique people reached"], mogilev["Participations"]) == (6, 12)
    armenia = {k: v[0] for k, v in rows(report(Scope("country", six["am"]), Y2020), "summary").items()}
    assert (armenia["Unique people reached"], armenia["Participations"]) == (6, 12)


def test_participations_without_a_place_count_under_place_not_recorded(places):  # noqa: F811
    """Five people with no home attend an event in Pinsk and one without a place; five more only the
    one without a place. The first five took part in two places (Pinsk and none), so each is counted
    in both rows; the others only where no place is recorded."""
    pinsk = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=places["pinsk"])
    unplaced = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=None)
    for i in range(10):
        person = PersonFactory(home_settlement=None)
        attended(person, unplaced)
        if i < 5:
            attended(person, pinsk)
    rep = report(Scope(), Y2020)
    summary = {k: v[0] for k, v in rows(rep, "summary").items()}
    assert (summary["Unique people reached"], summary["Participations"], summary["Settlements"]) == (
        10,
        15,
        1,
    )
    assert rows(rep, "by_country") == {"Belarus": [5, 5, 1], "place not recorded": [10, 10, 0]}
    assert rows(rep, "by_region") == {"Brest Region (BY)": [5, 5, 1], "place not recorded": [10, 10, 0]}
    assert sorted(rep.by_settlement, key=str) == sorted([(places["pinsk"].pk, 5, 5), (None, 10, 10)], key=str)
    belarus = {k: v[0] for k, v in rows(report(Scope("country", places["by"]), Y2020), "summary").items()}
    assert (belarus["Unique people reached"], belarus["Participations"]) == (5, 5)
