"""Privacy-preserving facts about a vote attempt, rate limits and the proof-of-work challenge.

Nothing here keeps an address, a user id or a full user-agent string: the network is a keyed hash of
the IPv4 /24 or IPv6 /64 prefix, the browser a coarse family, the e-mail two yes/no flags. The
friction is progressive: a busy or suspicious network gets a harder proof of work, and only an
extreme rate is refused outright (many honest voters share one VPN exit or village network).
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import altcha
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.utils import timezone

from hramada.core.hashing import keyed_hash
from hramada.people.adapters import is_disposable_email

# Defaults; each can be overridden by a setting of the same name (see docs/contests.md).
DEFAULT_RATE_LIMITS = {
    # Votes per minute. An account above its limit is refused (a person votes a few times a minute
    # at most); a network above "network_soft"/"network_harder" gets a harder challenge; only above
    # "network_refuse" is it refused for the rest of the minute.
    "account_per_minute": 20,
    "network_soft": 30,
    "network_harder": 120,
    "network_refuse": 600,
    # Wrong voting codes per network and hour: guessing a 75-bit code is hopeless anyway; this keeps
    # a guesser from even trying at scale. Text messages (phone checks) per network and hour: each
    # one costs money, so an "SMS pumping" script is stopped early.
    "network_bad_codes_per_hour": 20,
    "network_sms_per_hour": 20,
}
# Expected work: the client searches a counter in 0..maxnumber (SHA-256, so about maxnumber/2 hashes).
DEFAULT_POW_MAXNUMBERS = (20_000, 200_000, 2_000_000)
POW_ALGORITHM = "SHA-256"
POW_TTL = timedelta(minutes=10)
NEW_ACCOUNT_SECONDS = 60  # an account this young pays the hardest challenge


def _setting(name, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class RequestMeta:
    """What the view knows of the request: the client address (proxies resolved) and user agent."""

    ip: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(cls, request) -> "RequestMeta":
        # allauth resolves X-Forwarded-For with TRUSTED_PROXY_COUNT (ALLAUTH_TRUSTED_PROXY_COUNT).
        from allauth.core.internal.httpkit import get_client_ip

        return cls(ip=get_client_ip(request) or "", user_agent=request.META.get("HTTP_USER_AGENT", "")[:400])


def network_of(ip: str) -> str:
    """The IPv4 /24 or IPv6 /64 network of an address, as text ('' if not an address)."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def network_hash(ip: str) -> str:
    """Keyed hash of the network prefix: comparable between votes, not reversible without HASH_KEY."""
    network = network_of(ip)
    return keyed_hash(network, purpose="vote-network") if network else ""


_BROWSERS = [  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("opera", re.compile(r"OPR/|Opera")),
    ("samsung", re.compile(r"SamsungBrowser/")),
    ("yandex", re.compile(r"YaBrowser/")),
    ("firefox", re.compile(r"Firefox/|FxiOS/")),
    ("chrome", re.compile(r"Chrome/|CriOS/")),
    ("safari", re.compile(r"Safari/")),
]
_AUTOMATION = re.compile(
    r"Headless|bot\b|crawler|spider|curl/|wget/|python|httpx|aiohttp|Go-http|okhttp|java/", re.I
)
_MOBILE = re.compile(r"Mobi|Android|iPhone|iPad|iPod", re.I)


def ua_family(user_agent: str) -> str:
    """A coarse browser family and device class ("firefox/mobile"), or "automation" / "unknown"."""
    ua = user_agent or ""
    if not ua.strip():
        return "unknown"
    if _AUTOMATION.search(ua):
        return "automation"
    family = next((name for name, pattern in _BROWSERS if pattern.search(ua)), "other")
    return f"{family}/{'mobile' if _MOBILE.search(ua) else 'desktop'}"


_DOT_INSENSITIVE = {"gmail.com", "googlemail.com"}


def is_aliased_email(address: str) -> bool:
    """A sub-address ("anna+7@...") or a dotted Gmail variant with several dots ("a.n.n.a@gmail.com").

    One dot is common in real names, so only two or more count.
    """
    local, _, domain = (address or "").lower().rpartition("@")
    return "+" in local or (domain in _DOT_INSENSITIVE and local.count(".") >= 2)


@dataclass(frozen=True)
class AccountFacts:
    age_seconds: int | None
    disposable: bool
    aliased: bool
    verified: bool = True  # has at least one verified e-mail address


def account_facts(user, now, addresses: list[str] | None = None) -> AccountFacts:
    """The facts the log keeps about an account: its age and two e-mail flags (never the address),
    and whether it has a verified address at all (one query for all of them, unless the caller read
    the verified ``addresses`` already)."""
    if addresses is None:
        addresses = list(
            EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
        )
    joined = getattr(user, "date_joined", None)
    age = max(0, int((now - joined).total_seconds())) if joined else None
    return AccountFacts(
        age_seconds=age,
        disposable=any(is_disposable_email(a) for a in addresses),
        aliased=any(is_aliased_email(a) for a in addresses),
        verified=bool(addresses),
    )


# --- Proof of work (ALTCHA) -------------------------------------------------------------------------


def pow_required() -> bool:
    return bool(_setting("VOTING_POW_REQUIRED", True))


def _hmac_secret() -> str:
    return keyed_hash("altcha-challenge", purpose="altcha")


def _maxnumbers() -> tuple[int, ...]:
    return tuple(_setting("VOTING_POW_MAXNUMBERS", DEFAULT_POW_MAXNUMBERS))


# --- Rate limits (cache with atomic increments; Redis in production) -------------------------------
#
# Counters live in fixed windows (the key names the minute, hour or 10-minute bucket), so a counter
# is only ever incremented and read, never reset. The vote path does all of its counting and reading
# in one round trip (``vote_attempt``: one Lua script on Redis; with another cache, its own operations).


def _minute(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M")


def _key(kind: str, value: str, now) -> str:
    return f"voting:rate:{kind}:{value}:{_minute(now)}"


def _hour_key(kind: str, value: str, now) -> str:
    return f"voting:rate:{kind}:{value}:{now.strftime('%Y%m%d%H')}"


def _redis_cache():
    """The default cache if it is Django's Redis cache (so one script can do several commands), else None."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


# Increment the first ARGV[1] keys (each followed by its time to live in ARGV) and read the rest:
# one command, so the vote's counting and reading is one round trip and one reply to parse.
_INCR_AND_READ_LUA = """
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  out[i] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[i + 1])
end
for i = n + 1, #KEYS do
  out[i] = redis.call('GET', KEYS[i])
end
return out
"""
_scripts: dict[object, object] = {}


def _incr_and_read_script(backend):
    """The script on a redis-py client (the public ``redis.Redis``) of its own for the cache's server,
    made once per process and server: Django's Redis cache builds a new client object, a few hundred
    Python calls, for every operation, and offers no public way to run a script. The server is the
    cache's configured ``LOCATION`` (``REDIS_URL``; the first server, which takes the writes, when
    several are listed), and the keys are the cache's own (``backend.make_key``)."""
    location = settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"]
    key = location if isinstance(location, str) else tuple(location)
    script = _scripts.get(key)
    if script is None:
        import redis

        primary = re.split("[;,]", location)[0] if isinstance(location, str) else location[0]
        script = _scripts[key] = redis.Redis.from_url(primary).register_script(_INCR_AND_READ_LUA)
    return script


def _incr_and_read(incr: dict[str, int], read: list[str]) -> tuple[list[int], list[int]]:
    """Increment each key of ``incr`` (value: its time to live in seconds) and read the ``read`` keys;
    returns the new counts and the values read (0 for a missing key). One round trip with Redis."""
    backend = _redis_cache()
    if backend is None:
        counts = []
        for key, ttl in incr.items():
            cache.add(key, 0, timeout=ttl)
            try:
                counts.append(cache.incr(key))
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=ttl)
                counts.append(1)
        found = cache.get_many(read) if read else {}
        return counts, [int(found.get(key) or 0) for key in read]
    # Django's Redis cache stores integers as plain numbers, so INCR and cache.get agree on them.
    # make_key, not make_and_validate_key: these keys are ASCII without spaces and well under 250
    # characters (memcached's limits, which the validation checks character by character).
    keys = [backend.make_key(key) for key in (*incr, *read)]
    replies = _incr_and_read_script(backend)(keys=keys, args=[len(incr), *incr.values()])
    return [int(value) for value in replies[: len(incr)]], [int(value or 0) for value in replies[len(incr) :]]


def hourly_count(kind: str, value: str, now) -> int:
    """This hour's count of ``kind`` events for a key (a network hash), without counting one more."""
    return int(cache.get(_hour_key(kind, value or "-", now)) or 0)


def bump_hourly(kind: str, value: str, now) -> int:
    """Count one ``kind`` event (a wrong code, a text message) for a key in this hour; returns the count."""
    return _incr_and_read({_hour_key(kind, value or "-", now): 7200}, [])[0][0]


def limits() -> dict:
    return {**DEFAULT_RATE_LIMITS, **_setting("VOTING_RATE_LIMITS", {})}


def count_attempt(*, account: str, network: str, now) -> tuple[int, int]:
    """Count one vote attempt for the account key and the network hash; returns both minute counts."""
    keys = {_key(kind, value, now): 120 for kind, value in (("acct", account), ("net", network)) if value}
    counts = iter(_incr_and_read(keys, [])[0])
    return (next(counts) if account else 0), (next(counts) if network else 0)


def over_limit(*, account_count: int, network_count: int) -> str | None:
    """Which hard limit an attempt broke ("account" or "network"), or None."""
    configured = limits()
    if account_count > configured["account_per_minute"]:
        return "account"
    if network_count > configured["network_refuse"]:
        return "network"
    return None


# New-account votes per vote and network ("suspicious network", fraud.Thresholds): counted in
# 10-minute buckets when a vote is accepted; the current bucket and the ones before it cover at
# least the thresholds' window (60 minutes: 7 buckets, so between 60 and 70 minutes are counted).
_BUCKET_SECONDS = 600


def _new_account_keys(stage_id, network: str, now) -> list[str]:
    from .fraud import thresholds

    bucket = int(now.timestamp()) // _BUCKET_SECONDS
    n = -(-thresholds().network_window_minutes * 60 // _BUCKET_SECONDS) + 1
    return [f"voting:newacct:{stage_id}:{network}:{bucket - i}" for i in range(n)]


def count_new_account_vote(*, stage, network: str, account_age: int | None, now) -> None:
    """Count an accepted vote of a new account for its network (no cache operation for older ones)."""
    from .fraud import thresholds

    configured = thresholds()
    if network and account_age is not None and account_age < configured.new_account_hours * 3600:
        ttl = configured.network_window_minutes * 60 + 2 * _BUCKET_SECONDS
        _incr_and_read({_new_account_keys(stage.pk, network, now)[0]: ttl}, [])


def _suspicious(new_account_votes: int) -> bool:
    from .fraud import thresholds

    return new_account_votes >= thresholds().network_new_account_votes


def network_is_suspicious(stage, network: str, now=None) -> bool:
    """Whether a network has cast many new-account votes in this vote lately (the hardest challenge)."""
    keys = _new_account_keys(stage.pk, network, now or timezone.now())
    return _suspicious(sum(int(v or 0) for v in cache.get_many(keys).values()))


def _level(*, net_count: int, account_count: int, account_age: int | None, suspicious: bool) -> int:
    configured = limits()
    level = 0
    if net_count > configured["network_harder"]:
        level = 2
    elif net_count > configured["network_soft"]:
        level = 1
    if account_count > configured["account_per_minute"] // 2:
        level = max(level, 1)
    if (account_age is not None and account_age < NEW_ACCOUNT_SECONDS) or suspicious:
        level = 2
    return min(level, len(_maxnumbers()) - 1)


def pow_level(*, account: str, network: str, account_age: int | None, stage=None, now=None) -> int:
    """How hard the next challenge is: 0 normally, 1 for a busy network, 2 for a very busy or
    suspicious one (many new-account votes) or a brand-new account. Friction, never a block."""
    now = now or timezone.now()
    net_key, account_key = _key("net", network, now), _key("acct", account, now)
    new_keys = _new_account_keys(stage.pk, network, now) if stage is not None and network else []
    found = cache.get_many([*([net_key] if network else []), *([account_key] if account else []), *new_keys])
    return _level(
        net_count=int(found.get(net_key) or 0) if network else 0,
        account_count=int(found.get(account_key) or 0) if account else 0,
        account_age=account_age,
        suspicious=_suspicious(sum(int(found.get(key) or 0) for key in new_keys)),
    )


def vote_attempt(
    *, account: str, network: str, account_age: int | None, stage, now
) -> tuple[int, str | None]:
    """Count one vote attempt and judge it, in one cache round trip: the proof-of-work level the
    attempt needs (as ``pow_level`` before counting it) and the hard limit it broke (``over_limit``)."""
    counters = {_key(kind, value, now): 120 for kind, value in (("acct", account), ("net", network)) if value}
    new_keys = _new_account_keys(stage.pk, network, now) if network else []
    counts, new_votes = _incr_and_read(counters, new_keys)
    counts = iter(counts)
    account_count = next(counts) if account else 0
    network_count = next(counts) if network else 0
    level = _level(
        net_count=max(0, network_count - 1),
        account_count=max(0, account_count - 1),
        account_age=account_age,
        suspicious=_suspicious(sum(new_votes)),
    )
    return level, over_limit(account_count=account_count, network_count=network_count)


def new_challenge(level: int, *, project: str, now=None) -> dict:
    """A signed challenge (JSON-ready dict) of the given level for a vote for ``project`` (its public
    id, signed into the challenge: solved for one project, it is refused for any other), expiring
    after POW_TTL."""
    now = now or timezone.now()
    maxnumbers = _maxnumbers()
    level = max(0, min(level, len(maxnumbers) - 1))
    import secrets

    challenge = altcha.create_challenge(
        POW_ALGORITHM,
        1,
        counter=secrets.randbelow(maxnumbers[level] + 1),
        key_prefix_length=8,
        expires_at=int((now + POW_TTL).timestamp()),
        data={"level": level, "project": project},
        hmac_secret=_hmac_secret(),
    )
    return challenge.to_dict()


def max_number(level: int) -> int:
    """The largest counter a challenge of ``level`` can need (the solver's progress is measured
    against it: the counter was drawn at random up to it)."""
    maxnumbers = _maxnumbers()
    return maxnumbers[max(0, min(level, len(maxnumbers) - 1))]


@dataclass(frozen=True)
class CheckedChallenge:
    nonce: str
    level: int
    expires_at: datetime
    project: str = ""  # the public id of the project it was issued for


def check_challenge(payload: str) -> CheckedChallenge | None:
    """The challenge of a solved payload if its signature, expiry and solution hold, else None.

    It does not tell whether the challenge was used before: the service records it as used.
    """
    if not payload or len(payload) > 4000:
        return None
    try:
        result = altcha.verify_solution(payload, _hmac_secret())
    except Exception:  # noqa: BLE001 - a forged payload can fail in many ways; all mean "not verified"
        return None
    if not result.verified:
        return None
    parsed = altcha.Payload.from_base64(payload)
    data = parsed.challenge.parameters.data or {}
    expires = parsed.challenge.parameters.expires_at or 0
    if not isinstance(data, dict):
        data = {}
    return CheckedChallenge(
        nonce=parsed.challenge.parameters.nonce,
        level=int(data.get("level", 0)),
        expires_at=datetime.fromtimestamp(int(expires), tz=timezone.get_current_timezone()),
        project=str(data.get("project") or ""),
    )


def solve(challenge: dict) -> str:
    """Solve a challenge as the widget would (tests, benchmarks): the base64 payload to post."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    return altcha.Payload(parsed, solution).to_base64()
