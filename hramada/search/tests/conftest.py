import pytest
from django.utils import timezone

from hramada.news.tests.factories import PostFactory
from hramada.places.tests.factories import CommunityFactory, SettlementFactory


@pytest.fixture
def hodosy():
    settlement = SettlementFactory(name="Ходосы", name_be="Ходасы", name_ru="Ходосы", name_en="Hodosy")
    return CommunityFactory(
        settlement=settlement,
        name="Ходосы",
        name_be="Ходасы",
        name_ru="Ходосы",
        name_en="Hodosy",
        slug="hodosy",
    )


@pytest.fixture
def forum_post():
    """A published post about the forum in the village of Bashni, in Belarusian and Russian."""
    return PostFactory(
        title="Форум у Башнях",
        title_en="",
        title_be="Форум у Башнях",
        excerpt_be="Жыхары Башняў сабраліся на форум.",
        body_be="Вялікі **форум** адбыўся ў вёсцы Башні.",
        excerpt_en="",
        body_en="",
        title_ru="Форум в Башнях",
        excerpt_ru="Жители Башен собрались на форум.",
        body_ru="Большой форум прошёл в деревне Башни.",
        published_at=timezone.now(),
    )
