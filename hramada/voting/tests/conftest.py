import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _voting_friction(settings):
    """Rate-limit counters start empty in each test; the proof of work is switched off except in the
    tests about it (they set ``VOTING_POW_REQUIRED = True``), and cheap when on."""
    cache.clear()
    settings.VOTING_POW_REQUIRED = False
    settings.VOTING_POW_MAXNUMBERS = (50, 100, 200)
    yield
    cache.clear()
