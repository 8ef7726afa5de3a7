"""The programmes' part of a community's timeline: one entry per published cohort people from the
community took part in, dated by the cohort's start, titled and linked in the visitor's language, and
counted, never named (1-4 as "<5")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from hramada.places.tests.factories import CommunityFactory
from hramada.programmes.tests.factories import CohortFactory, ParticipantFactory, ProgrammeFactory
from hramada.programmes.timeline import community_timeline

pytestmark = pytest.mark.django_db


def test_a_cohort_is_dated_by_its_start_titled_in_the_visitors_language_and_linked():
    community = CommunityFactory()
    programme = ProgrammeFactory(
        title="Лідарства", title_be="Лідарства", title_ru="Лидерство", title_en="Leadership"
    )
    cohort = CohortFactory(
        programme=programme, year=2016, starts_on=datetime.date(2016, 3, 1), title_ru="2016"
    )
    for _ in range(6):
        ParticipantFactory(cohort=cohort, community=community)
    ParticipantFactory(cohort=cohort)  # from elsewhere: not counted here

    with translation.override("ru"):
        (entry,) = community_timeline(community)
        url = reverse("programmes:cohort", args=[programme.slug, cohort.slug])
    assert entry["date"] == datetime.date(2016, 3, 1)
    assert entry["title"].startswith("Лидерство")
    assert entry["url"] == url
    assert entry["detail"].endswith(": 6")


def test_two_cohorts_are_two_entries_and_small_groups_are_not_counted_exactly():
    community = CommunityFactory()
    programme = ProgrammeFactory()
    first, second = CohortFactory(programme=programme), CohortFactory(programme=programme)
    ParticipantFactory(cohort=first, community=community)
    for _ in range(5):
        ParticipantFactory(cohort=second, community=community)
    details = sorted(e["detail"] for e in community_timeline(community))
    assert details[0].endswith(": 5") and details[1].endswith(": <5")


def test_unpublished_cohorts_and_programmes_are_left_out():
    community = CommunityFactory()
    ParticipantFactory(cohort=CohortFactory(published_at=None), community=community)
    ParticipantFactory(
        cohort=CohortFactory(programme=ProgrammeFactory(published_at=None)), community=community
    )
    assert community_timeline(community) == []
