import pytest
from django.urls import reverse
from django.utils import translation

from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places import services
from hramada.places.tests.factories import CommunityFactory, RegionFactory, SettlementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regions():
    vitebsk = RegionFactory(code="BY-VI", name="Vitebsk Region", name_en="Vitebsk Region")
    mogilev = RegionFactory(code="BY-MA")
    bashni = CommunityFactory(name="Bashni village", settlement=SettlementFactory(region=vitebsk))
    hodosy = CommunityFactory(name="Hodosy", settlement=SettlementFactory(region=mogilev))
    return bashni, hodosy


def test_community_list_filters_by_region_and_search(client, two_regions):
    response = client.get(reverse("places:communities"))
    assert b"Bashni village" in response.content and b"Hodosy" in response.content
    response = client.get(reverse("places:communities"), {"region": "BY-VI"})
    assert b"Bashni village" in response.content and b"Hodosy" not in response.content
    response = client.get(reverse("places:communities"), {"q": "hodo"})
    assert b"Hodosy" in response.content and b"Bashni village" not in response.content
    response = client.get(reverse("places:communities"), {"q": "zzz"})
    assert b"No community matches" in response.content


def test_community_list_htmx_returns_only_results_fragment(client, two_regions):
    response = client.get(reverse("places:communities"), {"region": "BY-VI"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b"Bashni village" in response.content


def test_community_list_paginates_with_constant_queries(client, django_assert_max_num_queries):
    region = RegionFactory()
    for i in range(30):
        CommunityFactory(name=f"C{i:02}", settlement=SettlementFactory(region=region))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("places:communities"))
    assert response.content.count(b'class="card"') == 24
    response = client.get(reverse("places:communities"), {"page": 2})
    assert response.content.count(b'class="card"') == 6
    assert client.get(reverse("places:communities"), {"page": "junk"}).status_code == 200


def test_community_page_shows_consenting_leaders_only_and_unpublished_is_404(client):
    community = CommunityFactory(name="Bashni village", story_en="Willpower and strength of mind.")
    services.set_leader(
        actor=None, community=community, person=PersonFactory(display_name="Marina"), shown_publicly=True
    )
    services.set_leader(
        actor=None, community=community, person=PersonFactory(display_name="Secret"), shown_publicly=False
    )
    page = client.get(reverse("places:community", args=[community.slug])).content.decode()
    assert "Marina" in page and "Secret" not in page and "Willpower" in page
    community.is_published = False
    community.save()
    assert client.get(reverse("places:community", args=[community.slug])).status_code == 404


def test_settlement_search_returns_options(client):
    SettlementFactory(name="Bashni", name_en="Bashni")
    response = client.get(reverse("places:settlement_search"), {"q": "bash"})
    assert b"<option" in response.content and b"Bashni" in response.content


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("resident", 403), ("leader", 200), ("staff", 200)]
)
def test_who_may_edit_a_community(client, who, status, settings):
    community = CommunityFactory()
    if who != "anonymous":
        user = UserFactory(is_staff=(who == "staff"))
        if who == "leader":
            services.set_leader(actor=None, community=community, person=user.person, shown_publicly=False)
        from hramada.core.tests.helpers import login_staff

        login_staff(client, user)
    response = client.get(reverse("places:community_edit", args=[community.slug]))
    assert response.status_code == status


def test_leader_edits_community_in_three_languages(client):
    from hramada.core.tests.helpers import login_staff

    user = UserFactory()
    community = CommunityFactory()
    services.set_leader(actor=None, community=community, person=user.person)
    login_staff(client, user)
    response = client.post(
        reverse("places:community_edit", args=[community.slug]),
        {
            "settlement": community.settlement.pk,
            "name_be": "Башні",
            "name_ru": "Башни",
            "name_en": "Bashni",
            "summary_en": "Sport village",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name_be, community.name_ru, community.name_en) == ("Башні", "Башни", "Bashni")
    with translation.override("be"):
        assert (
            client.get(reverse("places:community", args=[community.slug])).content.decode().count("Башні")
            >= 1
        )


def test_leader_adds_a_photo_stripped_of_gps_data_and_removes_it(client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from hramada.core.tests.helpers import login_staff

    user = UserFactory()
    community = CommunityFactory()
    services.set_leader(actor=None, community=community, person=user.person)
    login_staff(client, user)
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 54.0, 0.0)}  # GPSInfo: where the photo was taken
    raw = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(raw, format="JPEG", exif=exif)
    url = reverse("places:photo_add", args=[community.slug])
    response = client.post(
        url,
        {
            "photo-image": SimpleUploadedFile("Marina at home.jpg", raw.getvalue()),
            "photo-caption_en": "Marathon",
            "photo-alt_en": "Runners on the village road",
        },
    )
    assert response.status_code == 302
    photo = community.photos.get()
    assert photo.caption == "Marathon" and not Image.open(photo.image.path).getexif()
    assert "Marina" not in photo.image.name and photo.image.name.startswith("communities/")  # a random name
    assert b"Marathon" in client.get(reverse("places:community", args=[community.slug])).content

    response = client.post(
        url, {"photo-image": SimpleUploadedFile("x.jpg", b"not an image"), "photo-alt_en": "Something"}
    )
    assert response.status_code == 400 and community.photos.count() == 1
    assert b"valid image" in response.content or b"not an image" in response.content

    client.post(reverse("places:photo_remove", args=[community.slug, photo.pk]))
    assert not community.photos.exists()


@pytest.mark.parametrize("lang", ["be", "ru", "en"])
def test_community_coordinates_are_unambiguous_in_every_language(client, lang):
    community = CommunityFactory(settlement=SettlementFactory(latitude="55.30000", longitude="29.50000"))
    with translation.override(lang):
        url = reverse("places:community", args=[community.slug])
    page = client.get(url).content.decode()
    assert "55.3000°" in page and "29.5000°" in page
    assert "55,3" not in page and "29,5" not in page  # no comma decimals beside a comma separator
    if lang == "en":
        assert "55.3000° N, 29.5000° E" in page


def test_community_coordinates_south_and_west_and_none(client):
    south = CommunityFactory(settlement=SettlementFactory(latitude="-33.86880", longitude="-70.65000"))
    page = client.get(reverse("places:community", args=[south.slug])).content.decode()
    assert "33.8688° S, 70.6500° W" in page
    unknown = CommunityFactory(settlement=SettlementFactory(latitude=None, longitude=None))
    assert "Coordinates" not in client.get(reverse("places:community", args=[unknown.slug])).content.decode()
