"""A community's brand page: its story (Markdown, sanitised), its gallery (who may add, what an upload
needs, the order) and its generated timeline (grouped by year, newest first, "show all" per year)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hramada.core import registry
from hramada.core.audit import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.people.tests.factories import UserFactory
from hramada.places import selectors, services
from hramada.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _jpeg(colour="green"):
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(raw, format="JPEG")
    return SimpleUploadedFile("photo.jpg", raw.getvalue(), content_type="image/jpeg")


def _leader(client, community):
    user = UserFactory()
    services.set_leader(actor=None, community=community, person=user.person)
    login_staff(client, user)
    return user


def test_the_story_is_markdown_rendered_and_sanitised(client):
    community = CommunityFactory(
        story_en=(
            "# Willpower\n\nThe **marathon** began in 2014.\n\n<script>alert(1)</script>\n\n"
            '[bad](javascript:alert(1)) <img src="https://tracker.example/x.png" onerror="alert(2)">'
        )
    )
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    story = page.split('id="story"')[1].split("</section>")[0]
    assert "<h2>Willpower</h2>" in story and "<strong>marathon</strong>" in story
    assert "<script" not in story and "&lt;script&gt;" in story  # shown as text, never run
    assert 'href="javascript:' not in story  # not a link
    assert "<img" not in story and "&lt;img" in story  # no picture from another site, no event handler


def test_the_story_section_is_absent_when_there_is_no_story(client):
    community = CommunityFactory()
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert 'id="story"' not in page
    assert "Nothing done here is recorded yet" in page  # the timeline's empty state


def test_a_photo_needs_a_description_for_screen_readers(client):
    community = CommunityFactory()
    _leader(client, community)
    url = reverse("places:photo_add", args=[community.slug])
    response = client.post(url, {"photo-image": _jpeg(), "photo-caption_en": "Marathon"})
    assert response.status_code == 400
    assert "Describe what the photo shows" in response.content.decode()
    assert not community.photos.exists()

    response = client.post(
        url, {"photo-image": _jpeg(), "photo-alt_ru": "Бегуны на дороге", "photo-caption_be": "Марафон"}
    )
    assert response.status_code == 302
    photo = community.photos.get()
    assert photo.alt_ru == "Бегуны на дороге" and photo.caption_be == "Марафон"
    assert AuditEntry.objects.filter(action="places.photo.added").count() == 1


def test_a_file_that_is_not_an_image_is_refused_with_a_message(client):
    community = CommunityFactory()
    _leader(client, community)
    response = client.post(
        reverse("places:photo_add", args=[community.slug]),
        {"photo-image": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>"), "photo-alt_en": "x"},
    )
    assert response.status_code == 400 and not community.photos.exists()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("resident", 403), ("other_leader", 403)])
def test_only_the_communitys_editors_add_move_or_remove_photos(client, who, status):
    community = CommunityFactory()
    photo = services.add_photo(actor=None, community=community, image=_jpeg(), alt_en="A field")
    if who == "resident":
        login_staff(client, UserFactory())
    elif who == "other_leader":
        _leader(client, CommunityFactory())
    add = client.post(
        reverse("places:photo_add", args=[community.slug]), {"photo-image": _jpeg(), "photo-alt_en": "x"}
    )
    move = client.post(reverse("places:photo_move", args=[community.slug, photo.pk]), {"direction": "up"})
    remove = client.post(reverse("places:photo_remove", args=[community.slug, photo.pk]))
    assert add.status_code == move.status_code == remove.status_code == status
    assert community.photos.count() == 1


def test_photos_keep_their_order_and_move(client):
    community = CommunityFactory()
    _leader(client, community)
    first, second, third = (
        services.add_photo(actor=None, community=community, image=_jpeg(), alt_en=name)
        for name in ("first", "second", "third")
    )
    assert [p.alt for p in community.photos.all()] == ["first", "second", "third"]
    url = reverse("places:photo_move", args=[community.slug, third.pk])
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert [p.alt for p in community.photos.all()] == ["first", "third", "second"]
    client.post(reverse("places:photo_move", args=[community.slug, first.pk]), {"direction": "up"})  # no-op
    assert [p.alt for p in community.photos.all()] == ["first", "third", "second"]
    assert client.post(url, {"direction": "sideways"}).status_code == 400
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert page.index('alt="first"') < page.index('alt="third"') < page.index('alt="second"')
    assert AuditEntry.objects.filter(action="places.photo.moved").exists()


def test_an_illustration_is_labelled_as_one(client):
    community = CommunityFactory()
    services.add_photo(
        actor=None, community=community, image=_jpeg(), alt_en="A drawn sun", is_illustration=True
    )
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert 'alt="A drawn sun"' in page and ">illustration</span>" in page


@pytest.fixture
def fake_timeline(monkeypatch):
    entries = []
    monkeypatch.setattr(registry, "community_timeline", [lambda community: entries])
    return entries


def test_the_timeline_groups_by_year_newest_first(client, fake_timeline):
    community = CommunityFactory()
    fake_timeline += [
        {"date": dt.date(2016, 3, 1), "kind": "Event", "title": "March Meetings", "url": "/e/1"},
        {
            "date": dt.datetime(2019, 7, 1, 10, tzinfo=dt.UTC),
            "kind": "Project",
            "title": "Stadium",
            "url": "",
        },
        {
            "date": dt.date(2016, 9, 1),
            "kind": "News",
            "title": "Autumn",
            "url": "/n/1",
            "detail": "12 took part",
        },
    ]
    years = selectors.community_timeline(community)
    assert [y["year"] for y in years] == [2019, 2016]
    assert [e["title"] for e in years[1]["entries"]] == ["Autumn", "March Meetings"]
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert page.index("Stadium") < page.index("Autumn") < page.index("March Meetings")
    assert '<a href="/e/1">March Meetings</a>' in page and "12 took part" in page


def test_each_year_shows_its_newest_few_and_a_link_to_all(client, fake_timeline):
    community = CommunityFactory()
    fake_timeline += [
        {"date": dt.date(2018, 1, day), "kind": "Event", "title": f"Meeting {day:02}", "url": ""}
        for day in range(1, 9)
    ]
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert page.count("Meeting ") == selectors.TIMELINE_PER_YEAR and "Meeting 08" in page
    assert "Show all 8 entries of 2018" in page
    page = client.get(reverse("places:community", args=[community.slug]), {"year": "2018"}).content.decode()
    assert page.count("Meeting ") == 8 and "Show all" not in page
    junk = client.get(reverse("places:community", args=[community.slug]), {"year": "x'"})
    assert junk.status_code == 200
