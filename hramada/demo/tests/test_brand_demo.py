import pytest

from hramada.demo import brand
from hramada.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def test_demo_gallery_is_labelled_as_illustrations_and_idempotent():
    bashni = CommunityFactory(name="Bashni village", name_en="Bashni village")
    hodosy = CommunityFactory(name="Hodosy agro-town", name_en="Hodosy agro-town")
    brand.load(admin_user=None)
    brand.load(admin_user=None)
    for community in (bashni, hodosy):
        photos = list(community.photos.all())
        assert len(photos) == 2 and all(p.is_illustration and p.alt_en and p.alt_be for p in photos)
