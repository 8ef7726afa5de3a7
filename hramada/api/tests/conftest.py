import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Rate-limit counters start empty; the proof of work is cheap (tests that need it switch it on)."""
    cache.clear()
    settings.VOTING_POW_REQUIRED = False
    settings.VOTING_POW_MAXNUMBERS = (50, 100, 200)
    yield
    cache.clear()
