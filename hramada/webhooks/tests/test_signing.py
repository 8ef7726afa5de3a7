"""Signatures as the Standard Webhooks specification defines them, checked against the specification's
published example (secret, id, timestamp, body and the expected signature from its reference tests)."""

import base64
import hashlib
import hmac
import re

from hramada.webhooks import signing

# The example of the Standard Webhooks reference libraries' tests.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_specification_example():
    assert signing.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_headers_carry_id_timestamp_and_signature():
    headers = signing.headers([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    assert headers == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_during_a_rotation_both_secrets_sign():
    new = signing.new_secret()
    headers = signing.headers([new, SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    first, second = headers["webhook-signature"].split(" ")
    assert second == SPEC_SIGNATURE
    assert first == signing.signature(new, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)


def test_a_new_secret_is_32_random_bytes_in_base64_after_whsec():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != signing.new_secret()


def test_message_ids_are_msg_and_a_ulid():
    assert re.fullmatch(r"msg_[0-9A-HJKMNP-TV-Z]{26}", signing.new_message_id())


def test_an_independent_verifier_accepts_our_signature():
    """Written from the specification's text, sharing no code with ``signing``."""
    secret = signing.new_secret()
    body = '{"type":"webhook.test","data":{}}'
    header = signing.signature(secret, "msg_1", 1700000000, body)
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, b"msg_1.1700000000." + body.encode(), hashlib.sha256).digest())
    assert header.split(",", 1) == ["v1", expected.decode()]
