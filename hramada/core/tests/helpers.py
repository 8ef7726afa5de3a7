import os
import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator, as the enrolment page would; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def pass_second_factor(client, user):
    """Record in the client's session that ``user`` typed a code, as allauth does at a two-factor login."""
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def login_staff(client, user):
    """Log ``user`` in as after a two-factor login (password and code), as organiser pages require."""
    enrol_totp(user)
    client.force_login(user)
    pass_second_factor(client, user)
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


def minimal_pdf(*, catalog: str = "", page: str = "", objects: tuple[str, ...] = ()) -> bytes:
    """A small valid one-page PDF (with a correct cross-reference table); ``catalog`` and ``page`` add
    entries to those dictionaries and ``objects`` adds objects numbered from 4 on."""
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page}>>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
