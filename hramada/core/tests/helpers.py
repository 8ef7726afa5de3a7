import os

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator, as the enrolment page would; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login_staff(client, user):
    """Log ``user`` in with a TOTP authenticator enrolled, as organiser pages (``/manage/``) require."""
    enrol_totp(user)
    client.force_login(user)
    return user


def xdist_worker_index() -> int:
    """0 for the first (or only) test process, n for pytest-xdist's worker gw<n>."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else 0


def worker_redis_url(url: str) -> str:
    """The Redis database this test process may use: tests clear the whole cache (FLUSHDB), so
    parallel workers get databases of their own (the given number, minus 4 per worker)."""
    base, _, db = url.rpartition("/")
    return f"{base}/{int(db) - 4 * xdist_worker_index()}" if db.isdigit() else url
