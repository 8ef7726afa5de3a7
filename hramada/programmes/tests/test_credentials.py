"""Open Badges 3.0 credentials: signed with eddsa-jcs-2022, verified, tampering detected, the key."""

import datetime
from copy import deepcopy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from hramada.orgs.tests.factories import OrganisationFactory
from hramada.programmes import credentials

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def _credential(org):
    unsigned = credentials.build_credential(
        code="abc123",
        organisation=org,
        programme_title="Leadership in local communities",
        cohort_title="2026",
        achievement_id="https://example.org/credentials/achievements/x",
        description="Local leaders",
        criteria="Attended at least 80% of the sessions.",
        holder_name="Марына Аляксеенка",
        holder_key="marina@example.org",
        key_type="emailAddress",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 11, 30),
        valid_from=NOW,
        salt="0011",
    )
    return credentials.sign(
        unsigned, verification_method=credentials.verification_method_id(org), created=NOW
    )


def test_signed_credential_is_an_open_badge_that_verifies():
    org = OrganisationFactory()
    signed = _credential(org)
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert signed["issuer"]["type"] == ["Profile"]
    assert signed["credentialSubject"]["achievement"]["criteria"]["narrative"].startswith("Attended")
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert signed["proof"]["proofValue"].startswith("z")
    assert credentials.verify(signed)


def test_the_email_is_only_in_the_credential_as_a_salted_hash():
    signed = _credential(OrganisationFactory())
    text = str(signed)
    assert "marina@example.org" not in text
    identifier = signed["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is True
    assert identifier["identityHash"] == credentials.identity_hash("marina@example.org", "0011")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["identifier"][1].update(identityHash="Someone Else"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
        lambda c: c["issuer"].update(name="Another organisation"),
        lambda c: c["proof"].update(proofValue="z" + credentials.b58encode(b"\1" * 64)),
        lambda c: c.pop("proof"),
        lambda c: c["proof"].update(verificationMethod="https://elsewhere.example/#key-1"),
    ],
)
def test_a_tampered_credential_fails(tamper):
    signed = _credential(OrganisationFactory())
    tampered = deepcopy(signed)
    tamper(tampered)
    assert not credentials.verify(tampered)


def test_another_key_does_not_verify():
    signed = _credential(OrganisationFactory())
    assert not credentials.verify(signed, public_key=Ed25519PrivateKey.generate().public_key())


def test_the_issuer_profile_publishes_the_key_as_a_multikey():
    org = OrganisationFactory()
    profile = credentials.issuer_profile(org)
    method = profile["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["id"] == credentials.verification_method_id(org)
    assert method["publicKeyMultibase"].startswith("z6Mk")
    key = credentials.public_key_from_multibase(method["publicKeyMultibase"])
    assert credentials.verify(_credential(org), public_key=key)


def test_key_from_the_setting(settings):
    seed = "11" * 32
    settings.CREDENTIAL_SIGNING_KEY = seed
    expected = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed)).public_key()
    assert credentials.public_key_multibase() == credentials.public_key_multibase(expected)


def test_a_malformed_key_setting_is_refused(settings):
    settings.CREDENTIAL_SIGNING_KEY = "not hex"
    with pytest.raises(ImproperlyConfigured):
        credentials.signing_key()


def test_development_key_is_generated_once_in_the_private_folder(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    first = credentials.public_key_multibase()
    path = settings.PRIVATE_MEDIA_ROOT / credentials.KEY_FILE_NAME
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert credentials.public_key_multibase() == first


def test_production_refuses_to_sign_without_a_key_and_the_deploy_check_says_so(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        credentials.signing_key()
    errors = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "programmes.E001" in errors
    settings.CREDENTIAL_SIGNING_KEY = "22" * 32
    errors = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "programmes.E001" not in errors


def test_base58_round_trip():
    for data in (b"", b"\0\0\1", bytes(range(40))):
        assert credentials.b58decode(credentials.b58encode(data)) == data
