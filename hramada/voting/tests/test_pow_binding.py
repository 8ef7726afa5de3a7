"""A proof-of-work challenge is bound to the project it was fetched for: solved for one project, it is
refused for any other (so one solved challenge cannot be spent on whichever project a script likes,
and the work paid is for the vote the voter saw). Refused bindings are logged and spend nothing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.models import Project
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud, codes, services
from hramada.voting.antifraud import RequestMeta
from hramada.voting.models import UsedChallenge, VoteLog

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db

META = RequestMeta(ip="203.0.113.8", user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0")


@pytest.fixture(autouse=True)
def _pow_on(settings):
    settings.VOTING_POW_REQUIRED = True


@pytest.fixture
def projects():
    stage = VotingRulesFactory(votes_per_category=2, allow_codes=True).stage
    category = CategoryFactory(edition=stage.edition)
    return [ProjectFactory(category=category, title=f"Project {i}") for i in range(2)]


def old_user():
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def count(project):
    return Project.objects.get(pk=project.pk).vote_count


def test_a_challenge_solved_for_one_project_is_refused_for_another(projects):
    x, y = projects
    voter = old_user()
    payload = antifraud.solve(antifraud.new_challenge(0, project=x.public_id))
    with pytest.raises(DomainError, match="another project"):
        services.cast_vote(user=voter, project=y, request_meta=META, challenge=payload)
    assert count(y) == 0 and UsedChallenge.objects.count() == 0
    assert VoteLog.objects.filter(outcome=VoteLog.Outcome.CHALLENGE_FAILED).count() == 1
    # Refused, not spent: the voter's vote for the project it was solved for still goes through.
    services.cast_vote(user=voter, project=x, request_meta=META, challenge=payload)
    assert count(x) == 1 and UsedChallenge.objects.count() == 1


def test_a_challenge_bound_to_no_project_is_refused(projects):
    unbound = antifraud.new_challenge(0, project="")
    with pytest.raises(DomainError, match="another project"):
        services.cast_vote(
            user=old_user(), project=projects[0], request_meta=META, challenge=antifraud.solve(unbound)
        )
    assert count(projects[0]) == 0


def test_the_binding_is_signed(projects):
    x, y = projects
    challenge = antifraud.new_challenge(0, project=x.public_id)
    challenge["parameters"]["data"]["project"] = y.public_id  # re-bound by the client: signature broken
    with pytest.raises(DomainError, match="browser check did not complete"):
        services.cast_vote(
            user=old_user(), project=y, request_meta=META, challenge=antifraud.solve(challenge)
        )
    assert count(y) == 0


def test_code_votes_are_bound_too(projects):
    x, y = projects
    stage = x.edition.stages.get()
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    _batch, plain = codes.create_code_batch(actor=manager, stage=stage, partner="Library", size=1)
    payload = antifraud.solve(antifraud.new_challenge(0, project=x.public_id))
    with pytest.raises(DomainError, match="another project"):
        services.cast_vote(code=plain[0], project=y, request_meta=META, challenge=payload)
    services.cast_vote(code=plain[0], project=x, request_meta=META, challenge=payload)
    assert (count(x), count(y)) == (1, 0)


def test_the_challenge_endpoint_binds_what_it_issues(client, projects):
    x, y = projects
    client.force_login(old_user())
    challenge = client.get(reverse("voting:challenge"), {"project": x.public_id}).json()
    assert challenge["parameters"]["data"]["project"] == x.public_id
    assert challenge["maxNumber"] >= 1  # for the button's progress; not part of the signed challenge
    payload = antifraud.solve(challenge)
    refused = client.post(
        reverse("voting:cast", args=[y.public_id]), {"altcha": payload}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 200 and "another project" in refused.content.decode()
    accepted = client.post(
        reverse("voting:cast", args=[x.public_id]), {"altcha": payload}, HTTP_HX_REQUEST="true"
    )
    assert accepted.status_code == 200 and "receipt-code" in accepted.content.decode()
    assert (count(x), count(y)) == (1, 0)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"project": ""}, 400),
        ({"project": "01J0000000000000000000000X"}, 404),
        ({"project": "01J000000000000000000000\x00X"}, 404),
    ],
)
def test_the_challenge_endpoint_needs_a_project(client, projects, query, status):
    response = client.get(reverse("voting:challenge"), query)
    assert response.status_code == status
    assert json.loads(response.content)["error"]
