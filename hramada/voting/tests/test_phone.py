"""The phone check: normalisation, the SMS backend, codes (hashed, 10 minutes, 5 tries, resend
limits), one number = one voter per edition, the vote refused until verified, and the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, phone, services, sms
from hramada.voting.models import PhoneCheck, VoterPhone

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+375 29 123-45-67", "BY", "+375291234567"),
        ("8 029 123 45 67", "BY", "+375291234567"),
        ("375291234567", "BY", "+375291234567"),
        ("(29) 123 45 67", "BY", "+375291234567"),
        ("00375291234567", "AM", "+375291234567"),
        ("091 234567", "AM", "+37491234567"),
        ("+374 91 234567", "BY", "+37491234567"),
        ("0691 23 456", "MD", "+37369123456"),
        ("+48 601 234 567", "BY", "+48601234567"),
        ("+375 29 123 45", "BY", None),
        ("12345", "BY", None),
        ("call me", "BY", None),
        ("+375+291234567", "BY", None),
        ("", "BY", None),
    ],
)
def test_normalise_phone(raw, country, expected):
    assert phone.normalise_phone(raw, country) == expected


def test_console_backend_logs_and_base_class_must_be_implemented(caplog, settings):
    settings.SMS_BACKEND = "hramada.voting.sms.ConsoleBackend"
    sms.send_sms("+375291234567", "hello")
    assert "+375291234567" in caplog.text and "hello" in caplog.text
    with pytest.raises(NotImplementedError):
        sms.BaseSmsBackend().send("+1", "x")


@pytest.fixture
def rules():
    return VotingRulesFactory(require_phone=True)


@pytest.fixture
def stage(rules):
    return rules.stage


@pytest.fixture
def project(stage):
    return ProjectFactory(category=CategoryFactory(edition=stage.edition))


@pytest.fixture
def voter():
    return UserFactory()


def send(user, stage, number="+375 29 123 45 67", **kwargs):
    return phone.start_phone_check(user=user, stage=stage, phone=number, **kwargs)


def sent_code():
    return sms.outbox[-1].body.split(": ")[1][:6]


def test_vote_refused_until_the_phone_is_verified(voter, stage, project, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError, match="confirm a phone number") as refused:
        services.cast_vote(user=voter, project=project)
    assert refused.value.field == "phone"
    with django_capture_on_commit_callbacks(execute=True):
        check = send(voter, stage)
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "+375291234567"
    code = sent_code()
    assert code.isdigit() and len(code) == 6
    assert code not in check.code_hash and "375291234567" not in check.phone_hash  # only hashes
    phone.verify_phone(user=voter, stage=stage, code=code)
    assert not PhoneCheck.objects.exists()
    services.cast_vote(user=voter, project=project)


def test_one_number_one_voter_per_edition(voter, stage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage)
    phone.verify_phone(user=voter, stage=stage, code=sent_code())
    other = UserFactory()
    with pytest.raises(DomainError, match="one number, one voter"):
        send(other, stage, number="8 029 123 45 67")  # the same number, typed differently
    with pytest.raises(DomainError, match="already confirmed"):
        send(voter, stage, number="+375 29 765 43 21")
    # Another edition: the same number may confirm a voter there (hashes differ per edition).
    other_stage = VotingRulesFactory(require_phone=True).stage
    with django_capture_on_commit_callbacks(execute=True):
        send(other, other_stage)
    phone.verify_phone(user=other, stage=other_stage, code=sent_code())
    hashes = set(VoterPhone.objects.values_list("phone_hash", flat=True))
    assert len(hashes) == 2


def test_the_database_binds_a_number_to_one_voter(voter, stage, django_capture_on_commit_callbacks):
    """Two voters who both got a code for the same number: only the first to verify binds it."""
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage)
    first = sent_code()
    with django_capture_on_commit_callbacks(execute=True):
        send(other, stage)
    second = sent_code()
    phone.verify_phone(user=other, stage=stage, code=second)
    with pytest.raises(DomainError, match="one number, one voter"):
        phone.verify_phone(user=voter, stage=stage, code=first)


def test_five_tries_then_a_new_code(voter, stage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"{left} more tr"):
            phone.verify_phone(user=voter, stage=stage, code=wrong)
    with pytest.raises(DomainError, match="Too many wrong codes"):
        phone.verify_phone(user=voter, stage=stage, code=wrong)
    with pytest.raises(DomainError, match="Too many wrong codes"):
        phone.verify_phone(user=voter, stage=stage, code=code)  # even the right one now
    assert not VoterPhone.objects.exists()


def test_codes_expire_after_ten_minutes(voter, stage, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage, now=now)
    with pytest.raises(DomainError, match="expired"):
        phone.verify_phone(
            user=voter, stage=stage, code=sent_code(), now=now + timedelta(minutes=10, seconds=1)
        )


def test_resend_limits(voter, stage, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage, now=now)
    first = sent_code()
    with pytest.raises(DomainError, match="Wait a minute"):
        send(voter, stage, now=now + timedelta(seconds=30))
    for i in range(1, 5):
        with django_capture_on_commit_callbacks(execute=True):
            send(voter, stage, now=now + timedelta(minutes=2 * i))
    assert len(sms.outbox) == 5
    with pytest.raises(DomainError, match="5 codes today"):
        send(voter, stage, now=now + timedelta(minutes=20))
    # The latest code replaced the first one.
    if first != sent_code():
        with pytest.raises(DomainError, match="not right"):
            phone.verify_phone(user=voter, stage=stage, code=first, now=now + timedelta(minutes=9))


def test_messages_per_network_are_limited(stage, settings, django_capture_on_commit_callbacks):
    settings.VOTING_RATE_LIMITS = {"network_sms_per_hour": 2}
    meta = antifraud.RequestMeta(ip="203.0.113.5")
    for n in ("+375291111111", "+375292222222"):
        with django_capture_on_commit_callbacks(execute=True):
            send(UserFactory(), stage, number=n, request_meta=meta)
    with pytest.raises(DomainError, match="from your network"):
        send(UserFactory(), stage, number="+375293333333", request_meta=meta)
    assert len(sms.outbox) == 2


@pytest.mark.parametrize(
    ("number", "refusal"),
    [
        ("+48 601 234 567", "only to mobile numbers of: Belarus"),  # a Polish mobile
        ("+1 900 555 0100", "only to mobile numbers of: Belarus"),  # a premium-rate number abroad
        ("+44 7700 900123", "does not look like a phone number"),  # not a valid number anywhere
        ("+375 17 123 45 67", "not a mobile number"),  # a Minsk landline cannot get texts
        ("+375 900 12345", "does not look like a phone number"),  # no such Belarusian number
    ],
)
def test_only_mobile_numbers_of_the_allowed_countries_get_codes(voter, stage, number, refusal):
    """SMS pumping: bots ask for codes to premium and foreign numbers the platform pays for."""
    with pytest.raises(DomainError, match=refusal) as refused:
        send(voter, stage, number=number)
    assert refused.value.field == "phone"
    assert not sms.outbox and not PhoneCheck.objects.exists()


def test_the_rules_choose_the_countries(voter, django_capture_on_commit_callbacks):
    stage = VotingRulesFactory(require_phone=True, phone_countries="BY,AM").stage
    with django_capture_on_commit_callbacks(execute=True):
        send(voter, stage, number="+374 91 234567")
    assert sms.outbox[-1].to == "+37491234567"
    with pytest.raises(DomainError, match="only to mobile numbers of: Belarus, Armenia"):
        send(UserFactory(), stage, number="+373 69 123 456")


def test_the_countries_are_part_of_the_fingerprinted_rules(voter):
    from hramada.voting.selectors import rules_document, rules_fingerprint

    rules = VotingRulesFactory(require_phone=True, format_version=3)
    assert rules_document(rules)["phone_countries"] == ["BY"]
    before = rules_fingerprint(rules)
    rules.phone_countries = "BY,MD"
    assert rules_fingerprint(rules) != before
    rules.format_version = 2  # rules frozen before version 3 reproduce their old fingerprints
    assert "phone_countries" not in rules_document(rules)


def test_codes_per_number_per_day_are_limited_across_voters(
    stage, settings, django_capture_on_commit_callbacks
):
    """Nobody can flood one phone with codes by asking from many accounts."""
    settings.SMS_LIMITS = {"number_per_day": 2}
    now = timezone.now()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send(UserFactory(), stage, now=now)
    with pytest.raises(DomainError, match="This number has received too many codes today"):
        send(UserFactory(), stage, now=now, number="8 029 123 45 67")
    assert len(sms.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        send(UserFactory(), stage, now=now + timedelta(days=1))  # a new day
    assert len(sms.outbox) == 3


def test_codes_per_network_and_per_edition_per_day_are_limited(
    stage, settings, django_capture_on_commit_callbacks
):
    settings.SMS_LIMITS = {"network_per_day": 2, "edition_per_day": 3}
    settings.VOTING_RATE_LIMITS = {"network_sms_per_hour": 100}
    now = timezone.localtime().replace(hour=6)  # hours apart, the same day
    home = antifraud.RequestMeta(ip="203.0.113.5")
    for i, hour in enumerate((0, 3)):
        with django_capture_on_commit_callbacks(execute=True):
            send(
                UserFactory(),
                stage,
                number=f"+37529111111{i}",
                request_meta=home,
                now=now + timedelta(hours=hour),
            )
    with pytest.raises(DomainError, match="from your network today"):
        send(UserFactory(), stage, number="+375292222222", request_meta=home, now=now + timedelta(hours=6))
    elsewhere = antifraud.RequestMeta(ip="198.51.100.7")
    with django_capture_on_commit_callbacks(execute=True):
        send(UserFactory(), stage, number="+375293333333", request_meta=elsewhere, now=now)
    with pytest.raises(DomainError, match="for this vote today"):
        send(
            UserFactory(),
            stage,
            number="+375294444444",
            request_meta=antifraud.RequestMeta(ip="192.0.2.1"),
            now=now,
        )
    assert len(sms.outbox) == 3


def test_no_phone_check_when_the_rules_do_not_ask(voter):
    stage = VotingRulesFactory(require_phone=False).stage
    with pytest.raises(DomainError, match="does not ask"):
        send(voter, stage)


def test_invalid_number_is_refused(voter, stage):
    with pytest.raises(DomainError, match="does not look like a phone number"):
        send(voter, stage, number="12")
    assert not sms.outbox


# --- page -----------------------------------------------------------------------------------------------


def phone_url(stage):
    return reverse("voting:phone", args=[stage.edition.contest.slug, stage.edition.public_id])


def test_phone_page_flow(client, voter, stage, project, django_capture_on_commit_callbacks):
    client.force_login(voter)
    assert client.get(phone_url(stage)).status_code == 200
    back = reverse("contests:project", args=[project.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(phone_url(stage), {"step": "send", "phone": "+375 29 123 45 67", "next": back})
    assert sent.status_code == 302 and len(sms.outbox) == 1
    page = client.get(sent["Location"]).content.decode()
    assert "Type the code" in page
    wrong = client.post(phone_url(stage), {"step": "verify", "code": "abc", "next": back})
    assert "not right" in wrong.content.decode()
    done = client.post(phone_url(stage), {"step": "verify", "code": sent_code(), "next": back})
    assert done.status_code == 302 and done["Location"] == back
    assert VoterPhone.objects.count() == 1


def test_phone_page_needs_login_and_the_rule(client, voter):
    stage = VotingRulesFactory(require_phone=False).stage
    assert client.get(phone_url(stage)).status_code == 302
    client.force_login(voter)
    assert client.get(phone_url(stage)).status_code == 404


def test_voting_without_phone_redirects_to_the_phone_page(client, voter, stage, project):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=voter, email=voter.email, defaults={"verified": True, "primary": True}
    )
    client.force_login(voter)
    page = client.get(reverse("contests:project", args=[project.public_id])).content.decode()
    assert "Confirm your phone number to vote" in page
    response = client.post(reverse("voting:cast", args=[project.public_id]))
    assert response.status_code == 302 and response["Location"].startswith(phone_url(stage))
