"""A community page's generated timeline, through every app's registered part: public things only (a
draft event or a hidden issue never appears) and counts of people from there, never their names."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.events.models import Event, Registration
from hramada.events.tests.factories import EventFactory
from hramada.local_issues.tests.factories import IssueFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.selectors import community_timeline
from hramada.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _titles(community):
    return [e["title"] for year in community_timeline(community, open_year=None) for e in year["entries"]]


def test_drafts_and_hidden_issues_never_appear(client):
    community = CommunityFactory()
    when = timezone.make_aware(dt.datetime(2016, 3, 5, 10))
    EventFactory(title="March Meetings", community=community, starts_at=when, ends_at=when)
    EventFactory(title="Secret draft", community=community, status=Event.Status.DRAFT)
    IssueFactory(title="Broken lamp", community=community)
    IssueFactory(title="Hidden insult", community=community, hidden_at=timezone.now())
    IssueFactory(title="Waiting issue", community=community, published_at=None, status="waiting")
    titles = _titles(community)
    assert "March Meetings" in titles and "Broken lamp" in titles
    assert not {"Secret draft", "Hidden insult", "Waiting issue"} & set(titles)
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "March Meetings" in page and "Broken lamp" in page
    assert "Secret draft" not in page and "Hidden insult" not in page and "Waiting issue" not in page
    assert '<h3 id="year-2016">2016</h3>' in page


def test_people_from_here_are_counted_never_named(client):
    community = CommunityFactory()
    event = EventFactory(
        title="Marathon", community=community, starts_at=timezone.now() - dt.timedelta(days=3)
    )
    for i in range(6):
        person = PersonFactory(display_name=f"Runner Private{i}", home_community=community)
        Registration.objects.create(
            event=event, person=person, status="confirmed", checked_in_at=timezone.now(), ticket_code=f"T{i}"
        )
    entry = next(e for y in community_timeline(community) for e in y["entries"] if e["title"] == "Marathon")
    assert entry["detail"].endswith("6")
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "Private" not in page
