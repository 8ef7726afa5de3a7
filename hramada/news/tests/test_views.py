"""News pages: the organisers' permission matrix, forms, the public list (query counts), the post page
(fallback, Open Graph, preview), feeds, the sitemap and the sections on other apps' pages."""

from datetime import timedelta
from xml.etree import ElementTree  # our own responses, not untrusted input

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.contests.tests.factories import EditionFactory
from hramada.core.tests.helpers import login_staff
from hramada.events.tests.factories import EventFactory
from hramada.local_issues.tests.factories import IssueFactory
from hramada.news import services
from hramada.news.models import Post
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory

from .factories import PostFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _user(who, org):
    if who == "anonymous":
        return None
    if who == "outsider":
        return UserFactory()
    if who == "member":
        return member_of(org, Role.MEMBER)
    if who == "other manager":
        return member_of(OrganisationFactory(), Role.MANAGER)
    if who == "manager":
        return member_of(org, Role.MANAGER)
    return UserFactory(is_staff=True)


MATRIX = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "other manager": 403,
    "manager": 200,
    "staff": 200,
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_organiser_pages_permission_matrix(client, org, who):
    post = PostFactory(organisation=org, published_at=None)
    user = _user(who, org)
    if user is not None:
        login_staff(client, user)
    pages = [
        reverse("news:org_list", args=[org.slug]),
        reverse("news:new", args=[org.slug]),
        reverse("news:edit", args=[post.public_id]),
        reverse("news:preview", args=[post.public_id]),
        reverse("news:revisions", args=[post.public_id]),
    ]
    for url in pages:
        assert client.get(url).status_code == MATRIX[who], (url, who)


def test_a_draft_is_not_public_but_its_editor_previews_it(client, org):
    post = PostFactory(organisation=org, published_at=None, title_en="Secret plan")
    assert client.get(reverse("news:detail", args=[post.public_id])).status_code == 404
    login_staff(client, member_of(org, Role.MANAGER))
    response = client.get(reverse("news:preview", args=[post.public_id]))
    assert response.status_code == 200 and b"Secret plan" in response.content and b"draft" in response.content


def test_write_publish_and_bad_input(client, org):
    login_staff(client, member_of(org, Role.MANAGER))
    url = reverse("news:new", args=[org.slug])
    response = client.post(url, {"excerpt_en": "no title"})
    assert response.status_code == 400 and b"at least one language" in response.content
    response = client.post(url, {"title_en": "Hello", "cover": _not_an_image()})
    assert response.status_code == 400 and b"not an image" in response.content
    response = client.post(url, {"title_en": "Hello", "body_en": "**hi**", "tags": "youth"})
    post = Post.objects.get()
    assert response.status_code == 302
    publish = reverse("news:publish", args=[post.public_id])
    bad = client.post(publish, {"action": "schedule", "publish_at": "2000-01-01T10:00"})
    assert bad.status_code == 400 and b"future" in bad.content
    assert client.post(publish, {"action": "schedule", "publish_at": "yesterday"}).status_code == 400
    assert client.post(publish, {"action": "publish"}).status_code == 302
    assert Post.objects.published().count() == 1
    assert client.get(reverse("news:revisions", args=[post.public_id])).status_code == 200


def _not_an_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.png", b"GIF89a<script>", content_type="image/png")


def test_list_shows_excerpts_with_read_more_and_is_paginated_in_few_queries(client, org):
    community = CommunityFactory()
    for i in range(12):
        post = PostFactory(organisation=org, title_en=f"Story {i}", excerpt_en=f"Excerpt {i}")
        post.tags.add(*services._tags(["youth"]))
        post.communities.add(community)
    PostFactory(organisation=org, published_at=None, title_en="A draft")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("news:list"))
    assert response.status_code == 200
    assert len(queries) <= 8, [q["sql"] for q in queries]
    body = response.content.decode()
    assert "Excerpt 11" in body and "Read more" in body and "A draft" not in body
    assert "page=2" in body
    assert "Story 1<" in client.get(reverse("news:list") + "?page=2").content.decode()
    filtered = client.get(reverse("news:list") + f"?community={community.slug}&tag=youth")
    assert filtered.status_code == 200 and 'type="application/rss+xml"' in filtered.content.decode()
    assert client.get(reverse("news:list") + "?tag=nope&page=zz").status_code == 200


def test_post_page_falls_back_visibly_and_has_open_graph(client, org):
    post = PostFactory(
        organisation=org, title_en="Forum", excerpt_en="Two days", title_be="Форум", title="Форум"
    )
    from django.utils import translation

    with translation.override("ru"):
        url = reverse("news:detail", args=[post.public_id])
    body = client.get(url).content.decode()
    assert "Доступна на языках:" in body  # the Russian page says which languages the post has
    assert "Беларуская" in body and "English" in body
    assert 'property="og:type" content="article"' in body
    assert 'property="og:title" content="Форум"' in body and 'property="og:locale" content="be_BY"' in body


def test_text_fields_are_escaped_everywhere(client, org):
    bad = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    post = PostFactory(organisation=org, title_en=bad, excerpt_en=bad, body_en=bad, title=bad)
    for url in (reverse("news:detail", args=[post.public_id]), reverse("news:list"), reverse("news:rss")):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<img src=x" not in body, url


def test_feeds_list_only_published_posts(client, org):
    community = CommunityFactory()
    shown = PostFactory(organisation=org, title_en="Published one")
    shown.communities.add(community)
    draft = PostFactory(organisation=org, published_at=None, title_en="Draft one")
    draft.communities.add(community)
    PostFactory(
        organisation=org, published_at=None, publish_at=timezone.now() + timedelta(days=1), title_en="Later"
    )
    rss = ElementTree.fromstring(client.get(reverse("news:rss")).content)  # noqa: S314
    assert [i.findtext("title") for i in rss.iter("item")] == ["Published one"]
    atom = ElementTree.fromstring(client.get(reverse("news:community_atom", args=[community.slug])).content)  # noqa: S314
    assert [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")] == ["Published one"]
    org_rss = ElementTree.fromstring(client.get(reverse("news:organisation_rss", args=[org.slug])).content)  # noqa: S314
    assert len(list(org_rss.iter("item"))) == 1
    assert client.get(reverse("news:tag_rss", args=["missing"])).status_code == 404


def test_sitemap_lists_only_what_visitors_may_see(client, org):
    PostFactory(organisation=org, title_en="Shown")
    draft = PostFactory(organisation=org, published_at=None)
    event = EventFactory()
    draft_event = EventFactory(status="draft")
    issue = IssueFactory()
    hidden = IssueFactory()
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    draft_edition = EditionFactory(published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    text = "\n".join(locs)
    assert f"/events/{event.slug}/" in text and f"/issues/{issue.public_id}/" in text
    assert draft.public_id not in text and f"/{draft_event.slug}/" not in text
    assert hidden.public_id not in text and draft_edition.public_id not in text
    assert "/be/news/" in text and "/ru/news/" in text and "/en/news/" in text
    assert b"hreflang" in response.content


def test_linked_pages_show_published_news_only(client, org):
    event = EventFactory()
    community = CommunityFactory(is_published=True)
    PostFactory(organisation=org, title_en="About the forum").events.add(event)
    PostFactory(organisation=org, title_en="Draft about the forum", published_at=None).events.add(event)
    PostFactory(organisation=org, title_en="In the village").communities.add(community)
    event_page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "About the forum" in event_page and "Draft about the forum" not in event_page
    community_page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "In the village" in community_page
    org_page = client.get(reverse("orgs:detail", args=[org.slug])).content.decode()
    assert "About the forum" in org_page and "Draft about" not in org_page


def _edition_page(edition):
    return reverse("contests:edition", args=[edition.contest.slug, edition.public_id])


PAGES = {
    "editions": (EditionFactory, _edition_page),
    "programmes": (
        "hramada.programmes.tests.factories.ProgrammeFactory",
        lambda p: reverse("programmes:programme", args=[p.slug]),
    ),
    "initiatives": (
        "hramada.initiatives.tests.factories.InitiativeFactory",
        lambda i: reverse("initiatives:detail", args=[i.slug]),
    ),
    "issues": (IssueFactory, lambda i: reverse("local_issues:detail", args=[i.public_id])),
}


@pytest.mark.parametrize("field", list(PAGES))
def test_each_linked_objects_page_shows_its_published_news(client, org, field):
    """Through core.registry.register_related_section: red with the hook's tag removed from the page."""
    from django.utils.module_loading import import_string

    factory, url = PAGES[field]
    factory = import_string(factory) if isinstance(factory, str) else factory
    obj = factory()
    getattr(PostFactory(organisation=org, title_en="Shown news"), field).add(obj)
    getattr(PostFactory(organisation=org, title_en="Draft news", published_at=None), field).add(obj)
    page = client.get(url(obj)).content.decode()
    assert "Shown news" in page and "Draft news" not in page


def test_links_are_chosen_by_public_id_and_hidden_ones_drop_off_the_post(client, org):
    login_staff(client, member_of(org, Role.MANAGER))
    event, issue = EventFactory(), IssueFactory()
    response = client.post(
        reverse("news:new", args=[org.slug]),
        {"title_en": "About both", "events": [event.public_id], "issues": [issue.public_id]},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert list(post.issues.all()) == [issue] and list(post.events.all()) == [event]
    draft_event = EventFactory(status="draft")
    bad = client.post(
        reverse("news:new", args=[org.slug]), {"title_en": "x", "events": [draft_event.public_id]}
    )
    assert bad.status_code == 400  # only public things can be linked
    services.publish_post(actor=_staff_with_2fa(), post=post)
    issue.hidden_at = timezone.now()
    issue.save(update_fields=["hidden_at"])
    page = client.get(reverse("news:detail", args=[post.public_id])).content.decode()
    assert event.title in page and issue.title not in page


def _staff_with_2fa():
    user = UserFactory(is_staff=True)
    user.two_factor_passed = True
    return user
