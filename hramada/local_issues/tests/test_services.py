"""Every rule and refusal of the residents' and moderators' services of local issues."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.local_issues import services
from hramada.local_issues.models import Follow, IssuePhoto
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places.tests.factories import CommunityFactory, SettlementFactory

from .factories import category

pytestmark = pytest.mark.django_db


def resident(days: int = 30, **kwargs):
    """A signed-up user whose account is ``days`` old (7 or more: trusted, published at once)."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=days), **kwargs)


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 54.0, 0.0), 4: (27.0, 33.0, 0.0)}  # GPSInfo: a position
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("pothole.jpg", out.getvalue(), content_type="image/jpeg")


def raise_(actor, community=None, **values):
    community = community or CommunityFactory()
    values.setdefault("category", category("roads"))
    values.setdefault("title", "Pothole at the bus stop")
    values.setdefault("description", "Deep and full of water.")
    return services.raise_issue(actor=actor, community=community, **values)


@pytest.fixture
def community():
    return CommunityFactory()


# --- raise_issue ------------------------------------------------------------------------------------


def test_an_established_resident_s_issue_is_published_at_once(community):
    user = resident()
    issue = raise_(user, community, address="Lenina 1", latitude="53.9", longitude=27.56)
    assert issue.status == "open" and issue.published_at is not None and issue.is_public
    assert issue.reporter == user.person
    assert issue.settlement == community.settlement
    assert issue.latitude == Decimal("53.900000") and issue.longitude == Decimal("27.560000")
    assert list(issue.timeline.values_list("kind", flat=True)) == ["published"]
    assert Follow.objects.filter(issue=issue, person=user.person).exists()
    entry = AuditEntry.objects.get(action="local_issues.issue.raised")
    assert entry.data["status"] == "open" and entry.actor == user


def test_a_new_account_s_issue_waits_for_moderation(community):
    issue = raise_(resident(days=2), community)
    assert issue.status == "waiting" and issue.published_at is None and not issue.is_public
    assert not issue.timeline.exists()


def test_the_trust_period_is_a_setting(settings, community):
    settings.LOCAL_ISSUES_TRUSTED_AFTER_DAYS = 1
    assert raise_(resident(days=2), community).status == "open"
    settings.LOCAL_ISSUES_TRUSTED_AFTER_DAYS = 0
    assert raise_(resident(days=0), community).status == "open"


def test_an_open311_request_for_a_person_without_account_waits(community):
    from hramada.local_issues.models import Open311Client
    from hramada.orgs.tests.factories import OrganisationFactory

    client = Open311Client.objects.create(
        name="City app", key_hash="x" * 64, organisation=OrganisationFactory()
    )
    person = PersonFactory()
    issue = services.raise_issue(
        actor=None,
        reporter=person,
        open311_client=client,
        community=community,
        category=category(),
        title="Lamp out",
        description="Dark at night.",
    )
    assert issue.reporter == person and issue.status == "waiting" and issue.open311_client == client
    # an established account through Open311 waits too
    assert raise_(resident(), community, open311_client=client).status == "waiting"


def test_a_reporter_is_needed(community):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError, match="Sign in"):
        raise_(AnonymousUser(), community)
    with pytest.raises(DomainError, match="Sign in"):
        services.raise_issue(
            actor=None,
            reporter=PersonFactory(),
            community=community,
            category=category(),
            title="t",
            description="d",
        )
    user = resident()
    user.person.erased_at = timezone.now()
    user.person.save()
    with pytest.raises(DomainError):
        raise_(user, community)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"address": "x" * 301}, "address"),
        ({"latitude": "91", "longitude": "1"}, "latitude"),
        ({"latitude": "1", "longitude": "-180.5"}, "longitude"),
        ({"latitude": "north", "longitude": "1"}, "latitude"),
        ({"latitude": "53.9"}, "longitude"),
        ({"longitude": "27.5"}, "latitude"),
    ],
)
def test_refusals_name_the_field(community, values, field):
    with pytest.raises(DomainError) as refused:
        raise_(resident(), community, **values)
    assert refused.value.field == field and refused.value.message


def test_the_category_must_be_offered(community):
    roads = category("roads")
    roads.active = False
    roads.save()
    with pytest.raises(DomainError, match="categories offered") as refused:
        raise_(resident(), community, category=roads)
    assert refused.value.field == "category"
    with pytest.raises(DomainError):
        raise_(resident(), community, category=None)


def test_the_community_must_be_published():
    hidden = CommunityFactory(is_published=False)
    with pytest.raises(DomainError) as refused:
        raise_(resident(), hidden)
    assert refused.value.field == "community"


def test_the_settlement_is_the_community_s_or_in_its_district(community):
    home = community.settlement
    neighbour = SettlementFactory(region=home.region, district=home.district)
    assert raise_(resident(), community, settlement=neighbour).settlement == neighbour
    far = SettlementFactory()
    with pytest.raises(DomainError, match="district") as refused:
        raise_(resident(), community, settlement=far)
    assert refused.value.field == "settlement"


def test_photos_are_re_encoded_without_gps(community):
    issue = raise_(resident(), community, photos=[jpeg_with_gps()])
    photo = IssuePhoto.objects.get(issue=issue)
    with photo.image.open("rb") as stored:
        image = Image.open(stored)
        assert not image.getexif()
        assert "exif" not in image.info


def test_not_an_image_is_refused_and_nothing_is_kept(community):
    bad = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(DomainError, match="not an image") as refused:
        raise_(resident(), community, photos=[bad])
    assert refused.value.field == "photos"
    assert not IssuePhoto.objects.exists()


def test_at_most_six_photos(community):
    with pytest.raises(DomainError, match="at most 6"):
        raise_(resident(), community, photos=[jpeg_with_gps() for _ in range(7)])


def test_issues_per_person_a_day_are_limited(settings, community):
    settings.LOCAL_ISSUES_PER_PERSON_DAY = 2
    user = resident()
    raise_(user, community)
    raise_(user, community)
    with pytest.raises(DomainError, match="many issues today"):
        raise_(user, community)
    raise_(resident(), community)  # somebody else still may


def test_issues_per_network_a_day_are_limited(settings, community):
    settings.LOCAL_ISSUES_PER_NETWORK_DAY = 2
    key = services.network_key("192.0.2.7")
    assert key == services.network_key("192.0.2.200") and "192.0.2" not in key
    raise_(resident(), community, network_key=key)
    raise_(resident(), community, network_key=key)
    with pytest.raises(DomainError, match="many issues today"):
        raise_(resident(), community, network_key=key)
    raise_(resident(), community, network_key=services.network_key("198.51.100.1"))


def test_a_backdated_issue_keeps_its_date(community):
    then = timezone.now() - timedelta(days=40)
    issue = raise_(resident(days=400), community, now=then)
    issue.refresh_from_db()
    assert issue.created_at == then and issue.published_at == then
    assert issue.timeline.get().created_at == then
