"""``check --deploy`` refuses a production configuration that several app servers cannot share."""

from hramada.core.checks import check_production_services


def ids(settings, **values):
    for name, value in values.items():
        setattr(settings, name, value)
    return sorted(error.id for error in check_production_services())


def test_production_without_redis_or_with_the_secret_key_as_hash_key_fails(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = "s" * 50
    assert ids(settings, REDIS_URL="", HASH_KEY=settings.SECRET_KEY) == ["core.E002", "core.E003"]
    assert ids(settings, REDIS_URL="redis://cache:6379/0", HASH_KEY="") == ["core.E003"]
    assert ids(settings, REDIS_URL="redis://cache:6379/0", HASH_KEY="h" * 50) == []


def test_development_needs_neither(settings):
    settings.PRODUCTION = False
    assert ids(settings, REDIS_URL="", HASH_KEY=settings.SECRET_KEY) == []
