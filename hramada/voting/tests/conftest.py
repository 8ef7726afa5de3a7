import pytest
from django.core.cache import cache

from hramada.voting import sms


@pytest.fixture(autouse=True)
def _voting_friction(settings):
    """Rate-limit counters start empty in each test; the proof of work is switched off except in the
    tests about it (they set ``VOTING_POW_REQUIRED = True``), and cheap when on. Text messages go
    to ``sms.outbox``."""
    cache.clear()
    settings.VOTING_POW_REQUIRED = False
    settings.VOTING_POW_MAXNUMBERS = (50, 100, 200)
    settings.SMS_BACKEND = "hramada.voting.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()
