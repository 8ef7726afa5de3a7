"""The public vote's hot path (bench/vote.py): one lookup for the project, its stage and rules; the
challenge spent in the vote's own transaction; no purge and no vote-log count per vote; the rate
limits and the "suspicious network" signal in one cache round trip; periodic jobs for the rest."""

import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hramada.contests.models import Project, Stage
from hramada.contests.tests.factories import CategoryFactory, EditionFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.registry import periodic_jobs
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, selectors, services
from hramada.voting.antifraud import RequestMeta
from hramada.voting.models import UsedChallenge, Vote, VoteLog, VotingRules

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage():
    rules = VotingRulesFactory(votes_per_category=2)
    services.freeze_rules(stage=rules.stage)
    return rules.stage


@pytest.fixture
def projects(stage):
    category = CategoryFactory(edition=stage.edition)
    return [ProjectFactory(category=category, title=f"Project {n}") for n in range(3)]


def old_user():
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def web(ip="203.0.113.8"):
    return RequestMeta(ip=ip, user_agent="Mozilla/5.0 Firefox/128.0")


def solved(project, level=0):
    return antifraud.solve(antifraud.new_challenge(level, project=project.public_id))


# --- One lookup -------------------------------------------------------------------------------------


def test_vote_target_reads_project_stage_and_rules_in_one_query(django_assert_num_queries, stage, projects):
    project = projects[0]
    with django_assert_num_queries(1):
        found = selectors.vote_target(project.public_id)
        target = found.vote_stage
        assert (
            found.pk == project.pk and found.title == "Project 0" and found.status == Project.Status.ELIGIBLE
        )
        assert str(found.category) == project.category.title
        assert found.edition.contest.slug == stage.edition.contest.slug
        assert target.pk == stage.pk and target.kind == Stage.Kind.PUBLIC_VOTE
        assert target.edition.contest.organisation_id == stage.edition.contest.organisation_id
        assert timezone.is_aware(target.starts_at) and target.is_open(timezone.now())
        assert target.voting_rules.votes_per_category == 2 and target.voting_rules.frozen_at is not None


def test_vote_target_refuses_unknown_and_ineligible_projects(stage, projects):
    assert selectors.vote_target("0" * 26) is None
    Project.objects.filter(pk=projects[0].pk).update(status=Project.Status.SUBMITTED)
    assert selectors.vote_target(projects[0].public_id) is None


def test_vote_target_without_a_vote_stage_or_rules():
    project = ProjectFactory(category=CategoryFactory(edition=EditionFactory()))
    assert selectors.vote_target(project.public_id).vote_stage is None
    with pytest.raises(DomainError, match="Voting is not open"):
        services.cast_vote(user=UserFactory(), project=selectors.vote_target(project.public_id))

    rules = VotingRulesFactory()
    stage = rules.stage
    rules.delete()  # a vote whose organisers never set rules: the first vote freezes the defaults
    project = ProjectFactory(category=CategoryFactory(edition=stage.edition))
    found = selectors.vote_target(project.public_id)
    with pytest.raises(VotingRules.DoesNotExist):
        found.vote_stage.voting_rules  # noqa: B018 - known to be missing, not read again
    services.cast_vote(user=UserFactory(), project=found)
    assert VotingRules.objects.get(stage=stage).frozen_at is not None


def test_a_vote_over_the_web_takes_a_fixed_number_of_queries(
    client, settings, django_assert_num_queries, stage, projects
):
    settings.VOTING_POW_REQUIRED = True
    services.cast_vote(user=old_user(), project=projects[0])  # the hour's counter row exists already
    client.force_login(old_user())
    body = {"altcha": solved(projects[0])}
    # Session (unless cached), user, the lookup (with the voter's e-mail addresses); then the writes:
    # challenge, vote (slot 1 tried without reading: the voter's first in the category), counter,
    # hourly counter, log, audit entry. On PostgreSQL they are one statement (here in a savepoint,
    # as the test runs in a transaction); on SQLite six, in a savepoint. Nothing after it: the htmx
    # answer needs no read (from a page with other vote forms of the category, others=1, one count
    # tells whether they turn into a note; tests/test_vote_button.py).
    # With cached sessions (Redis configured) the session comes from the cache.
    session_query = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    writes = 1 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(session_query + 2 + 2 + writes):
        response = client.post(
            reverse("voting:cast", args=[projects[0].public_id]), body, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200 and "receipt-code" in response.content.decode()
    assert "You voted for this project." in response.content.decode()
    assert Vote.objects.count() == 2 and UsedChallenge.objects.count() == 1


# --- The challenge is spent with the vote -------------------------------------------------------------


def test_an_accepted_vote_spends_its_challenge_and_a_replay_is_refused_and_logged(settings, stage, projects):
    settings.VOTING_POW_REQUIRED = True
    voter, payload = old_user(), solved(projects[0])
    services.cast_vote(user=voter, project=projects[0], request_meta=web(), challenge=payload)
    assert UsedChallenge.objects.count() == 1
    with pytest.raises(DomainError, match="already used"):
        services.cast_vote(user=old_user(), project=projects[0], request_meta=web(), challenge=payload)
    assert Vote.objects.count() == 1 and UsedChallenge.objects.count() == 1
    assert VoteLog.objects.filter(outcome=VoteLog.Outcome.CHALLENGE_FAILED).count() == 1


def test_a_refused_vote_leaves_its_challenge_unspent(settings, stage, projects):
    """The spend commits with the vote or not at all: a refusal gives the voter nothing, so the same
    solved challenge may still buy one vote; it never buys two."""
    settings.VOTING_POW_REQUIRED = True
    voter = old_user()
    services.cast_vote(user=voter, project=projects[0], request_meta=web(), challenge=solved(projects[0]))
    payload = solved(projects[0])
    with pytest.raises(DomainError, match="already voted"):
        services.cast_vote(user=voter, project=projects[0], request_meta=web(), challenge=payload)
    assert UsedChallenge.objects.count() == 1
    services.cast_vote(user=old_user(), project=projects[0], request_meta=web(), challenge=payload)
    assert UsedChallenge.objects.count() == 2
    with pytest.raises(DomainError, match="already used"):
        services.cast_vote(user=old_user(), project=projects[0], request_meta=web(), challenge=payload)
    assert Vote.objects.count() == 2


def test_a_vote_refused_inside_its_transaction_rolls_the_spend_back(settings, stage, projects):
    settings.VOTING_POW_REQUIRED = True
    voter = old_user()
    payload = solved(projects[0])
    # A concurrent vote by the same voter took the project between the read and the insert: the
    # unique constraint refuses this one, the whole transaction (with the spend) is rolled back.
    real_counted = services._counted
    services._counted = lambda *args: []
    try:
        services.cast_vote(user=voter, project=projects[0])
        with pytest.raises(DomainError, match="already voted"):
            services.cast_vote(user=voter, project=projects[0], request_meta=web(), challenge=payload)
    finally:
        services._counted = real_counted
    assert UsedChallenge.objects.count() == 0


def test_votes_do_not_purge_challenges_the_periodic_job_does(settings, stage, projects):
    settings.VOTING_POW_REQUIRED = True
    now = timezone.now()
    UsedChallenge.objects.create(nonce="expired", expires_at=now - timedelta(minutes=1))
    UsedChallenge.objects.create(nonce="valid", expires_at=now + timedelta(minutes=5))
    services.cast_vote(
        user=old_user(), project=projects[0], request_meta=web(), challenge=solved(projects[0])
    )
    assert UsedChallenge.objects.filter(nonce="expired").exists()
    assert services.purge_challenges(now=now) == 1
    assert set(UsedChallenge.objects.values_list("nonce", flat=True)) - {"valid"} == {
        UsedChallenge.objects.exclude(nonce="valid").get().nonce
    }
    assert not UsedChallenge.objects.filter(nonce="expired").exists()


def test_a_second_vote_in_a_category_reads_the_free_slot(stage, projects):
    voter = old_user()
    services.cast_vote(user=voter, project=projects[0])
    vote, _code = services.cast_vote(user=voter, project=projects[1])  # slot 1 taken: read, then slot 2
    assert vote.slot == 2
    with pytest.raises(DomainError, match="all 2 votes"):
        services.cast_vote(user=voter, project=projects[2])
    with pytest.raises(DomainError, match="already voted"):
        services.cast_vote(user=voter, project=projects[1])
    services.withdraw_vote(user=voter, vote=Vote.objects.get(project=projects[0]))
    assert services.cast_vote(user=voter, project=projects[2])[0].slot == 1
    assert Project.objects.get(pk=projects[2].pk).vote_count == 1


def test_periodic_jobs_are_registered():
    names = {name for name, _fn in periodic_jobs}
    assert {"voting.freeze_due_rules", "voting.purge_challenges"} <= names


def test_the_periodic_job_freezes_rules_of_a_vote_that_opened_without_votes():
    rules = VotingRulesFactory()
    assert rules.frozen_at is None
    job = dict(periodic_jobs)["voting.freeze_due_rules"]
    assert job() >= 1
    rules.refresh_from_db()
    assert rules.frozen_at is not None and rules.fingerprint == selectors.rules_fingerprint(rules)


# --- Limits and the suspicious-network signal from the cache ----------------------------------------


def test_new_account_votes_from_one_network_raise_the_level_without_reading_the_log(
    django_assert_num_queries, stage, projects
):
    net_ip = "198.51.100.7"
    network = antifraud.network_hash(net_ip)
    for _ in range(7):  # the threshold is 8 votes by accounts younger than 24 h in an hour
        services.cast_vote(user=UserFactory(), project=projects[0], request_meta=web(net_ip))
    for _ in range(3):  # older accounts do not count
        services.cast_vote(user=old_user(), project=projects[1], request_meta=web(net_ip))
    with django_assert_num_queries(0):
        assert antifraud.pow_level(account="a", network=network, account_age=10**6, stage=stage) == 0
    services.cast_vote(user=UserFactory(), project=projects[2], request_meta=web("198.51.100.200"))
    with django_assert_num_queries(0):
        assert antifraud.pow_level(account="a", network=network, account_age=10**6, stage=stage) == 2
        level, broken = antifraud.vote_attempt(
            account="a", network=network, account_age=10**6, stage=stage, now=timezone.now()
        )
    assert level == 2 and broken is None
    other = VotingRulesFactory().stage  # another vote: its own count
    assert antifraud.pow_level(account="a", network=network, account_age=10**6, stage=other) == 0
    # The window is at least the thresholds' hour: the counts are still there 59 minutes later...
    later = timezone.now() + timedelta(minutes=59)
    assert antifraud.pow_level(account="a", network=network, account_age=10**6, stage=stage, now=later) == 2
    # ...and gone after at most 70 minutes.
    much_later = timezone.now() + timedelta(minutes=71)
    assert (
        antifraud.pow_level(account="a", network=network, account_age=10**6, stage=stage, now=much_later) == 0
    )


def test_vote_attempt_counts_like_count_attempt_and_judges_like_pow_level(settings):
    settings.VOTING_RATE_LIMITS = {"account_per_minute": 3, "network_soft": 2, "network_harder": 4}
    now = timezone.now()
    stage = VotingRulesFactory().stage
    results = [
        antifraud.vote_attempt(account="acct", network="net", account_age=10**6, stage=stage, now=now)
        for _ in range(5)
    ]
    # Levels as pow_level saw them before each attempt; "account" once the 4th attempt broke 3/min.
    assert results == [(0, None), (0, None), (1, None), (1, "account"), (1, "account")]
    assert antifraud.count_attempt(account="acct", network="net", now=now) == (6, 6)


@pytest.fixture
def redis_cache(settings):
    """The production cache (Redis) with a key prefix of its own; skipped without a Redis server."""
    import redis

    from hramada.core.tests.helpers import worker_redis_url

    url = worker_redis_url("redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{secrets.token_hex(4)}",
        },
    }
    yield
    cache.clear()


def test_with_redis_one_vote_attempt_is_one_round_trip(redis_cache, monkeypatch):
    from redis.client import Redis

    stage = VotingRulesFactory().stage
    now = timezone.now()
    for key in antifraud._new_account_keys(stage.pk, "net", now)[:2]:
        cache.set(key, 4)  # 8 recent new-account votes from "net", read back with the counters
    # The server loads the script on its first use after a restart (NOSCRIPT, SCRIPT LOAD, EVALSHA once):
    # another account from another network uses it first, so the count below is the steady state.
    antifraud.vote_attempt(account="warm", network="warm-net", account_age=10**6, stage=stage, now=now)
    commands = []
    real = Redis.execute_command
    monkeypatch.setattr(
        Redis, "execute_command", lambda self, *a, **k: commands.append(a[0]) or real(self, *a, **k)
    )
    assert antifraud.vote_attempt(account="acct", network="net", account_age=10**6, stage=stage, now=now) == (
        2,
        None,
    )
    assert commands == ["EVALSHA"]  # counting both keys and reading the others: one command
    monkeypatch.setattr(Redis, "execute_command", real)
    # The counters are the cache's own integers: the cache and the limits read the same numbers.
    assert antifraud.count_attempt(account="acct", network="net", now=now) == (2, 2)
    key = antifraud._key("acct", "acct", now)
    assert cache.get(key) == 2
    client = antifraud._incr_and_read_script(cache).registered_client
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 120  # counters expire
    assert (
        antifraud.bump_hourly("badcode", "net", now) == 1
        and antifraud.hourly_count("badcode", "net", now) == 1
    )


# --- The lookup's addresses and instances -------------------------------------------------------------


def test_the_lookup_brings_the_voters_verified_addresses(stage, projects):
    from allauth.account.models import EmailAddress

    voter = UserFactory(email="anna@example.org")
    EmailAddress.objects.create(user=voter, email="anna+x@mailinator.com", verified=False)
    found = selectors.vote_target(projects[0].public_id, voter)
    assert found.voter_emails == ["anna@example.org"]  # the unverified one is not counted
    assert not hasattr(selectors.vote_target(projects[0].public_id), "voter_emails")
    EmailAddress.objects.filter(user=voter).update(verified=False)
    assert selectors.vote_target(projects[0].public_id, voter).voter_emails == []


def test_a_web_vote_judges_the_addresses_the_lookup_read(client, stage, projects):
    from allauth.account.models import EmailAddress

    url = reverse("voting:cast", args=[projects[0].public_id])
    throwaway = UserFactory(email="bot@mailinator.com")
    client.force_login(throwaway)
    assert "throw-away" in client.post(url, HTTP_HX_REQUEST="true").content.decode()
    unconfirmed = UserFactory()
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    client.force_login(unconfirmed)
    assert "Confirm your e-mail address" in client.post(url, HTTP_HX_REQUEST="true").content.decode()
    aliased = UserFactory(email="a.n.n.a@gmail.com")
    client.force_login(aliased)
    assert "receipt-code" in client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert Vote.objects.count() == 1
    log = VoteLog.objects.order_by("id")
    assert [row.outcome for row in log] == [VoteLog.Outcome.DISPOSABLE, VoteLog.Outcome.ACCEPTED]
    assert log[1].aliased_email and not log[1].disposable_email


def test_the_lookup_loads_translated_fields_as_the_orm_does(stage, projects):
    from django.utils import translation

    # Contest, edition and category titles are translated (modeltranslation); project titles are not.
    type(stage.edition).objects.filter(pk=stage.edition_id).update(
        title_be="Сёмы", title_ru="Седьмой", title_en="Seventh"
    )
    projects[0].category.__class__.objects.filter(pk=projects[0].category_id).update(
        title_be="Спорт", title_en=""
    )
    for language in ("be", "ru", "en"):
        with translation.override(language):
            found = selectors.vote_target(projects[0].public_id)
            orm = Project.objects.select_related("category", "edition__contest").get(pk=projects[0].pk)
            assert found.title == orm.title and str(found) == str(orm)
            assert found.edition.title == orm.edition.title
            assert found.category.title == orm.category.title
            assert found.edition.contest.title == orm.edition.contest.title
    with translation.override("be"):
        assert selectors.vote_target(projects[0].public_id).edition.title == "Сёмы"
    with translation.override("en"):  # no English title: the fallback, as the ORM gives it
        assert selectors.vote_target(projects[0].public_id).category.title == "Спорт"


# --- The writes -------------------------------------------------------------------------------------


def _accepted(stage, project, *, voter="v" * 64, slot=1, receipt="r", nonce=None, now=None):
    from hramada.core import audit
    from hramada.voting import writes

    now = now or timezone.now()
    return writes.AcceptedVote(
        stage_id=stage.pk,
        project_id=project.pk,
        category_id=project.category_id,
        voter_hash=voter,
        slot=slot,
        limit=2,
        receipt_hash=receipt * 64 if len(receipt) == 1 else receipt,
        at=now,
        hour=services._hour(now),
        network_hash="n" * 64,
        ua_family="firefox/desktop",
        account_age_seconds=86400,
        disposable_email=False,
        aliased_email=True,
        via_code=False,
        audit_row=audit.entry_row(
            actor=None,
            action="voting.vote.cast",
            target=project,
            scope=services._scope(stage),
            data={"project": project.public_id, "stage": stage.public_id},
            now=now,
        ),
        challenge_nonce=nonce,
        challenge_expires_at=now + timedelta(minutes=10) if nonce else None,
    )


def _rows():
    from hramada.core.models import AuditEntry
    from hramada.voting.models import ProjectHourCount

    return (
        Vote.objects.count(),
        VoteLog.objects.count(),
        AuditEntry.objects.filter(action="voting.vote.cast").count(),
        sum(ProjectHourCount.objects.values_list("votes", flat=True)),
        sum(Project.objects.values_list("vote_count", flat=True)),
        UsedChallenge.objects.count(),
    )


def test_an_accepted_vote_writes_its_six_rows(stage, projects):
    from hramada.core.models import AuditEntry
    from hramada.voting import writes
    from hramada.voting.models import ProjectHourCount

    now = timezone.now()
    vote_id = writes.record_vote(_accepted(stage, projects[0], nonce="n1", now=now))
    vote = Vote.objects.get()
    assert vote.pk == vote_id and vote.is_counted and vote.slot == 1 and vote.created_at == now
    assert vote.annul_reason == "" and vote.receipt_hash == "r" * 64
    log = VoteLog.objects.get()
    assert (log.vote_id, log.outcome, log.at, log.ua_family) == (vote_id, "accepted", now, "firefox/desktop")
    assert log.aliased_email and not log.via_code and log.account_age_seconds == 86400 and log.public_id
    hour = ProjectHourCount.objects.get()
    assert (hour.project_id, hour.votes, hour.hour) == (projects[0].pk, 1, services._hour(now))
    assert Project.objects.get(pk=projects[0].pk).vote_count == 1
    assert UsedChallenge.objects.get().nonce == "n1"
    entry = AuditEntry.objects.get(action="voting.vote.cast")
    assert entry.actor is None and entry.target_label == str(projects[0]) and entry.created_at == now
    assert entry.data == {"project": projects[0].public_id, "stage": stage.public_id}
    assert entry.target_id == str(projects[0].pk) and entry.scope_id == str(
        stage.edition.contest.organisation_id
    )
    # A second vote in the same hour adds to the hour's row.
    writes.record_vote(_accepted(stage, projects[0], voter="w" * 64, receipt="s", now=now))
    assert ProjectHourCount.objects.get().votes == 2


def test_a_refused_write_leaves_nothing_behind(stage, projects):
    from hramada.voting import writes

    writes.record_vote(_accepted(stage, projects[0], nonce="n1"))
    before = _rows()
    with pytest.raises(writes.VoteRefused) as refused:  # same voter and project: the constraint
        writes.record_vote(_accepted(stage, projects[0], slot=2, receipt="s", nonce="n2"))
    assert not refused.value.replay and _rows() == before
    with pytest.raises(writes.VoteRefused) as refused:  # a spent challenge
        writes.record_vote(_accepted(stage, projects[1], voter="w" * 64, receipt="t", nonce="n1"))
    assert refused.value.replay and _rows() == before
    with pytest.raises(writes.VoteRefused) as refused:  # the slot is taken (another project)
        writes.record_vote(_accepted(stage, projects[1], receipt="u", nonce="n3"))
    assert not refused.value.replay and _rows() == before


def test_receipt_codes_use_the_whole_alphabet():
    codes = {services.new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    symbols = {ch for code in codes for ch in code.replace("-", "")}
    assert symbols == set(selectors._RECEIPT_ALPHABET)
    # Each of the 16 positions varies (no position stuck at one symbol).
    assert all(len({code.replace("-", "")[i] for code in codes}) > 16 for i in range(16))


def test_the_vote_answer_keeps_the_token_it_was_posted_with(stage, projects):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(old_user())
    page = client.get(reverse("contests:project", args=[projects[0].public_id])).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        reverse("voting:cast", args=[projects[0].public_id]),
        {"csrfmiddlewaretoken": token},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "receipt-code" in text and f'name="csrfmiddlewaretoken" value="{token}"' in text
    # The withdraw form in the answer works with it.
    withdrawn = client.post(
        reverse("voting:withdraw", args=[projects[0].public_id]),
        {"csrfmiddlewaretoken": token, "confirm": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert withdrawn.status_code == 200 and Vote.objects.get().withdrawn_at is not None
    # Sent in the header only (the page's hx-headers), the same.
    header = page.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(
        reverse("voting:cast", args=[projects[1].public_id]), HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=header
    )
    assert f'name="csrfmiddlewaretoken" value="{header}"' in response.content.decode()


def test_the_rendered_answer_is_reused_but_never_anothers_code_token_or_page(stage, projects):
    from django.test import Client

    from hramada.voting.views import public

    public._accepted_html.clear()
    answers = []
    for n in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(old_user())
        page = client.get(reverse("contests:project", args=[projects[0].public_id])).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        back = f'/en/contests/?q="{n}"<x>'  # what the page sent back, escaped in the answer
        text = client.post(
            reverse("voting:cast", args=[projects[0].public_id]),
            {"csrfmiddlewaretoken": token, "next": back},
            HTTP_HX_REQUEST="true",
        ).content.decode()
        code = text.split('<code class="receipt-code">')[1].split("</code>")[0]
        answers.append((text, code, token))
        assert f'value="{token}"' in text and f"/en/contests/?q=&quot;{n}&quot;&lt;x&gt;" in text
        assert "\x00" not in text and f'"{n}"<x>' not in text
    assert len(public._accepted_html) == 1  # one rendering served both
    (first, code1, token1), (second, code2, token2) = answers
    assert code1 != code2 and code1 not in second and token1 not in second
    assert {selectors.receipt_hash(c) for c in (code1, code2)} == set(
        Vote.objects.values_list("receipt_hash", flat=True)
    )
    # Another language renders its own answer.
    client = Client()
    client.force_login(old_user())
    text = client.post(
        reverse("voting:cast", args=[projects[1].public_id]).replace("/en/", "/be/"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Дзякуй: ваш голас улічаны." in text and "Thank you" not in text
    assert len(public._accepted_html) == 2
