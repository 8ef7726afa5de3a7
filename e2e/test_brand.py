"""A visitor opens Bashni's community page on a phone: the story (Markdown, sanitised), the gallery (with
descriptions and the "illustration" label) and the timeline of what was done there, grouped by year."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def bashni(places):
    from django.utils import timezone

    from hramada.demo import brand
    from hramada.events.models import Event
    from hramada.events.tests.factories import EventFactory
    from hramada.places.models import Region
    from hramada.places.tests.factories import CommunityFactory

    community = CommunityFactory(
        name="Bashni village",
        name_en="Bashni village",
        slug="bashni",
        settlement__region=Region.objects.get(code="BY-VI"),
        story_en="**Willpower** and strength of mind: the village marathon began here.",
    )
    brand.load(admin_user=None)
    when = timezone.make_aware(dt.datetime(2016, 6, 4, 10))
    EventFactory(title="Bashni marathon", title_en="Bashni marathon", community=community, starts_at=when)
    EventFactory(
        title="Secret rehearsal", title_en="Secret rehearsal", community=community, status=Event.Status.DRAFT
    )
    return community


def test_a_visitor_sees_the_story_gallery_and_timeline_on_a_phone(server, bashni, new_context):
    visitor = new_context(**PHONE).new_page()
    visitor.goto(f"{server}/en/communities/bashni/")
    expect(visitor.locator("h1")).to_have_text("Bashni village")
    expect(visitor.locator("section.story strong")).to_have_text("Willpower")
    gallery = visitor.locator("ul.gallery img")
    expect(gallery).to_have_count(2)
    expect(gallery.first).to_have_attribute(
        "alt", "Illustration: a running track around a green field under a yellow sun"
    )
    expect(visitor.locator("ul.gallery")).to_contain_text("illustration")
    expect(visitor.locator("#year-2016")).to_have_text("2016")
    # The event is on the timeline and again in the "Events" list below it; the timeline is the subject.
    link = visitor.locator("ol.timeline").get_by_role("link", name="Bashni marathon", exact=True)
    expect(link).to_be_visible()
    expect(visitor.locator("body")).not_to_contain_text("Secret rehearsal")
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    link.click()
    expect(visitor.locator("h1")).to_contain_text("Bashni marathon")
