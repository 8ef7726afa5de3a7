"""The phone check of a public vote (rules ``require_phone``): one phone number, one voter per edition.

The voter types a number, gets a 6-digit code by text message (through ``voting.sms``), and types it
back. Only keyed hashes are stored: of the code (until it is used or replaced) and, once verified, of
the normalised number, per edition and unique there, next to the voter hash. The number itself is
never stored; it is sent to the gateway once, after the transaction commits (not through the task
queue, whose table would keep it).
"""

import hmac
import logging
import secrets
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hramada.contests.models import Stage
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash
from hramada.places.selectors import country_name

from . import antifraud, sms
from .models import PhoneCheck, VoterPhone, VotingRules
from .selectors import voter_hash

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
MAX_SENDS_PER_DAY = 5
# Text messages cost money, and premium or foreign numbers cost more ("SMS pumping": bots ask for
# codes to numbers whose operator pays the attacker). Besides the per-voter limits above, each day
# counts the codes sent to one number, to one network and for one edition; setting SMS_LIMITS
# overrides these.
DEFAULT_SMS_LIMITS = {"number_per_day": 5, "network_per_day": 20, "edition_per_day": 2000}
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def sms_limits() -> dict:
    return {**DEFAULT_SMS_LIMITS, **getattr(settings, "SMS_LIMITS", {})}


def parse_phone(raw: str, country: str = "BY") -> phonenumbers.PhoneNumber | None:
    """The typed number, read in ``country`` when it has no "+" (with its trunk prefix: "8 029..." in
    Belarus, "0..." in Armenia and Moldova), or None if it is not a valid number anywhere."""
    text = (raw or "").strip()
    if not text or len(text) > 30:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str, country: str = "BY") -> str | None:
    """The number in E.164 form ("+375291234567"), or None if it cannot be a phone number."""
    number = parse_phone(raw, country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def allowed_mobile(raw: str, countries: list[str]) -> str:
    """The E.164 form of a mobile number of one of ``countries``; otherwise a DomainError saying why."""
    number = parse_phone(raw, countries[0])
    if number is None:
        raise DomainError(
            _(
                "This does not look like a phone number. Type it with the country code, for example +375 29 123 45 67."
            ),
            field="phone",
        )
    if phonenumbers.region_code_for_number(number) not in countries:
        raise DomainError(
            _("Codes are sent only to mobile numbers of: %(countries)s.")
            % {"countries": ", ".join(country_name(code) for code in countries)},
            field="phone",
        )
    if phonenumbers.number_type(number) not in _MOBILE:
        raise DomainError(
            _("This is not a mobile number. The code comes by text message: type a mobile phone's number."),
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _count_today(kind: str, value: str, now) -> int:
    """Count one text message for ``kind`` (number, network, edition) today; returns today's count."""
    key = f"sms:{kind}:{value}:{timezone.localdate(now).isoformat()}"
    cache.add(key, 0, timeout=2 * 86400)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * 86400)
        return 1


def _spend_daily_allowance(*, e164: str, network: str, stage: Stage, now) -> None:
    limits = sms_limits()
    number = keyed_hash(e164, purpose="sms-number")[:32]  # the number itself is never stored
    if _count_today("number", number, now) > limits["number_per_day"]:
        raise DomainError(
            _("This number has received too many codes today. Please try again tomorrow."), field="phone"
        )
    if _count_today("network", network or "-", now) > limits["network_per_day"]:
        raise DomainError(
            _("Too many codes were sent to phones from your network today. Please try again tomorrow.")
        )
    if _count_today("edition", str(stage.edition_id), now) > limits["edition_per_day"]:
        logger.warning(
            "Phone check: the daily limit of text messages for edition %s is reached.", stage.edition_id
        )
        raise DomainError(_("Too many codes were sent for this vote today. Please try again tomorrow."))


def phone_hash(e164: str, stage: Stage) -> str:
    """Keyed hash of the number and the edition: a number binds one voter per edition, and the
    numbers of different editions cannot be linked."""
    return keyed_hash(e164, str(stage.edition_id), purpose="voter-phone")


def _code_hash(check_phone_hash: str, code: str) -> str:
    return keyed_hash(code, check_phone_hash, purpose="phone-code")


def has_verified_phone(user, stage: Stage) -> bool:
    return VoterPhone.objects.filter(stage=stage, voter_hash=voter_hash(user, stage)).exists()


def _require_check(user, stage: Stage, now) -> tuple[str, VotingRules]:
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to vote."))
    rules = VotingRules.objects.filter(stage=stage).first()
    if rules is None or not rules.require_phone:
        raise DomainError(_("This vote does not ask for a phone check."))
    if now >= stage.closes_at:
        raise DomainError(_("Voting is not open."))
    return voter_hash(user, stage), rules


def _number_taken() -> DomainError:
    return DomainError(
        _("This phone number has already confirmed another voter in this vote: one number, one voter."),
        field="phone",
    )


def start_phone_check(*, user, stage: Stage, phone: str, now=None, request_meta=None) -> PhoneCheck:
    """Send a 6-digit code (valid 10 minutes) to a mobile number of a country the rules allow; a new
    code at most once a minute and five times a day per voter, and limited numbers of messages per
    number, per network (hour and day) and per edition and day."""
    now = now or timezone.now()
    voter, rules = _require_check(user, stage, now)
    if VoterPhone.objects.filter(stage=stage, voter_hash=voter).exists():
        raise DomainError(_("Your phone number is already confirmed for this vote."))
    e164 = allowed_mobile(phone, rules.phone_country_list)
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
        _spend_daily_allowance(e164=e164, network=network, stage=stage, now=now)
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
    voter, _rules = _require_check(user, stage, now)
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
