"""Voting codes: batches, one-time display, hashing, votes and withdrawals with a code, revocation,
wrong-code limits, and the organiser and visitor pages."""

import base64
import csv
import io
import re

import pytest
from django.urls import reverse

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, codes, selectors, services
from hramada.voting.models import Vote, VoteLog, VotingCode, VotingCodeBatch

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    return VotingRulesFactory(votes_per_category=2, allow_codes=True)


@pytest.fixture
def stage(rules):
    return rules.stage


@pytest.fixture
def category(stage):
    return CategoryFactory(edition=stage.edition)


@pytest.fixture
def projects(category):
    return [ProjectFactory(category=category, title=f"Project {i}") for i in range(3)]


@pytest.fixture
def manager(stage):
    user = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=user.person, role=Role.MANAGER
    )
    return user


def make_codes(manager, stage, n=3, partner="Library of Kletsk"):
    return codes.create_code_batch(actor=manager, stage=stage, partner=partner, size=n)


def count(project):
    return Project.objects.get(pk=project.pk).vote_count


# --- services -------------------------------------------------------------------------------------------


def test_batch_stores_only_keyed_hashes_and_audits_counts(manager, stage):
    batch, made = make_codes(manager, stage, n=5)
    assert len(made) == len(set(made)) == 5
    assert all(
        re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", c) for c in made
    )
    stored = set(VotingCode.objects.filter(batch=batch).values_list("code_hash", flat=True))
    assert stored == {codes.code_hash(c) for c in made}
    assert not any(codes.normalise_code(c) in h for c in made for h in stored)  # no clear code anywhere
    entry = AuditEntry.objects.get(action="voting.codes.created")
    assert entry.data["count"] == 5 and not any(c in str(entry.data) for c in made)


def test_codes_carry_at_least_60_random_bits():
    assert codes.CODE_LENGTH * 5 >= 60 and len(codes.CODE_ALPHABET) == 32


def test_only_managers_make_codes(stage):
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or DomainError, per contests
        codes.create_code_batch(actor=UserFactory(), stage=stage, partner="X", size=1)
    assert not VotingCodeBatch.objects.exists()


@pytest.mark.parametrize(("partner", "size"), [("", 3), ("Partner", 0), ("Partner", codes.MAX_BATCH + 1)])
def test_batch_refusals(manager, stage, partner, size):
    with pytest.raises(DomainError):
        codes.create_code_batch(actor=manager, stage=stage, partner=partner, size=size)


def test_a_code_votes_like_an_account_within_the_limit(manager, stage, projects):
    _, (code, *_) = make_codes(manager, stage)
    vote, receipt = services.cast_vote(code=code, project=projects[0])
    services.cast_vote(code=code.lower().replace("-", " "), project=projects[1])  # retyped from paper
    with pytest.raises(DomainError, match="all 2 votes"):
        services.cast_vote(code=code, project=projects[2])
    with pytest.raises(DomainError, match="already voted"):
        services.cast_vote(code=code, project=projects[0])
    assert [count(p) for p in projects] == [1, 1, 0]
    row = VotingCode.objects.get(code_hash=codes.code_hash(code))
    assert vote.voter_hash == codes.code_voter_hash(row, stage) and row.first_used_at is not None
    assert VoteLog.objects.filter(vote=vote, via_code=True, account_age_seconds__isnull=True).exists()
    assert selectors.receipt_hash(receipt) == vote.receipt_hash


def test_code_voter_hash_differs_from_any_account_and_between_codes(manager, stage, projects):
    _, (a, b, _c) = make_codes(manager, stage)
    va, _ = services.cast_vote(code=a, project=projects[0])
    vb, _ = services.cast_vote(code=b, project=projects[0])
    assert va.voter_hash != vb.voter_hash
    assert count(projects[0]) == 2


def test_the_code_sees_and_withdraws_its_own_votes(manager, stage, projects):
    _, (code, other, _c) = make_codes(manager, stage)
    vote, _ = services.cast_vote(code=code, project=projects[0])
    row = VotingCode.objects.get(code_hash=codes.code_hash(code))
    assert list(selectors.code_votes(stage, codes.code_voter_hash(row, stage))) == [vote]
    with pytest.raises(DomainError, match="not your vote"):
        services.withdraw_vote(code=other, vote=vote)
    services.withdraw_vote(code=code, vote=vote)
    assert count(projects[0]) == 0
    services.cast_vote(code=code, project=projects[0])  # the slot is free again


def test_codes_refused_when_the_rules_do_not_allow_them():
    rules = VotingRulesFactory(allow_codes=False)
    other = ProjectFactory(category=CategoryFactory(edition=rules.stage.edition))
    with pytest.raises(DomainError, match="does not accept voting codes"):
        services.cast_vote(code="ABCDE-FGHJK-MNPQR", project=other)


def test_a_code_of_another_vote_or_a_wrong_code_is_refused_and_logged(manager, stage, projects):
    other_rules = VotingRulesFactory(allow_codes=True)
    other_manager = UserFactory()
    Membership.objects.create(
        organisation=other_rules.stage.edition.contest.organisation,
        person=other_manager.person,
        role=Role.MANAGER,
    )
    _, (foreign, *_) = make_codes(other_manager, other_rules.stage)
    for wrong in (foreign, "ABCDE-FGHJK-MNPQR", "nonsense"):
        with pytest.raises(DomainError, match="not valid"):
            services.cast_vote(code=wrong, project=projects[0])
    assert VoteLog.objects.filter(outcome=VoteLog.Outcome.BAD_CODE, via_code=True).count() == 3
    assert count(projects[0]) == 0


def test_wrong_codes_are_limited_per_network(manager, stage, projects, settings):
    settings.VOTING_RATE_LIMITS = {"network_bad_codes_per_hour": 3}
    _, (good, *_) = make_codes(manager, stage)
    meta = antifraud.RequestMeta(ip="203.0.113.7")
    for _i in range(3):
        with pytest.raises(DomainError, match="not valid"):
            services.cast_vote(code="ABCDE-FGHJK-MNPQR", project=projects[0], request_meta=meta)
    with pytest.raises(DomainError, match="Too many wrong voting codes"):
        services.cast_vote(
            code=good, project=projects[0], request_meta=antifraud.RequestMeta(ip="203.0.113.99")
        )
    # Another network is not affected.
    services.cast_vote(code=good, project=projects[0], request_meta=antifraud.RequestMeta(ip="198.51.100.1"))


def test_code_votes_pay_the_proof_of_work_and_rate_limits(manager, stage, projects, settings):
    settings.VOTING_POW_REQUIRED = True
    _, (code, other, _c) = make_codes(manager, stage)
    meta = antifraud.RequestMeta(ip="203.0.113.7", user_agent="Mozilla/5.0 Firefox/120.0")
    with pytest.raises(DomainError, match="browser check"):
        services.cast_vote(code=code, project=projects[0], request_meta=meta, challenge="")
    payload = antifraud.solve(antifraud.new_challenge(0, project=projects[0].public_id))
    services.cast_vote(code=code, project=projects[0], request_meta=meta, challenge=payload)
    with pytest.raises(DomainError, match="already used"):
        services.cast_vote(code=other, project=projects[0], request_meta=meta, challenge=payload)


def test_revoking_a_batch_revokes_only_unused_codes(manager, stage, projects):
    batch, (used, unused, _c) = make_codes(manager, stage)
    services.cast_vote(code=used, project=projects[0])
    assert codes.revoke_code_batch(actor=manager, batch=batch) == 2
    services.cast_vote(code=used, project=projects[1])  # a used code keeps working
    with pytest.raises(DomainError, match="revoked"):
        services.cast_vote(code=unused, project=projects[0])
    entry = AuditEntry.objects.get(action="voting.codes.revoked")
    assert entry.data["count"] == 2


def test_a_code_revoked_between_reading_and_voting_stays_unused(manager, stage, projects, monkeypatch):
    batch, (code, *_) = make_codes(manager, stage)
    real = services.voting_code

    def read_then_revoke(**kwargs):
        row = real(**kwargs)
        codes.revoke_code_batch(actor=manager, batch=batch)
        return row

    monkeypatch.setattr(services, "voting_code", read_then_revoke)
    with pytest.raises(DomainError, match="revoked"):
        services.cast_vote(code=code, project=projects[0])
    assert not Vote.objects.exists() and count(projects[0]) == 0
    assert VotingCode.objects.get(code_hash=codes.code_hash(code)).first_used_at is None


# --- views ----------------------------------------------------------------------------------------------


def manage_login(client, stage, role):
    user = UserFactory()
    if role is not None:
        Membership.objects.create(
            organisation=stage.edition.contest.organisation, person=user.person, role=role
        )
    login_staff(client, user)
    return user


def codes_url(stage):
    return reverse("voting:codes", args=[stage.edition.contest.slug, stage.edition.public_id])


@pytest.mark.parametrize(
    ("role", "status"), [(None, 403), (Role.MEMBER, 403), (Role.MANAGER, 200), (Role.OWNER, 200)]
)
def test_codes_page_permissions(client, stage, role, status):
    manage_login(client, stage, role)
    assert client.get(codes_url(stage)).status_code == status
    assert client.post(codes_url(stage), {"partner": "P", "size": 2}).status_code == status
    assert VotingCodeBatch.objects.exists() == (status == 200)


def test_anonymous_is_sent_to_log_in_from_the_codes_page(client, stage):
    response = client.get(codes_url(stage))
    assert response.status_code == 302 and "login" in response["Location"]


def test_codes_are_shown_once_printable_and_as_csv(client, stage):
    manage_login(client, stage, Role.MANAGER)
    response = client.post(codes_url(stage), {"partner": "Library of Kletsk", "size": 4})
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    shown = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})</code>", page)
    assert len(shown) == 4
    assert {codes.code_hash(c) for c in shown} == set(VotingCode.objects.values_list("code_hash", flat=True))
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    rows = list(csv.reader(io.StringIO(base64.b64decode(data).decode())))
    assert rows[0] == ["code", "partner", "site"] and sorted(r[0] for r in rows[1:]) == sorted(shown)
    assert all(r[1] == "Library of Kletsk" and "/vote/code/" in r[2] for r in rows[1:])
    listing = client.get(codes_url(stage)).content.decode()
    assert "Library of Kletsk" in listing and not any(c in listing for c in shown)


def test_revoke_page(client, stage, manager):
    batch, _made = make_codes(manager, stage, n=2)
    manage_login(client, stage, Role.MANAGER)
    url = reverse(
        "voting:revoke_batch", args=[stage.edition.contest.slug, stage.edition.public_id, batch.public_id]
    )
    response = client.post(url, follow=True)
    assert "2 unused codes are revoked." in response.content.decode()
    assert VotingCode.objects.filter(revoked_at__isnull=False).count() == 2


def test_anonymous_votes_with_a_code_and_sees_the_receipt(client, manager, stage, projects):
    _, (code, *_) = make_codes(manager, stage)
    page = client.get(reverse("contests:project", args=[projects[0].public_id])).content.decode()
    assert reverse("voting:code_vote", args=[projects[0].public_id]) in page
    url = reverse("voting:code_vote", args=[projects[0].public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": code})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Thank you: your vote is counted" in response.content.decode()
    assert count(projects[0]) == 1
    wrong = client.post(url, {"code": "ABCDE-FGHJK-MNPQR"})
    assert "not valid" in wrong.content.decode() and count(projects[0]) == 1


def test_code_page_lists_and_withdraws_the_codes_votes(client, manager, stage, projects):
    _, (code, *_) = make_codes(manager, stage)
    services.cast_vote(code=code, project=projects[1])
    url = reverse("voting:code", args=[stage.edition.contest.slug, stage.edition.public_id])
    assert client.get(url).status_code == 200
    shown = client.post(url, {"code": code}).content.decode()
    assert "Votes of this code" in shown and "Voted with this code." in shown
    assert "data-confirm=\"Withdraw this code's vote for" in shown  # the browser asks first
    done = client.post(url, {"code": code, "withdraw": projects[1].public_id})
    assert "is withdrawn" in done.content.decode() and count(projects[1]) == 0
    assert "no-store" in done["Cache-Control"]
    assert "not valid" in client.post(url, {"code": "ABCDE-FGHJK-MNPQR"}).content.decode()


def test_code_pages_are_404_when_codes_are_not_allowed(client):
    rules = VotingRulesFactory(allow_codes=False)
    project = ProjectFactory(category=CategoryFactory(edition=rules.stage.edition))
    assert client.get(reverse("voting:code_vote", args=[project.public_id])).status_code == 404
    url = reverse("voting:code", args=[rules.stage.edition.contest.slug, rules.stage.edition.public_id])
    assert client.get(url).status_code == 404
