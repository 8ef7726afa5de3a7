import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Review tests create many users; the real password hasher would dominate their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
