"""Open Badges 3.0 credentials for certificates: building, signing and verifying.

A certificate's credential is a JSON-LD ``OpenBadgeCredential`` (W3C Verifiable Credentials 2.0 with
the Open Badges 3.0 context). Its issuer is a ``Profile`` of the programme's lead organisation; the
platform signs on the organisation's behalf with one Ed25519 key, as a W3C Data Integrity proof with
the ``eddsa-jcs-2022`` cryptosuite (RFC 8785 JSON canonicalisation, SHA-256, Ed25519). The public key
is published as a ``Multikey`` in each issuer's profile document, served by the site at
``/credentials/issuers/<organisation id>`` (``verification_method_id``).

The key comes from the ``CREDENTIAL_SIGNING_KEY`` setting (64 hex digits: the 32-byte Ed25519 seed).
In development, without one, a key is generated once and kept in the private media folder; in
production signing refuses to start without it (and ``check --deploy`` says so: ``checks.py``),
since app servers that each generated a key would sign with different keys.
"""

import hashlib
import os
import secrets
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
KEY_FILE_NAME = "credential-signing-key"
# Multicodec prefix of an Ed25519 public key (0xed, as a varint: 0xed 0x01).
_ED25519_PUB_PREFIX = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# --- base58btc (multibase "z") -------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError("not base58")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


# --- The key ------------------------------------------------------------------------------------------


def _key_file() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / KEY_FILE_NAME


def _seed_from_setting() -> str:
    configured = (getattr(settings, "CREDENTIAL_SIGNING_KEY", "") or "").strip()
    if configured:
        return configured
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY is not set: certificates cannot be signed. See docs/programme-cohorts.md."
        )
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once keep the first one's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _private_key_from(seed_hex: str) -> Ed25519PrivateKey:
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured("CREDENTIAL_SIGNING_KEY must be 64 hexadecimal digits (a 32-byte seed).")
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    return _private_key_from(_seed_from_setting())


def public_key_multibase(key: Ed25519PublicKey | None = None) -> str:
    """The platform's public key as a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
    key = key or signing_key().public_key()
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(_ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("not base58btc multibase")
    raw = b58decode(value[1:])
    if not raw.startswith(_ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# --- Addresses ----------------------------------------------------------------------------------------


def issuer_id(organisation) -> str:
    return f"{settings.SITE_URL}/credentials/issuers/{organisation.public_id}"


def verification_method_id(organisation) -> str:
    return f"{issuer_id(organisation)}#key-1"


def credential_url(code: str) -> str:
    return f"{settings.SITE_URL}/c/{code}.json"


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}/c/{code}"


def issuer_profile(organisation) -> dict:
    """The issuer's profile document, with the platform's key as its verification method."""
    profile_id = issuer_id(organisation)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": profile_id,
        "type": ["Profile"],
        "name": str(organisation),
        "url": f"{settings.SITE_URL}/",
        "verificationMethod": [
            {
                "id": verification_method_id(organisation),
                "type": "Multikey",
                "controller": profile_id,
                "publicKeyMultibase": public_key_multibase(),
            }
        ],
        "assertionMethod": [verification_method_id(organisation)],
    }


# --- The credential -----------------------------------------------------------------------------------


def identity_hash(value: str, salt: str) -> str:
    """An Open Badges ``identityHash``: ``sha256$`` and the hex digest of the value and the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def build_credential(
    *,
    code: str,
    organisation,
    programme_title: str,
    cohort_title: str,
    achievement_id: str,
    description: str,
    criteria: str,
    holder_name: str,
    holder_key: str,
    key_type: str,
    starts_on,
    ends_on,
    valid_from,
    salt: str,
) -> dict:
    """The unsigned credential. ``holder_key`` is what identifies the holder (their e-mail address,
    or the person's public id for someone without one); only its salted hash goes in, so the public
    credential does not show the address, while the holder can prove it by revealing the salt's pair."""
    issuer = {"id": issuer_id(organisation), "type": ["Profile"], "name": str(organisation)}
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{programme_title}: {cohort_title}",
        "issuer": issuer,
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(holder_key, salt),
                    "identityType": key_type,
                    "hashed": True,
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": holder_name,
                    "identityType": "name",
                    "hashed": False,
                },
            ],
            "activityStartDate": f"{starts_on.isoformat()}T00:00:00Z",
            "activityEndDate": f"{ends_on.isoformat()}T00:00:00Z",
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": f"{programme_title}: {cohort_title}",
                "description": description or programme_title,
                "criteria": {"narrative": criteria},
                "creator": issuer,
            },
        },
    }


def _iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: dict, proof_config: dict) -> bytes:
    """eddsa-jcs-2022: SHA-256 of the canonical proof configuration, then of the canonical document."""
    return (
        hashlib.sha256(rfc8785.dumps(proof_config)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )


def sign(credential: dict, *, verification_method: str, created) -> dict:
    """The credential with a Data Integrity proof (``eddsa-jcs-2022``) by the platform's key."""
    document = deepcopy(credential)
    document.pop("proof", None)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    config = {**proof, "@context": document["@context"]}
    signature = signing_key().sign(_hash_data(document, config))
    return {**document, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


def verify(credential: dict, *, public_key: Ed25519PublicKey | None = None) -> bool:
    """True when the credential's proof is a valid ``eddsa-jcs-2022`` signature by the platform's key
    (or ``public_key``) over exactly this credential. Says nothing about revocation."""
    if not isinstance(credential, dict):
        return False
    proof = credential.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof":
        return False
    if proof.get("cryptosuite") != CRYPTOSUITE or proof.get("proofPurpose") != "assertionMethod":
        return False
    value = proof.get("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signature = b58decode(value[1:])
    except ValueError:
        return False
    document = {key: item for key, item in credential.items() if key != "proof"}
    config = {key: item for key, item in proof.items() if key != "proofValue"}
    if "@context" in config and config["@context"] != document.get("@context"):
        return False
    config["@context"] = document.get("@context")
    # The key must be the one the issuer's profile publishes (ours), under that issuer's id.
    issuer = document.get("issuer")
    issuer_ref = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_ref, str) or proof.get("verificationMethod") != f"{issuer_ref}#key-1":
        return False
    key = public_key or signing_key().public_key()
    try:
        key.verify(signature, _hash_data(document, config))
    except (InvalidSignature, ValueError, TypeError):
        return False
    except rfc8785.CanonicalizationError:
        return False
    return True


def check_signing_key(app_configs=None, **kwargs):
    """Deployment check (``check --deploy``): production needs ``CREDENTIAL_SIGNING_KEY``, well formed."""
    from django.core.checks import Error

    configured = (getattr(settings, "CREDENTIAL_SIGNING_KEY", "") or "").strip()
    if settings.PRODUCTION and not configured:
        return [
            Error(
                "CREDENTIAL_SIGNING_KEY is not set: certificates cannot be signed, or each server "
                "would sign with a key of its own.",
                hint="Set it to 64 hexadecimal digits (python -c 'import secrets; print(secrets.token_hex(32))').",
                id="programmes.E001",
            )
        ]
    if configured:
        try:
            _private_key_from(configured)
        except ImproperlyConfigured as error:
            return [Error(str(error), id="programmes.E002")]
    return []
