import hashlib
import hmac

from django.conf import settings


def keyed_hash(*parts: str, purpose: str) -> str:
    """HMAC-SHA256 of the parts under the server's hash key, separated by purpose.

    Used for anything that must be comparable but not reversible (network prefixes, voter ids).
    """
    key = hashlib.sha256(f"{purpose}:{settings.HASH_KEY}".encode()).digest()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
