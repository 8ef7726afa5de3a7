"""Voting pages: vote and receipt, refusals, withdrawal, results with rules and fingerprint, ballot, receipts."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting import selectors, services
from hramada.voting.models import Vote, VotingRules

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    return VotingRulesFactory(votes_per_category=1)


@pytest.fixture
def stage(rules):
    return rules.stage


@pytest.fixture
def project(stage):
    return ProjectFactory(category=CategoryFactory(edition=stage.edition), title="Village library")


def vote_url(project):
    return reverse("voting:cast", args=[project.public_id])


def results_url(stage):
    return reverse("voting:results", args=[stage.edition.contest.slug, stage.edition.public_id])


def ballot_url(stage):
    return reverse("voting:ballot", args=[stage.edition.contest.slug, stage.edition.public_id])


def count(project):
    return Project.objects.get(pk=project.pk).vote_count


def close(stage):
    stage.ends_at = timezone.now() - timedelta(minutes=1)
    stage.starts_at = stage.ends_at - timedelta(days=7)
    stage.save()


def test_anonymous_must_log_in_to_vote(client, project):
    response = client.post(vote_url(project))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert count(project) == 0


def test_vote_shows_receipt_once_and_a_second_post_is_refused(client, project, stage):
    user = UserFactory()
    client.force_login(user)
    response = client.post(vote_url(project))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    vote = Vote.objects.get(project=project)
    code = next(word for word in page.split("<code>")[1:]).split("</code>")[0]
    assert selectors.receipt_hash(code) == vote.receipt_hash
    assert "receipt check on the results page" in page
    assert count(project) == 1
    assert code not in str(dict(client.session))  # never kept in the session

    edition_url = reverse("contests:edition", args=[stage.edition.contest.slug, stage.edition.public_id])
    again = client.post(vote_url(project), {"next": edition_url}, follow=True)
    assert again.redirect_chain == [(edition_url, 302)]  # a refusal redirects: reloading repeats nothing
    assert "You have already voted for this project." in again.content.decode()
    assert Vote.objects.filter(project=project).count() == 1 and count(project) == 1

    # The edition page now lists the vote under "My votes", without the receipt.
    edition_page = client.get(edition_url).content
    assert b"My votes" in edition_page and code.encode() not in edition_page


def test_limit_reached_message(client, project):
    other = ProjectFactory(category=project.category)
    client.force_login(UserFactory())
    client.post(vote_url(project))
    page = client.post(vote_url(other), follow=True).content.decode()
    assert "You have used your 1 vote in this category." in page
    assert count(other) == 0


def test_unverified_email_is_refused_with_a_link_to_the_email_page(client, project):
    client.force_login(UserFactory(verified=False))
    page = client.post(vote_url(project), follow=True).content.decode()
    assert "Confirm your e-mail address to vote" in page
    assert f'href="{reverse("account_email")}"' in page
    assert count(project) == 0


def test_closed_vote_is_refused(client, project, stage):
    close(stage)
    client.force_login(UserFactory())
    page = client.post(vote_url(project), follow=True).content.decode()
    assert "Voting is not open." in page and count(project) == 0


def test_a_vote_sent_just_after_the_close_says_so_in_place(client, project, stage):
    """The vote area answered to htmx used to be empty once the vote had closed: the refusal vanished."""
    close(stage)
    client.force_login(UserFactory())
    answer = client.post(vote_url(project), HTTP_HX_REQUEST="true").content.decode()
    assert "Voting is not open." in answer and count(project) == 0


def test_withdraw(client, project):
    client.force_login(UserFactory())
    client.post(vote_url(project))
    withdraw_url = reverse("voting:withdraw", args=[project.public_id])
    # First the question (a page, for browsers without JavaScript); nothing changes yet.
    asked = client.post(withdraw_url, {"next": "/en/somewhere/"})
    text = asked.content.decode()
    assert asked.status_code == 200 and "Withdraw your vote for “Village library”?" in text
    assert 'name="confirm" value="1"' in text and 'href="/en/somewhere/"' in text  # "No, keep my vote"
    assert count(project) == 1
    page = client.post(withdraw_url, {"confirm": "1"}, follow=True).content.decode()
    assert "Your vote for “Village library” is withdrawn." in page
    assert count(project) == 0
    assert Vote.objects.get(project=project).withdrawn_at is not None
    page = client.post(withdraw_url, {"confirm": "1"}, follow=True).content.decode()
    assert "You have no vote for this project." in page


def test_results_page_shows_rules_fingerprint_counts_and_ballot(client, project, stage):
    user = UserFactory()
    _vote, code = services.cast_vote(user=user, project=project)
    close(stage)
    rules = VotingRules.objects.get(stage=stage)
    response = client.get(results_url(stage))
    page = response.content.decode()
    assert rules.fingerprint in page
    assert '<td class="num">1</td>' in page
    assert "Votes per category" in page and ballot_url(stage) in page

    ballot = client.get(ballot_url(stage))
    assert ballot["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(ballot.streaming_content).decode())))
    assert rows[0] == ["receipt_hash", "project", "hour_utc", "status"]
    assert rows[1][:2] == [selectors.receipt_hash(code), project.public_id] and rows[1][3] == "counted"
    assert selectors.voter_hash(user, stage) not in str(rows)


def test_receipt_checker(client, project, stage):
    _vote, code = services.cast_vote(user=UserFactory(), project=project)
    page = client.post(results_url(stage), {"receipt": code.lower().replace("-", " ")}).content.decode()
    assert "is in the ballot and counted" in page
    page = client.post(results_url(stage), {"receipt": "0000-0000-0000-0000"}).content.decode()
    assert "No vote has this receipt code." in page


def test_counts_and_ballot_hidden_during_the_vote_when_rules_say_after(client, project, stage):
    services.cast_vote(user=UserFactory(), project=project)
    page = client.get(results_url(stage)).content.decode()
    assert "the counts are shown after the vote closes" in page
    assert '<td class="num">' not in page and ballot_url(stage) not in page
    assert client.get(ballot_url(stage)).status_code == 302


def test_live_counts_shown_during_the_vote(client, project, stage):
    VotingRules.objects.filter(stage=stage).update(show_counts=VotingRules.ShowCounts.LIVE)
    services.cast_vote(user=UserFactory(), project=project)
    assert '<td class="num">1</td>' in client.get(results_url(stage)).content.decode()
