"""Anti-fraud rules: the append-only log, annulment, signals, rate limits, proof of work, disposable
addresses and versioned rules documents."""

import csv
import hashlib
import io
import json
from datetime import UTC, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django import forms
from django.utils import timezone

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Membership, Role
from hramada.people.adapters import AccountAdapter, is_disposable_email
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, fraud, selectors, services
from hramada.voting.antifraud import RequestMeta
from hramada.voting.models import UsedChallenge, VoteLog, VotingRules

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


@pytest.fixture
def stage():
    return VotingRulesFactory(votes_per_category=2).stage


@pytest.fixture
def projects(stage):
    category = CategoryFactory(edition=stage.edition)
    return [ProjectFactory(category=category) for _ in range(3)]


@pytest.fixture
def manager(stage):
    user = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=user.person, role=Role.MANAGER
    )
    return user


def old_user(**kwargs):
    user = UserFactory(**kwargs)
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def count(project):
    return Project.objects.get(pk=project.pk).vote_count


# --- Network hash and user-agent family -------------------------------------------------------------


def test_network_hash_groups_ipv4_by_24_and_ipv6_by_64():
    assert antifraud.network_of("203.0.113.7") == "203.0.113.0/24"
    assert antifraud.network_hash("203.0.113.7") == antifraud.network_hash("203.0.113.250")
    assert antifraud.network_hash("203.0.113.7") != antifraud.network_hash("203.0.114.7")
    assert antifraud.network_hash("2001:db8:1:2::1") == antifraud.network_hash("2001:db8:1:2:ffff::9")
    assert antifraud.network_hash("2001:db8:1:2::1") != antifraud.network_hash("2001:db8:1:3::1")
    assert antifraud.network_hash("::ffff:203.0.113.9") == antifraud.network_hash("203.0.113.1")
    assert antifraud.network_hash("not an ip") == "" and len(antifraud.network_hash("10.0.0.1")) == 64
    assert "203.0.113" not in antifraud.network_hash("203.0.113.7")


def test_user_agent_family_is_coarse():
    assert antifraud.ua_family(FIREFOX) == "firefox/desktop"
    assert antifraud.ua_family(CHROME_ANDROID) == "chrome/mobile"
    assert antifraud.ua_family("Mozilla/5.0 HeadlessChrome/126.0") == "automation"
    assert antifraud.ua_family("python-requests/2.32") == "automation"
    assert antifraud.ua_family("") == "unknown"


def test_email_patterns():
    assert antifraud.is_aliased_email("anna+vote7@example.org")
    assert antifraud.is_aliased_email("a.n.na@gmail.com")
    assert not antifraud.is_aliased_email("anna.k@gmail.com")  # one dot: a real name
    assert not antifraud.is_aliased_email("a.n.na@example.org")
    assert is_disposable_email("x@mailinator.com") and is_disposable_email("x@sub.mailinator.com")
    assert not is_disposable_email("x@example.org")


# --- The append-only log ----------------------------------------------------------------------------


def test_each_accepted_vote_is_logged_without_identity(stage, projects):
    user = old_user(email="anna+x@example.org")
    vote, _code = services.cast_vote(
        user=user, project=projects[0], request_meta=RequestMeta(ip="203.0.113.7", user_agent=FIREFOX)
    )
    entry = VoteLog.objects.get()
    assert entry.vote == vote and entry.project == projects[0] and entry.stage == stage
    assert entry.outcome == VoteLog.Outcome.ACCEPTED
    assert entry.network_hash == antifraud.network_hash("203.0.113.1")
    assert entry.ua_family == "firefox/desktop"
    assert 30 * 86400 - 60 < entry.account_age_seconds < 30 * 86400 + 60
    assert entry.aliased_email and not entry.disposable_email
    row = str(VoteLog.objects.values().get())
    assert vote.voter_hash not in row and "203.0.113" not in row and "anna" not in row
    field_models = {getattr(f, "related_model", None) for f in VoteLog._meta.get_fields()}
    assert type(user) not in field_models


def test_the_log_is_append_only(stage, projects):
    services.cast_vote(user=UserFactory(), project=projects[0])
    entry = VoteLog.objects.get()
    entry.ua_family = "edited"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


# --- Annulment --------------------------------------------------------------------------------------


def test_annul_votes_uncounts_once_keeps_slot_and_is_audited(stage, projects, manager):
    voter = UserFactory()
    vote, code = services.cast_vote(user=voter, project=projects[0])
    services.cast_vote(user=UserFactory(), project=projects[0])
    assert count(projects[0]) == 2
    with pytest.raises(DomainError, match="organisers"):
        services.annul_votes(actor=UserFactory(), stage=stage, votes=[vote], reason="bots")
    with pytest.raises(DomainError, match="reason"):
        services.annul_votes(actor=manager, stage=stage, votes=[vote], reason="  ")
    assert services.annul_votes(actor=manager, stage=stage, votes=[vote], reason="bot network") == 1
    assert services.annul_votes(actor=manager, stage=stage, votes=[vote], reason="again") == 0  # once only
    assert count(projects[0]) == 1
    vote.refresh_from_db()
    assert vote.annulled_at and vote.annul_reason == "bot network" and vote.annulled_by == manager.person
    assert vote.status == "annulled"
    entry = AuditEntry.objects.get(action="voting.vote.annulled")
    assert entry.actor == manager and entry.data["count"] == 1 and entry.data["reason"] == "bot network"
    assert entry.data["projects"] == {projects[0].public_id: 1}

    # The voter cannot withdraw it (which would uncount it twice) nor vote again for the project.
    with pytest.raises(DomainError, match="annulled"):
        services.withdraw_vote(user=voter, vote=vote)
    with pytest.raises(DomainError, match="already voted"):
        services.cast_vote(user=voter, project=projects[0])
    # The annulled vote keeps its slot: with 2 votes per category, one is left, not two.
    services.cast_vote(user=voter, project=projects[1])
    with pytest.raises(DomainError, match="all 2 votes"):
        services.cast_vote(user=voter, project=projects[2])
    assert count(projects[0]) == 1 and count(projects[1]) == 1

    # The ballot shows the annulled vote as such and still recounts to the counters.
    rows = list(csv.DictReader(io.StringIO(selectors.ballot_csv(stage))))
    status = {r["receipt_hash"]: r["status"] for r in rows}
    assert status[selectors.receipt_hash(code)] == "annulled"
    counted = sum(1 for r in rows if r["status"] == "counted" and r["project"] == projects[0].public_id)
    assert counted == count(projects[0])
    assert selectors.check_receipt(stage, code).annulled_at is not None


def test_withdrawn_votes_are_not_annulled(stage, projects, manager):
    voter = UserFactory()
    vote, _ = services.cast_vote(user=voter, project=projects[0])
    services.withdraw_vote(user=voter, vote=vote)
    assert services.annul_votes(actor=manager, stage=stage, votes=[vote], reason="bots") == 0
    assert count(projects[0]) == 0
    vote.refresh_from_db()
    assert vote.annulled_at is None


def test_results_show_annulled_votes_separately(stage, projects, manager):
    votes = [services.cast_vote(user=UserFactory(), project=projects[0])[0] for _ in range(3)]
    services.annul_votes(actor=manager, stage=stage, votes=votes[:2], reason="bots")
    page = selectors.results_page(stage, now=stage.ends_at)
    first = next(p for p in page["projects"] if p.pk == projects[0].pk)
    assert first.vote_count == 1 and first.annulled_votes == 2 and page["annulled_total"] == 2


# --- Signals ----------------------------------------------------------------------------------------


def _row(key, project="p", minutes=0.0, **kwargs):
    start = timezone.now() - timedelta(days=3)
    return fraud.Row(key=key, project=project, at=start + timedelta(minutes=minutes), **kwargs)


def test_signals_explain_each_flag():
    rows = [
        _row(i, project=f"p{i % 20}", minutes=i * 30, network=f"n{i}", age=86400 * 40) for i in range(200)
    ]
    rows.append(_row("fast", minutes=1, network="x", age=4))
    rows.append(_row("alias", minutes=2, network="y", age=86400 * 40, aliased=True))  # one weak signal
    rows += [_row(f"net{i}", project=f"p{i}", minutes=3000 + i, network="school", age=3600) for i in range(8)]
    rows += [
        _row(f"burst{i}", project="hot", minutes=5000 + i * 0.1, network=f"b{i}", age=86400 * 50)
        for i in range(30)
    ]
    rows += [_row("burst-alias", project="hot", minutes=5001, network="ba", age=86400 * 50, aliased=True)]
    flags = {f.row.key: f for f in fraud.evaluate(rows)}
    assert flags["fast"].flagged and "4 s after the account was created" in flags["fast"].signals["fast_vote"]
    assert not flags["alias"].flagged  # a +tag address alone is not a reason
    # Eight new accounts on one network within the hour: a weak signal alone (a class at school too).
    assert not any(flags[f"net{i}"].flagged for i in range(8))
    assert "8 votes by accounts younger than 24 h" in flags["net0"].signals["network_new_accounts"]
    assert not flags["burst0"].flagged and "burst" in flags["burst0"].signals  # weak alone
    assert flags["burst-alias"].flagged  # two weak signals
    assert not any(flags.get(i) for i in range(200))  # ordinary votes raise nothing


def test_thresholds_live_in_one_place(settings):
    rows = [_row("fast", age=40)]
    assert not fraud.evaluate(rows)
    settings.VOTING_FRAUD_THRESHOLDS = {"fast_vote_seconds": 60}
    assert fraud.evaluate(rows)[0].flagged


def test_flagged_reads_the_log(stage, projects):
    services.cast_vote(user=UserFactory(), project=projects[0])  # account seconds old: flagged
    services.cast_vote(user=old_user(), project=projects[1])
    flags = fraud.flagged(stage)
    assert len(flags) == 1 and flags[0].row.project == projects[0].pk
    assert flags[0].row.vote is not None


# --- Rate limits ------------------------------------------------------------------------------------


def test_account_and_network_rate_limits(settings, stage):
    # The limits count in fixed one-minute windows: hold the clock still inside one of them.
    with time_machine.travel(timezone.now().replace(second=1, microsecond=0), tick=False):
        _rate_limits_within_one_minute(settings, stage)


def _rate_limits_within_one_minute(settings, stage):
    settings.VOTING_RATE_LIMITS = {"account_per_minute": 2, "network_refuse": 4}
    category = CategoryFactory(edition=stage.edition)
    many = [ProjectFactory(category=category) for _ in range(5)]
    VotingRules.objects.filter(stage=stage).update(votes_per_category=5)
    meta = RequestMeta(ip="198.51.100.4", user_agent=FIREFOX)
    voter = old_user()
    services.cast_vote(user=voter, project=many[0], request_meta=meta)
    services.cast_vote(user=voter, project=many[1], request_meta=meta)
    with pytest.raises(DomainError, match="voting very fast"):
        services.cast_vote(user=voter, project=many[2], request_meta=meta)
    # Refused attempts count too: the network is at 3 of 4.
    services.cast_vote(user=old_user(), project=many[0], request_meta=RequestMeta(ip="198.51.100.99"))
    with pytest.raises(DomainError, match="Too many votes from your network"):
        services.cast_vote(user=old_user(), project=many[0], request_meta=RequestMeta(ip="198.51.100.5"))
    services.cast_vote(
        user=old_user(), project=many[0], request_meta=RequestMeta(ip="192.0.2.5")
    )  # other net
    assert VoteLog.objects.filter(outcome=VoteLog.Outcome.RATE_LIMITED).count() == 2


def test_busy_or_new_accounts_get_harder_challenges(settings, stage):
    settings.VOTING_RATE_LIMITS = {"network_soft": 2, "network_harder": 4}
    now = timezone.now()
    net = antifraud.network_hash("203.0.113.1")
    assert antifraud.pow_level(account="a", network=net, account_age=10**6, now=now) == 0
    assert antifraud.pow_level(account="a", network=net, account_age=5, now=now) == 2  # brand-new account
    for _ in range(3):
        antifraud.count_attempt(account="b", network=net, now=now)
    assert antifraud.pow_level(account="a", network=net, account_age=10**6, now=now) == 1
    for _ in range(2):
        antifraud.count_attempt(account="b", network=net, now=now)
    assert antifraud.pow_level(account="a", network=net, account_age=10**6, now=now) == 2


# --- Proof of work ----------------------------------------------------------------------------------


def test_a_solved_challenge_passes_once(settings, stage, projects):
    settings.VOTING_POW_REQUIRED = True
    meta = RequestMeta(ip="203.0.113.8", user_agent=FIREFOX)
    payload = antifraud.solve(antifraud.new_challenge(0, project=projects[0].public_id))
    services.cast_vote(user=old_user(), project=projects[0], request_meta=meta, challenge=payload)
    assert UsedChallenge.objects.count() == 1
    with pytest.raises(DomainError, match="already used"):
        services.cast_vote(user=old_user(), project=projects[0], request_meta=meta, challenge=payload)
    assert count(projects[0]) == 1


def test_missing_forged_or_too_easy_challenges_are_refused(settings, stage, projects):
    settings.VOTING_POW_REQUIRED = True
    meta = RequestMeta(ip="203.0.113.8")
    voter = old_user()
    with pytest.raises(DomainError, match="browser check did not complete"):
        services.cast_vote(user=voter, project=projects[0], request_meta=meta, challenge="")
    challenge = antifraud.new_challenge(0, project=projects[0].public_id)
    challenge["parameters"]["data"]["level"] = 2  # tampered: the signature no longer matches
    with pytest.raises(DomainError, match="browser check did not complete"):
        services.cast_vote(
            user=voter, project=projects[0], request_meta=meta, challenge=antifraud.solve(challenge)
        )
    unsolved = antifraud.new_challenge(0, project=projects[0].public_id)
    fake = {"challenge": unsolved, "solution": {"counter": 1, "derivedKey": "00" * 32}}
    import base64

    forged = base64.b64encode(json.dumps(fake).encode()).decode()
    with pytest.raises(DomainError, match="browser check did not complete"):
        services.cast_vote(user=voter, project=projects[0], request_meta=meta, challenge=forged)
    new_voter = UserFactory()  # seconds old: needs the hardest level
    with pytest.raises(DomainError, match="takes a little longer"):
        services.cast_vote(
            user=new_voter,
            project=projects[0],
            request_meta=meta,
            challenge=antifraud.solve(antifraud.new_challenge(0, project=projects[0].public_id)),
        )
    services.cast_vote(
        user=new_voter,
        project=projects[0],
        request_meta=meta,
        challenge=antifraud.solve(antifraud.new_challenge(2, project=projects[0].public_id)),
    )
    assert count(projects[0]) == 1
    assert VoteLog.objects.filter(outcome=VoteLog.Outcome.CHALLENGE_FAILED).count() == 3


# --- Disposable addresses ---------------------------------------------------------------------------


def test_disposable_addresses_are_refused_at_sign_up_and_at_the_vote(stage, projects):
    with pytest.raises(forms.ValidationError, match="throw-away"):
        AccountAdapter().clean_email("bot@mailinator.com")
    assert AccountAdapter().clean_email("anna@example.org") == "anna@example.org"
    user = UserFactory(email="old@mailinator.com")  # signed up before the check, or the list grew
    with pytest.raises(DomainError, match="throw-away"):
        services.cast_vote(user=user, project=projects[0])
    assert VoteLog.objects.get().outcome == VoteLog.Outcome.DISPOSABLE and count(projects[0]) == 0
    EmailAddress.objects.filter(user=user).update(verified=False)
    EmailAddress.objects.create(user=user, email="old@example.org", verified=True, primary=False)
    EmailAddress.objects.filter(user=user, email="old@mailinator.com").delete()
    services.cast_vote(user=user, project=projects[0])
    assert count(projects[0]) == 1


# --- Versioned rules documents ----------------------------------------------------------------------


def test_version_1_rules_keep_their_fingerprint(stage):
    rules = VotingRules.objects.get(stage=stage)
    VotingRules.objects.filter(pk=rules.pk).update(format_version=1, votes_per_category=3, show_counts="live")
    rules.refresh_from_db()
    rules.stage = stage
    # The document exactly as version 1 published it, before the fields of version 2 existed.
    v1 = {
        "version": 1,
        "stage": stage.public_id,
        "opens": stage.starts_at.astimezone(UTC).isoformat(),
        "closes": stage.ends_at.astimezone(UTC).isoformat(),
        "eligibility": "verified_email",
        "votes_per_category": 3,
        "show_counts": "live",
    }
    expected = hashlib.sha256(json.dumps(v1, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert selectors.rules_document(rules) == v1
    assert selectors.rules_fingerprint(rules) == expected
    rules.allow_codes = True  # a v1 document has no such field: its fingerprint cannot move
    assert selectors.rules_fingerprint(rules) == expected


def test_version_2_rules_cover_the_new_fields(stage):
    rules = VotingRules.objects.get(stage=stage)
    rules.stage = stage
    assert rules.format_version == 2
    first = selectors.rules_fingerprint(rules)
    rules.allow_codes = True
    assert selectors.rules_fingerprint(rules) != first
    rules.allow_codes = False
    rules.require_phone = True
    assert selectors.rules_document(rules)["eligibility"] == "verified_email+phone"
    assert selectors.rules_fingerprint(rules) != first


def test_an_opened_vote_keeps_its_window(stage):
    with pytest.raises(DomainError, match="cannot change"):
        services.guard_stage_edit(stage, stage.starts_at, stage.ends_at + timedelta(days=1))
    services.guard_stage_edit(stage, stage.starts_at, stage.ends_at)  # unchanged dates are fine
