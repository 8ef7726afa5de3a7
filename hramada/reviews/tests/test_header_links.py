"""The header's links for signed-in users: "Organiser" only for people who manage something (the organiser
pages ask for two-factor authentication), "My reviews" for anyone with review assignments."""

import pytest
from django.urls import reverse

from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory

from .factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def header(client) -> str:
    page = client.get(reverse("core:home")).content.decode()
    return page.split('<main id="main"', 1)[0]


def links(client) -> tuple[bool, bool]:
    """Whether the header links the organiser pages, and "My reviews"."""
    html = header(client)
    return f'href="{reverse("core:manage")}"' in html, f'href="{reverse("reviews:my_reviews")}"' in html


def test_anonymous_visitors_see_neither(client):
    assert links(client) == (False, False)


def test_a_resident_without_a_role_sees_neither(client):
    client.force_login(UserFactory())
    assert links(client) == (False, False)


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_owners_and_managers_see_the_organiser_link(client, role):
    client.force_login(member_of(OrganisationFactory(), role))
    assert links(client) == (True, False)


def test_platform_staff_see_the_organiser_link(client):
    client.force_login(UserFactory(is_staff=True))
    assert links(client) == (True, False)


@pytest.mark.parametrize("role", [Role.EXPERT, Role.MEMBER])
def test_experts_and_members_are_not_sent_to_the_organiser_pages(client, role):
    client.force_login(member_of(OrganisationFactory(), role))
    assert links(client) == (False, False)


def test_an_expert_with_assignments_sees_my_reviews_and_no_organiser_link(client):
    expert = member_of(OrganisationFactory(), Role.EXPERT)
    AssignmentFactory(reviewer__user=expert)
    client.force_login(expert)
    assert links(client) == (False, True)
    html = header(client)
    assert ">My reviews</a>" in html and ">Organiser</a>" not in html


def test_a_reviewer_without_membership_sees_my_reviews(client):
    """Jurors and outside experts are often in no organisation at all."""
    juror = UserFactory()
    AssignmentFactory(reviewer__user=juror)
    client.force_login(juror)
    assert links(client) == (False, True)


def test_a_manager_who_also_reviews_sees_both(client):
    manager = member_of(OrganisationFactory(), Role.MANAGER)
    AssignmentFactory(reviewer__user=manager)
    client.force_login(manager)
    assert links(client) == (True, True)


def test_the_current_page_is_marked(client):
    expert = UserFactory()
    AssignmentFactory(reviewer__user=expert)
    client.force_login(expert)
    url = reverse("reviews:my_reviews")
    assert f'<a href="{url}" aria-current="page">' in client.get(url).content.decode()
