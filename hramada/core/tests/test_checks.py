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


def _check_deploy(**overrides):
    """``manage.py check --deploy`` in a fresh process with a production environment."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "HASH_KEY")}
    env.update(
        HRAMADA_ENV="production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="hramada.example.org",
        CREDENTIAL_SIGNING_KEY="ab" * 32,
    )
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    root = Path(__file__).resolve().parents[3]
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_in_production_without_redis_or_a_hash_key():
    result = _check_deploy()
    assert result.returncode != 0
    assert "core.E002" in result.stderr and "Production needs Redis: set REDIS_URL." in result.stderr
    assert "core.E003" in result.stderr  # HASH_KEY unset: it would be SECRET_KEY
    result = _check_deploy(REDIS_URL="redis://127.0.0.1:6379/0", HASH_KEY="k" * 60)
    assert result.returncode != 0 and "core.E003" in result.stderr and "core.E002" not in result.stderr
    result = _check_deploy(REDIS_URL="redis://127.0.0.1:6379/0", HASH_KEY="h" * 60)
    assert "core.E002" not in result.stderr and "core.E003" not in result.stderr, result.stderr
