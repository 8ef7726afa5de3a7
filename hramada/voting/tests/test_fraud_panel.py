"""The organisers' fraud panel: flags are shown for a person to review, each with its reason in numbers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.errors import DomainError
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.voting import services

from .factories import VotingRulesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage():
    return VotingRulesFactory().stage


@pytest.fixture
def projects(stage):
    category = CategoryFactory(edition=stage.edition)
    return [ProjectFactory(category=category) for _ in range(2)]


def user_made(days_ago, **kwargs):
    user = UserFactory(**kwargs)
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days_ago))
    user.refresh_from_db()
    return user


def test_the_panel_asks_for_review_and_explains_a_burst_of_recent_accounts(client, stage, projects):
    for _ in range(10):  # ordinary votes from established accounts
        services.cast_vote(user=user_made(400), project=projects[1])
    for _ in range(15):  # accounts made five days ago, all voting for one project now
        services.cast_vote(user=user_made(5), project=projects[0])
    with pytest.raises(DomainError):
        services.cast_vote(user=user_made(400, email="x@mailinator.com"), project=projects[1])
    manager = UserFactory()
    Membership.objects.create(
        organisation=stage.edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    login_staff(client, manager)

    response = client.get(reverse("voting:fraud", args=[stage.edition.contest.slug, stage.edition.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Flags are for a person to review before annulling anything." in page
    assert "15 flagged votes." in page
    assert page.count("15 of 15 votes for this project within 60 minutes came from accounts made") == 15
    assert "refused: disposable e-mail address — 1" in page  # the outcome's name, not its code
    assert "What the signals cannot tell apart" in page
