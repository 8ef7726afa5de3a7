"""A visitor types a misspelled, Latin-letter word in the header's search box and reaches the post."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def post(transactional_db, places):
    """A published post about Bashni, in Belarusian and Russian; saved in a committed transaction, so
    the search index is filled by the signals as on the real site."""
    from hramada.news.tests.factories import PostFactory
    from hramada.places.tests.factories import CommunityFactory, SettlementFactory

    community = CommunityFactory(
        settlement=SettlementFactory(name="Башні", name_be="Башні", name_ru="Башни", name_en="Bashni"),
        name="Башні",
        name_be="Башні",
        name_en="Bashni",
        slug="bashni",
    )
    post = PostFactory(
        title="Форум у Башнях",
        title_be="Форум у Башнях",
        title_en="",
        excerpt_en="",
        body_en="",
        excerpt_be="Жыхары Башняў сабраліся на форум.",
        body_be="Вялікі форум адбыўся ў вёсцы Башні.",
        title_ru="Форум в Башнях",
        excerpt_ru="Жители Башен собрались на форум.",
        body_ru="Большой форум прошёл в деревне.",
    )
    post.communities.add(community)
    PostFactory(title="Draft about Bashni", title_en="Draft about Bashni", published_at=None)
    return post


def test_a_visitor_finds_the_post_by_a_misspelled_word_from_the_header(new_context, server, post):
    page = new_context().new_page()
    page.goto(f"{server}/ru/news/")
    box = page.locator("#site-search-q")
    box.fill("Bashnyah")
    box.press("Enter")
    expect(page).to_have_url(f"{server}/ru/search/?q=Bashnyah")
    results = page.locator(".search-result")
    expect(results).to_have_count(2)  # the post and the community; never the draft
    expect(page.locator("main")).not_to_contain_text("Draft")
    link = page.get_by_role("link", name="Форум в Башнях")
    expect(link.locator("mark")).to_have_text("Башнях")
    link.click()
    expect(page.locator("h1")).to_have_text("Форум в Башнях")


def test_on_a_phone_a_misspelling_in_cyrillic_finds_the_community(new_context, server, post):
    page = new_context(**PHONE).new_page()
    page.goto(f"{server}/be/")
    box = page.locator("#site-search-q")
    box.fill("Башнi")  # a Latin "i" typed on the wrong keyboard
    box.press("Enter")
    expect(page.locator(".search-result").first).to_be_visible()
    page.get_by_role("link", name="Башні", exact=True).click()
    expect(page).to_have_url(f"{server}/be/communities/bashni/")
