"""API tokens: creating, revoking, checking a presented token; the rate limits per token and, for
public reads without one, per (hashed) address."""

import hashlib
import hmac
import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash

from .models import ApiToken, Scope

TOKEN_PREFIX = "hrm_"  # noqa: S105 - a public marker, not a secret
SHOWN_PREFIX_LENGTH = 12  # "hrm_" and 8 characters of the secret: enough to tell tokens apart
MAX_ACTIVE_TOKENS = 20
# Touching last_used_at at most once a minute keeps a busy client from writing on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_scopes(scopes) -> list[str]:
    valid = set(Scope.values)
    chosen = [scope for scope in Scope.values if scope in set(scopes or [])]
    if not chosen or any(scope not in valid for scope in scopes):
        raise DomainError(_("Choose at least one of the listed scopes."), field="scopes")
    return chosen


def create_token(*, actor, name: str, scopes, organisation=None, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for ``actor`` (or for ``organisation``, by one of its owners); returns the token and
    its secret, which exists only in this return value (stored as a hash)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, so you recognise it later."), field="name")
    chosen = _clean_scopes(scopes)
    if organisation is not None:
        if not actor.has_perm("orgs.manage_members", organisation):
            raise DomainError(_("Only the organisation's owners manage its API tokens."))
        if Scope.VOTE in chosen or Scope.REGISTER in chosen:
            raise DomainError(
                _("An organisation cannot vote or register for events: choose reading or exports."),
                field="scopes",
            )
        owner = {"organisation": organisation}
    else:
        owner = {"user": actor}
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise DomainError(_("The expiry date must be in the future."), field="expires_at")
    active = ApiToken.objects.filter(revoked_at__isnull=True, **owner)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise DomainError(_("Too many active tokens: revoke one you no longer use first."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        scopes=chosen,
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        secret_hash=hash_secret(raw),
        expires_at=expires_at,
        created_by=actor,
        **owner,
    )
    audit.record(
        actor=actor,
        action="api.token.created",
        target=token,
        scope=organisation or actor,
        data={"token": token.public_id, "scopes": chosen},
    )
    return token, raw


def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    if token.organisation_id is not None:
        if not actor.has_perm("orgs.manage_members", token.organisation):
            raise DomainError(_("Only the organisation's owners manage its API tokens."))
    elif token.user_id != actor.pk:
        raise DomainError(_("This is not your token."))
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not changed:
        raise DomainError(_("This token is already revoked."))
    token.refresh_from_db()
    audit.record(
        actor=actor,
        action="api.token.revoked",
        target=token,
        scope=token.organisation or actor,
        data={"token": token.public_id},
    )
    return token


def token_for(raw: str, now=None) -> ApiToken | None:
    """The active token presented as ``raw``, or None. The lookup is by the hash (unique index); the
    hashes are then compared in constant time as well."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = hash_secret(raw)
    token = ApiToken.objects.select_related("user", "organisation").filter(secret_hash=digest).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        return None
    now = now or timezone.now()
    if not token.is_active(now):
        return None
    if token.user_id is not None and not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limit() -> int:
    """Requests per token per minute (setting ``API_RATE_LIMIT_PER_MINUTE``)."""
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 120))


def anonymous_rate_limit() -> int:
    """Public reads without a token, per address per minute (setting
    ``API_ANONYMOUS_RATE_LIMIT_PER_MINUTE``). Generous: many honest readers share one VPN exit."""
    return int(getattr(settings, "API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", 300))


def _count(key: str, limit: int, now) -> int | None:
    """Count one request under ``key`` in the current minute (a fixed window); the seconds to wait when
    over ``limit``, else None. The counter lives in the cache (Redis in production: atomic increments),
    like the site's other limits."""
    window = int(now.timestamp()) // 60
    key = f"{key}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    if count > limit:
        return 60 - int(now.timestamp()) % 60
    return None


def count_request(token: ApiToken, now=None) -> int | None:
    """Count one request of ``token``: the seconds to wait when over its limit, else None."""
    return _count(f"api:rate:{token.pk}", rate_limit(), now or timezone.now())


def address_key(ip: str) -> str:
    """A keyed hash of the client's address (an IPv6 client's /64, which one household holds), never the
    address itself; '' when there is no address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        address = ipaddress.ip_network(f"{address}/64", strict=False).network_address
    return keyed_hash(str(address), purpose="api-address")


def count_anonymous(ip: str, now=None) -> int | None:
    """Count one public read from this address: the seconds to wait when over the limit, else None."""
    return _count(f"api:anon:{address_key(ip) or 'unknown'}", anonymous_rate_limit(), now or timezone.now())


def audit_use(*, token: ApiToken, action: str, target=None, scope=None, data=None) -> None:
    """An action done with a token: recorded with the token's id (votes keep their own anonymous entry)."""
    audit.record(
        actor=token.user,
        action=f"api.{action}",
        target=target,
        scope=scope or token.organisation or token.user,
        data={"token": token.public_id, **(data or {})},
    )
