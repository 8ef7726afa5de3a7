"""Fraud panel and annulment pages (permissions, confirm step), the challenge endpoint, the proof of
work through the vote form, the voter help page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, services
from hramada.voting.models import Vote, VoteLog

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage():
    return VotingRulesFactory().stage


@pytest.fixture
def project(stage):
    return ProjectFactory(category=CategoryFactory(edition=stage.edition), title="Village library")


def url(name, stage):
    return reverse(name, args=[stage.edition.contest.slug, stage.edition.public_id])


def login(client, stage, role):
    user = UserFactory()
    if role is not None:
        Membership.objects.create(
            organisation=stage.edition.contest.organisation, person=user.person, role=role
        )
    login_staff(client, user)
    return user


@pytest.mark.parametrize(
    ("role", "status"), [(None, 403), (Role.MEMBER, 403), (Role.MANAGER, 200), (Role.OWNER, 200)]
)
def test_fraud_panel_permissions(client, stage, role, status):
    login(client, stage, role)
    assert client.get(url("voting:fraud", stage)).status_code == status
    assert client.post(url("voting:annul", stage), {"log": ["x"]}).status_code in (
        (403,) if status == 403 else (302,)
    )


def test_anonymous_is_sent_to_log_in(client, stage):
    response = client.get(url("voting:fraud", stage))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_flag_select_confirm_and_annul(client, stage, project):
    fresh, _ = services.cast_vote(user=UserFactory(), project=project)  # seconds after sign-up: flagged
    old = UserFactory()
    type(old).objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=90))
    old.refresh_from_db()
    services.cast_vote(user=old, project=project)
    login(client, stage, Role.MANAGER)
    page = client.get(url("voting:fraud", stage)).content.decode()
    entry = VoteLog.objects.get(vote=fresh)
    assert entry.public_id in page and "after the account was created" in page
    assert VoteLog.objects.exclude(vote=fresh).get().public_id not in page

    confirm = client.post(url("voting:annul", stage), {"log": [entry.public_id]})
    text = confirm.content.decode()
    assert (
        confirm.status_code == 200 and "1 counted vote will be annulled" in text and "Village library" in text
    )
    assert Project.objects.get(pk=project.pk).vote_count == 2  # nothing changed yet

    missing_reason = client.post(url("voting:annul", stage), {"log": [entry.public_id], "confirm": "1"})
    assert missing_reason.status_code == 200 and Project.objects.get(pk=project.pk).vote_count == 2

    done = client.post(
        url("voting:annul", stage), {"log": [entry.public_id], "confirm": "1", "reason": "bot"}, follow=True
    )
    assert "1 vote is annulled." in done.content.decode()
    assert Project.objects.get(pk=project.pk).vote_count == 1
    assert Vote.objects.get(pk=fresh.pk).annul_reason == "bot"


def test_vote_form_with_proof_of_work(client, settings, stage, project):
    settings.VOTING_POW_REQUIRED = True
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=90))
    client.force_login(user)
    edition_page = client.get(
        reverse("contests:edition", args=[stage.edition.contest.slug, stage.edition.public_id])
    ).content.decode()
    challenge_url = reverse("voting:challenge") + f"?project={project.public_id}"
    assert f'data-pow="{challenge_url}"' in edition_page and "voting/pow-worker.js" in edition_page
    assert "<noscript>" in edition_page

    refused = client.post(reverse("voting:cast", args=[project.public_id]), follow=True)
    assert "browser check did not complete" in refused.content.decode()

    challenge = client.get(reverse("voting:challenge"), {"project": project.public_id}).json()
    assert challenge["parameters"]["data"]["level"] == 0 and challenge["signature"]
    payload = antifraud.solve(challenge)
    response = client.post(
        reverse("voting:cast", args=[project.public_id]),
        {"altcha": payload},
        HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0",
        REMOTE_ADDR="203.0.113.20",
    )
    assert response.status_code == 200 and Project.objects.get(pk=project.pk).vote_count == 1
    entry = VoteLog.objects.get(outcome=VoteLog.Outcome.ACCEPTED)
    assert (
        entry.network_hash == antifraud.network_hash("203.0.113.1") and entry.ua_family == "firefox/desktop"
    )


def test_trusted_proxy_count_decides_the_client_address(client, settings, stage, project):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(UserFactory())
    client.post(
        reverse("voting:cast", args=[project.public_id]),
        HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1",
        REMOTE_ADDR="10.0.0.1",
    )
    assert VoteLog.objects.get().network_hash == antifraud.network_hash("192.0.2.1")


def test_new_accounts_get_a_harder_challenge(client, stage, project):
    client.force_login(UserFactory())  # signed up seconds ago
    challenge = client.get(reverse("voting:challenge"), {"project": project.public_id}).json()
    assert challenge["parameters"]["data"]["level"] == 2


def test_help_page(client):
    page = client.get(reverse("voting:help")).content.decode()
    assert "How public voting works" in page and "receipt" in page
