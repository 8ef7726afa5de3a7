"""The phone check of a public vote (rules ``require_phone``): one phone number, one voter per edition.

The voter types a number, gets a 6-digit code by text message (through ``voting.sms``), and types it
back. Only keyed hashes are stored: of the code (until it is used or replaced) and, once verified, of
the normalised number, per edition and unique there, next to the voter hash. The number itself is
never stored; it is sent to the gateway once, after the transaction commits (not through the task
queue, whose table would keep it).
"""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hramada.contests.models import Stage
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash

from . import antifraud, sms
from .models import PhoneCheck, VoterPhone, VotingRules
from .selectors import voter_hash

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
MAX_SENDS_PER_DAY = 5
# Country calling code and national number length. A number typed without "+" is read in the
# default country (setting VOTING_PHONE_COUNTRY), with its trunk prefix ("8 0.." in Belarus, "0.." in
# Armenia and Moldova) removed.
COUNTRIES = {"BY": ("375", 9), "AM": ("374", 8), "MD": ("373", 8)}
_ALLOWED = set("0123456789 +-().")


def default_country() -> str:
    country = getattr(settings, "VOTING_PHONE_COUNTRY", "BY")
    return country if country in COUNTRIES else "BY"


def normalise_phone(raw: str, country: str | None = None) -> str | None:
    """The number in E.164 form ("+375291234567"), or None if it cannot be a phone number."""
    text = (raw or "").strip()
    if not text or len(text) > 30 or set(text) - _ALLOWED or "+" in text[1:]:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    international = text.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international:
        calling, length = COUNTRIES[country or default_country()]
        if digits.startswith(calling) and len(digits) == len(calling) + length:
            pass  # international form without the "+"
        elif calling == "375" and digits.startswith("80") and len(digits) == length + 2:
            digits = calling + digits[2:]
        elif digits.startswith("0") and len(digits) == length + 1:
            digits = calling + digits[1:]
        elif len(digits) == length:
            digits = calling + digits
        else:
            return None
    for calling, length in COUNTRIES.values():
        if digits.startswith(calling) and len(digits) != len(calling) + length:
            return None
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


def phone_hash(e164: str, stage: Stage) -> str:
    """Keyed hash of the number and the edition: a number binds one voter per edition, and the
    numbers of different editions cannot be linked."""
    return keyed_hash(e164, str(stage.edition_id), purpose="voter-phone")


def _code_hash(check_phone_hash: str, code: str) -> str:
    return keyed_hash(code, check_phone_hash, purpose="phone-code")


def has_verified_phone(user, stage: Stage) -> bool:
    return VoterPhone.objects.filter(stage=stage, voter_hash=voter_hash(user, stage)).exists()


def _require_check(user, stage: Stage, now) -> str:
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to vote."))
    rules = VotingRules.objects.filter(stage=stage).first()
    if rules is None or not rules.require_phone:
        raise DomainError(_("This vote does not ask for a phone check."))
    if now >= stage.closes_at:
        raise DomainError(_("Voting is not open."))
    return voter_hash(user, stage)


def _number_taken() -> DomainError:
    return DomainError(
        _("This phone number has already confirmed another voter in this vote: one number, one voter."),
        field="phone",
    )


def start_phone_check(*, user, stage: Stage, phone: str, now=None, request_meta=None) -> PhoneCheck:
    """Send a 6-digit code (valid 10 minutes) to the voter's phone; a new code at most once a minute
    and five times a day, and a limited number of messages per network and hour."""
    now = now or timezone.now()
    voter = _require_check(user, stage, now)
    if VoterPhone.objects.filter(stage=stage, voter_hash=voter).exists():
        raise DomainError(_("Your phone number is already confirmed for this vote."))
    e164 = normalise_phone(phone)
    if e164 is None:
        raise DomainError(
            _(
                "This does not look like a phone number. Type it with the country code, for example +375 29 123 45 67."
            ),
            field="phone",
        )
    digest = phone_hash(e164, stage)
    if VoterPhone.objects.filter(stage=stage, phone_hash=digest).exists():
        raise _number_taken()
    network = antifraud.network_hash((request_meta or antifraud.RequestMeta()).ip)
    if antifraud.hourly_count("sms", network, now) >= antifraud.limits()["network_sms_per_hour"]:
        raise DomainError(
            _("Too many codes were sent to phones from your network. Please try again in an hour.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        check = PhoneCheck.objects.select_for_update().filter(stage=stage, voter_hash=voter).first()
        if check is None:
            check = PhoneCheck(stage=stage, voter_hash=voter, sends=1)
        else:
            if now - check.last_sent_at < RESEND_AFTER:
                raise DomainError(_("We have just sent you a code. Wait a minute before asking for another."))
            check.sends = check.sends + 1 if now - check.last_sent_at < timedelta(days=1) else 1
            if check.sends > MAX_SENDS_PER_DAY:
                raise DomainError(
                    _("You have asked for %(n)s codes today. Please try again tomorrow.")
                    % {"n": MAX_SENDS_PER_DAY}
                )
        check.phone_hash = digest
        check.code_hash = _code_hash(digest, code)
        check.expires_at = now + CODE_TTL
        check.attempts = 0
        check.last_sent_at = now
        try:
            with transaction.atomic():
                check.save()
        except IntegrityError:  # a second request of the same voter created it at the same moment
            raise DomainError(
                _("We have just sent you a code. Wait a minute before asking for another.")
            ) from None
        antifraud.bump_hourly("sms", network, now)
        body = _("Your voting code: %(code)s. It is valid for 10 minutes. Do not give it to anyone.") % {
            "code": code
        }
        transaction.on_commit(lambda: sms.send_sms(e164, body))
    return check


def verify_phone(*, user, stage: Stage, code: str, now=None) -> VoterPhone:
    """The voter types the code back: five tries per code, within 10 minutes; the number is then
    bound to this voter for the edition (a database constraint: one number, one voter)."""
    now = now or timezone.now()
    voter = _require_check(user, stage, now)
    existing = VoterPhone.objects.filter(stage=stage, voter_hash=voter).first()
    if existing is not None:
        return existing
    check = PhoneCheck.objects.filter(stage=stage, voter_hash=voter).first()
    if check is None:
        raise DomainError(_("Ask for a code first."), field="code")
    if check.expires_at <= now:
        raise DomainError(_("This code has expired. Ask for a new one."), field="code")
    # Count the try before comparing, in its own statement: a wrong code cannot roll it back, and
    # of simultaneous tries only five pass this conditional update.
    if not PhoneCheck.objects.filter(pk=check.pk, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    ):
        raise DomainError(_("Too many wrong codes. Ask for a new one."), field="code")
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if not hmac.compare_digest(_code_hash(check.phone_hash, typed), check.code_hash):
        left = MAX_ATTEMPTS - check.attempts - 1
        if left <= 0:
            raise DomainError(_("Too many wrong codes. Ask for a new one."), field="code")
        raise DomainError(
            ngettext(
                "This code is not right. You have %(n)s more try.",
                "This code is not right. You have %(n)s more tries.",
                left,
            )
            % {"n": left},
            field="code",
        )
    try:
        with transaction.atomic():
            phone = VoterPhone.objects.create(
                stage=stage, voter_hash=voter, phone_hash=check.phone_hash, verified_at=now
            )
            PhoneCheck.objects.filter(pk=check.pk).delete()
    except IntegrityError:
        existing = VoterPhone.objects.filter(stage=stage, voter_hash=voter).first()
        if existing is not None:
            return existing
        raise _number_taken() from None
    return phone
