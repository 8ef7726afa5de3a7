"""An organiser publishes a post in three languages linked to the forum; a visitor sees it on the
event page and on the community page, in Russian and Belarusian, on a phone-sized screen too."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE, login, make_organiser

pytestmark = pytest.mark.e2e


@pytest.fixture
def forum(transactional_db, places):
    from hramada.events.tests.factories import EventFactory
    from hramada.places.tests.factories import CommunityFactory, SettlementFactory

    user, org, secret = make_organiser("svetlana@example.org", "oeec", "OEEC")
    event = EventFactory(organisation=org, title_en="March Meetings", slug="march-meetings")
    community = CommunityFactory(
        settlement=SettlementFactory(name="Bashni", name_en="Bashni"),
        name="Bashni",
        name_en="Bashni",
        slug="bashni",
        is_published=True,
    )
    return {"secret": secret, "org": org, "event": event, "community": community}


def test_a_post_in_three_languages_reaches_the_forum_and_community_pages(new_context, server, forum):
    context = new_context()
    page = context.new_page()
    login(page, server, "svetlana@example.org", totp_secret=forum["secret"])

    page.goto(f"{server}/en/manage/organisations/oeec/news/new/")
    page.locator("#id_title_en").fill("March Meetings: 220 participants")
    page.locator("#id_excerpt_en").fill("Activists from 40 places met in Minsk.")
    page.locator("#id_body_en").fill("The forum **brought together** 220 people.")
    page.locator("#id_title_ru").fill("Мартовские встречи: 220 участников")
    page.locator("#id_excerpt_ru").fill("Активисты из 40 мест встретились в Минске.")
    page.locator("#id_title_be").fill("Сакавіцкія сустрэчы: 220 удзельнікаў")
    page.locator("#id_excerpt_be").fill("Актывісты з 40 мясцін сустрэліся ў Мінску.")
    page.locator("#id_events").select_option(forum["event"].public_id)
    page.locator("#id_communities").select_option(forum["community"].public_id)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("draft is saved")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("published")
    page.get_by_role("link", name="Revisions").click()
    expect(page.locator("details")).to_have_count(1)
    page.get_by_role("link", name="All posts").click()
    expect(page.locator("table")).to_contain_text("published")

    visitor = new_context(**PHONE).new_page()
    visitor.goto(f"{server}/ru/events/march-meetings/")
    expect(visitor.locator("body")).to_contain_text("Мартовские встречи: 220 участников")
    visitor.goto(f"{server}/be/communities/bashni/")
    title = "Сакавіцкія сустрэчы: 220 удзельнікаў"
    timeline = visitor.locator("section[aria-labelledby=timeline]")
    expect(timeline.get_by_role("link", name=title, exact=True)).to_be_visible()
    links = visitor.get_by_role("link", name=title, exact=True)
    expect(links).to_have_count(2)  # in the timeline of what was done there, and in the community's news
    links.last.click()
    expect(visitor.locator("h1")).to_have_text("Сакавіцкія сустрэчы: 220 удзельнікаў")
    expect(visitor.locator("meta[property='og:type']")).to_have_attribute("content", "article")
    visitor.goto(f"{server}/ru/news/")
    expect(visitor.get_by_role("link", name="Мартовские встречи: 220 участников", exact=True)).to_be_visible()
    # Nothing wider than the phone's screen.
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
