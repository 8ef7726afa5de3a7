"""The accountability figures, each on a hand-built timeline (accountability.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hramada.local_issues import accountability
from hramada.local_issues.accountability import HIDDEN, SMALL, suppress_small
from hramada.local_issues.tests.factories import (
    AuthorityFactory,
    BackingFactory,
    IssueFactory,
    TimelineEntryFactory,
    category,
)
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CommunityFactory, RegionFactory, SettlementFactory

pytestmark = pytest.mark.django_db

BASE = timezone.now() - timedelta(days=60)


def day(n: float):
    return BASE + timedelta(days=n)


def forwarded_issue(authority, *, at=0, answers=(), status="forwarded", current=True, **kwargs):
    """A public issue forwarded to ``authority`` on day ``at`` with ``answers`` [(kind, day)]."""
    kwargs.setdefault("published_at", day(at - 1))
    issue = IssueFactory(
        status=status, authority=authority if current else None, forwarded_at=day(at), **kwargs
    )
    TimelineEntryFactory(issue=issue, kind="published", created_at=day(at - 1))
    TimelineEntryFactory(issue=issue, kind="forwarded", authority=authority, created_at=day(at))
    for kind, when in answers:
        TimelineEntryFactory(issue=issue, kind=kind, authority=authority, created_at=day(when))
    return issue


@pytest.fixture
def authority():
    return AuthorityFactory(name="Bashni district executive committee", slug="bashni-dec")


@pytest.fixture
def timeline(authority):
    """Five issues of one authority, and others that must not count for it."""
    issues = {
        # acknowledged after 2 days, resolved on day 10, confirmed by residents
        "confirmed": forwarded_issue(
            authority, answers=[("acknowledged", 2), ("resolved", 10)], status="confirmed"
        ),
        # planned after 4 days
        "planned": forwarded_issue(
            authority, answers=[("planned", 4)], status="planned", category=category("water")
        ),
        # never answered
        "waiting": forwarded_issue(authority, at=3),
        # "not ours" after 1 day: answered, no longer this authority's
        "not_ours": forwarded_issue(authority, at=1, answers=[("not_ours", 2)], status="open", current=False),
        # resolved after 6 days, then residents said it is not fixed
        "reopened": forwarded_issue(authority, answers=[("resolved", 6)], status="reopened"),
    }
    TimelineEntryFactory(issue=issues["reopened"], kind="reopened", created_at=day(40))
    # Not counted: hidden, waiting for moderation, merged away, another authority's.
    hidden = forwarded_issue(authority, answers=[("resolved", 1)], status="resolved")
    hidden.hidden_at = day(5)
    hidden.save()
    unpublished = forwarded_issue(authority, answers=[("declined", 1)], status="declined")
    unpublished.published_at = None
    unpublished.save()
    forwarded_issue(
        authority, answers=[("acknowledged", 1)], status="merged", merged_into=issues["confirmed"]
    )
    forwarded_issue(AuthorityFactory(), answers=[("resolved", 1)], status="resolved")
    return issues


def test_authority_figures_from_the_timeline(authority, timeline):
    """(The hidden, unpublished and merged issues of the fixture make it red without the public-issue
    guard in ``_figures_sql``.)"""
    record = accountability.authority_figures(authority)
    f = record.figures
    assert f.received == 5
    assert f.answered == 4  # not_ours is an answer; "waiting" is not answered
    assert f.unanswered == 1
    # first answers after 2, 4, 1 and 6 days: median of an even count is the mean of the middle two
    assert f.median_days_to_answer == 3.0
    assert f.resolved == 1  # the reopened one no longer counts
    assert f.median_days_to_resolution == 10.0
    assert f.confirmed == 1
    assert f.reopened == 1
    assert (f.share_answered, f.share_resolved, f.share_confirmed) == (80, 20, 20)
    assert [i.pk for i in record.oldest_unanswered] == [timeline["waiting"].pk]


def test_median_of_an_odd_count_and_the_latest_resolution(authority):
    forwarded_issue(authority, answers=[("acknowledged", 1), ("resolved", 3)], status="resolved")
    forwarded_issue(authority, answers=[("acknowledged", 5)], status="acknowledged")
    # resolved, reopened, resolved again on day 20: the resolution that stands is day 20
    again = forwarded_issue(authority, answers=[("resolved", 2), ("resolved", 20)], status="resolved")
    TimelineEntryFactory(issue=again, kind="reopened", created_at=day(10))
    f = accountability.authority_figures(authority).figures
    assert f.median_days_to_answer == 2.0  # 1, 2, 5
    assert f.median_days_to_resolution == 11.5  # 3 and 20
    assert f.resolved == 2


def test_an_issue_forwarded_twice_counts_once_from_the_first_forwarding(authority):
    issue = forwarded_issue(authority, answers=[("acknowledged", 9)], status="acknowledged")
    TimelineEntryFactory(issue=issue, kind="forwarded", authority=authority, created_at=day(5))
    f = accountability.authority_figures(authority).figures
    assert (f.received, f.answered, f.median_days_to_answer) == (1, 1, 9.0)


def test_no_issue_gives_empty_figures(authority):
    record = accountability.authority_figures(authority)
    assert record.figures.received == 0
    assert record.figures.median_days_to_answer is None
    assert record.figures.share_resolved is None
    assert record.by_category == [] and record.oldest_unanswered == []


def test_escalated_issue_counts_for_both_authorities(authority):
    """As authorities.escalate records it: "escalated" naming the first, "forwarded" naming the one above."""
    above = AuthorityFactory(name="Mogilev regional executive committee")
    issue = forwarded_issue(authority, status="acknowledged", current=False)
    issue.authority = above
    issue.save()
    TimelineEntryFactory(issue=issue, kind="escalated", authority=authority, created_at=day(15))
    TimelineEntryFactory(issue=issue, kind="forwarded", authority=above, created_at=day(15))
    TimelineEntryFactory(issue=issue, kind="acknowledged", authority=above, created_at=day(16))
    first = accountability.authority_figures(authority).figures
    assert (first.received, first.answered, first.median_days_to_answer) == (1, 0, None)
    second = accountability.authority_figures(above).figures
    assert (second.received, second.answered, second.median_days_to_answer) == (1, 1, 1.0)


def test_by_category(authority, timeline):
    rows = {row.category.code: row.figures for row in accountability.authority_figures(authority).by_category}
    assert set(rows) == {"roads", "water"}
    assert (rows["roads"].received, rows["roads"].answered, rows["roads"].resolved) == (4, 3, 1)
    assert (rows["water"].received, rows["water"].answered, rows["water"].median_days_to_answer) == (
        1,
        1,
        4.0,
    )


def test_oldest_unanswered_oldest_first_ten_at_most(authority):
    issues = [forwarded_issue(authority, at=20 - n) for n in range(12)]
    oldest = accountability.authority_figures(authority).oldest_unanswered
    assert [i.pk for i in oldest] == [i.pk for i in reversed(issues)][:10]


def test_oldest_unanswered_past_the_deadline(authority):
    forwarded_issue(authority, answer_due_at=timezone.now() - timedelta(days=1))
    forwarded_issue(authority, at=1, answer_due_at=timezone.now() + timedelta(days=1))
    assert [i.past_due for i in accountability.authority_figures(authority).oldest_unanswered] == [
        True,
        False,
    ]


def test_authorities_list_counts_each_authority_over_its_issues(authority, timeline):
    other = AuthorityFactory(name="Hodosy village council")
    AuthorityFactory(name="Private council", is_public=False)
    rows = {row.authority.pk: row.figures for row in accountability.authorities_list()}
    assert set(rows) >= {authority.pk, other.pk}
    assert rows[authority.pk].received == 5 and rows[authority.pk].median_days_to_answer == 3.0
    assert rows[other.pk].received == 0
    assert all(row.authority.is_public for row in accountability.authorities_list())


def test_region_figures_per_issue_and_per_authority(authority):
    region = RegionFactory(code="BY-MA")
    other_region = RegionFactory(code="BY-HO", name="Gomel Region", name_en="Gomel Region")
    here = CommunityFactory(settlement=SettlementFactory(region=region))
    there = CommunityFactory(settlement=SettlementFactory(region=other_region))
    second = AuthorityFactory(name="Mstislavl district executive committee")
    # Forwarded to the first authority, "not ours" after 1 day, forwarded to the second on day 3,
    # acknowledged on day 7 and resolved on day 12.
    passed_on = forwarded_issue(
        authority, answers=[("not_ours", 1)], status="resolved", current=False, community=here
    )
    passed_on.authority = second
    passed_on.save()
    TimelineEntryFactory(issue=passed_on, kind="forwarded", authority=second, created_at=day(3))
    TimelineEntryFactory(issue=passed_on, kind="acknowledged", authority=second, created_at=day(7))
    TimelineEntryFactory(issue=passed_on, kind="resolved", authority=second, created_at=day(12))
    forwarded_issue(second, answers=[("planned", 3)], status="planned", community=here)
    forwarded_issue(second, at=2, community=here)  # unanswered
    forwarded_issue(authority, answers=[("declined", 1)], status="declined", community=there)

    record = accountability.area_figures(region)
    f = record.figures
    # Per issue: first forwarding (to anyone) to the first answer (by anyone).
    assert (f.received, f.answered, f.resolved) == (3, 2, 1)
    assert f.median_days_to_answer == 2.0  # 1 and 3
    assert f.median_days_to_resolution == 12.0
    rows = {row.authority.pk: row.figures for row in record.authorities}
    assert rows[authority.pk].received == 1 and rows[authority.pk].resolved == 0
    assert rows[second.pk].received == 3 and rows[second.pk].answered == 2
    assert rows[second.pk].median_days_to_answer == 3.5  # 4 (day 3 to 7) and 3
    assert rows[second.pk].median_days_to_resolution == 9.0  # day 3 to day 12
    assert len(record.oldest_unanswered) == 1

    country = accountability.area_figures(None)
    assert country.figures.received == 4
    assert {row.authority.pk for row in country.authorities} == {authority.pk, second.pk}


# --- small groups and gender ------------------------------------------------------------------------------


def test_small_groups_four_hidden_five_shown():
    assert suppress_small({"a": 5, "b": 5}) == {"a": 5, "b": 5}
    shown = suppress_small({"a": 4, "b": 9, "c": 20, "d": 0})
    # 4 is "<5"; 9 (the next smallest) is hidden too, else 4 = total - 20 - 0 - 9; 0 stays 0
    assert shown == {"a": SMALL, "b": HIDDEN, "c": 20, "d": 0}
    assert suppress_small({"a": 1, "b": 4, "c": 7}) == {"a": SMALL, "b": SMALL, "c": 7}
    assert accountability.shown_total(4) == SMALL and accountability.shown_total(5) == 5


def _person(gender=""):
    return PersonFactory(gender=gender, gender_consent_at=timezone.now() if gender else None)


def test_who_counts_consented_gender_only():
    region = RegionFactory(code="BY-MA")
    community = CommunityFactory(settlement=SettlementFactory(region=region))
    women = [_person("woman") for _ in range(5)]
    men = [_person("man") for _ in range(5)]
    not_given = [_person() for _ in range(5)]
    issues = [IssueFactory(reporter=p, community=community) for p in women + men + not_given]
    IssueFactory(reporter=women[0], community=community)  # a second issue: still one person
    for p in women + men:
        BackingFactory(issue=issues[0], person=p)
    # Hidden and unpublished issues' people are not counted.
    hidden = IssueFactory(reporter=_person("man"), community=community, hidden_at=timezone.now())
    BackingFactory(issue=hidden, person=_person("man"))
    IssueFactory(reporter=_person("man"), community=community, published_at=None, status="waiting")

    record = accountability.who_figures(region)
    rows = {row.key: (row.reporters, row.backers) for row in record.rows}
    assert rows == {"woman": (5, 5), "man": (5, 5), "other": (0, 0), "": (5, 0)}
    assert record.reporters_total == 15 and record.backers_total == 10
    assert record.women_share_reporters == 50 and record.women_share_backers == 50
    assert accountability.who_figures(RegionFactory(code="BY-HO", name="Gomel")).reporters_total == 0


def test_who_hides_a_group_of_four():
    community = CommunityFactory()
    for p in [_person("woman") for _ in range(4)] + [_person("man") for _ in range(6)]:
        IssueFactory(reporter=p, community=community)
    record = accountability.who_figures()
    rows = {row.key: row.reporters for row in record.rows}
    assert rows == {"woman": SMALL, "man": HIDDEN, "other": 0, "": 0}
    assert record.women_share_reporters is None  # no share when a group is hidden
    # The fifth woman makes the group visible.
    IssueFactory(reporter=_person("woman"), community=community)
    rows = {row.key: row.reporters for row in accountability.who_figures().rows}
    assert rows == {"woman": 5, "man": 6, "other": 0, "": 0}
