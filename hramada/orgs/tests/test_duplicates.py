"""The organiser's "possible duplicates" page: who sees it, what they see, merging and dismissing."""

import pytest
from django.urls import reverse

from hramada.core.models import AuditEntry
from hramada.events.tests.factories import EventFactory, registered
from hramada.orgs.models import Role
from hramada.people.models import DuplicateDismissal, Person
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import SettlementFactory

from .factories import OrganisationFactory
from .test_views import login_as

pytestmark = pytest.mark.django_db


def two_alike(org, *, name_b="Alena Kavalenka"):
    """Two records of one human registered at the organisation's event: the same village, the name
    once in Cyrillic and once in Latin letters."""
    village = SettlementFactory()
    event = EventFactory(organisation=org)
    a = PersonFactory(display_name="Алена Каваленка", home_settlement=village, email="alena@example.org")
    b = PersonFactory(display_name=name_b, home_settlement=village)
    registered(event, a)
    registered(event, b)
    return a, b


def list_url(org):
    return reverse("orgs:duplicates", args=[org.slug])


def merge_url(org, a, b):
    return reverse("orgs:duplicate_merge", args=[org.slug, a.public_id, b.public_id])


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 403), (Role.MEMBER, 403), (Role.EXPERT, 403), (Role.MANAGER, 200), (Role.OWNER, 200)],
)
def test_only_owners_and_managers_see_the_page(client, role, status):
    org = OrganisationFactory()
    login_as(client, org, role)
    assert client.get(list_url(org)).status_code == status


def test_anonymous_and_no_second_factor_are_sent_away(client):
    org = OrganisationFactory()
    assert client.get(list_url(org)).status_code == 302
    login_as(client, org, Role.OWNER, totp=False)
    response = client.get(list_url(org))
    assert response.status_code == 302 and reverse("mfa_activate_totp") in response["Location"]


def test_pairs_shown_side_by_side_with_masked_email_and_activities(client):
    org = OrganisationFactory()
    a, b = two_alike(org)
    login_as(client, org, Role.MANAGER)
    response = client.get(list_url(org))
    html = response.content.decode()
    assert "Алена Каваленка" in html and "Alena Kavalenka" in html
    assert "a***@example.org" in html and "alena@example.org" not in html
    assert "similar name in the same settlement" in html
    assert "event registrations: 1" in html
    assert merge_url(org, a, b) in html


def test_empty_state(client):
    org = OrganisationFactory()
    login_as(client, org, Role.OWNER)
    assert "No possible duplicates" in client.get(list_url(org)).content.decode()


def test_people_outside_the_organisation_are_neither_shown_nor_mergeable(client):
    org, other = OrganisationFactory(), OrganisationFactory()
    a, b = two_alike(other)
    login_as(client, org, Role.OWNER)
    assert "Alena Kavalenka" not in client.get(list_url(org)).content.decode()
    assert client.get(merge_url(org, a, b)).status_code == 404
    assert client.post(merge_url(org, a, b), {"keep": a.public_id}).status_code == 404
    dismiss = reverse("orgs:duplicate_dismiss", args=[org.slug, a.public_id, b.public_id])
    assert client.post(dismiss).status_code == 404
    # One of the two linked to the organisation is not enough.
    registered(EventFactory(organisation=org), a)
    assert client.post(merge_url(org, a, b), {"keep": a.public_id}).status_code == 404
    assert Person.objects.filter(pk=b.pk).exists()


def test_merge_keeps_the_chosen_record_moves_registrations_and_audits(client):
    org = OrganisationFactory()
    a, b = two_alike(org)
    user = login_as(client, org, Role.OWNER)
    assert client.get(merge_url(org, a, b)).status_code == 200
    response = client.post(merge_url(org, a, b), {"keep": b.public_id})
    assert response.status_code == 200
    assert "The two records are now one" in response.content.decode()
    assert not Person.objects.filter(pk=a.pk).exists()
    b.refresh_from_db()
    assert b.registrations.count() == 2 and b.email == "alena@example.org"
    entry = AuditEntry.objects.get(action="people.person.merged")
    assert entry.actor == user and entry.scope_id == str(org.pk)
    assert entry.data["removed"] == a.public_id


def test_merge_without_a_choice_or_with_a_stranger_choice_is_a_400(client):
    org = OrganisationFactory()
    a, b = two_alike(org)
    login_as(client, org, Role.OWNER)
    assert client.post(merge_url(org, a, b), {}).status_code == 400
    response = client.post(merge_url(org, a, b), {"keep": PersonFactory().public_id})
    assert response.status_code == 400 and "Choose which" in response.content.decode()
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_a_refused_merge_shows_why(client):
    from hramada.people.tests.factories import UserFactory

    org = OrganisationFactory()
    event = EventFactory(organisation=org)
    a, b = UserFactory().person, UserFactory().person
    registered(event, a)
    registered(event, b)
    login_as(client, org, Role.OWNER)
    response = client.post(merge_url(org, a, b), {"keep": a.public_id})
    assert response.status_code == 409 and "own login" in response.content.decode()


def test_not_a_duplicate_is_remembered(client):
    org = OrganisationFactory()
    a, b = two_alike(org)
    login_as(client, org, Role.MANAGER)
    dismiss = reverse("orgs:duplicate_dismiss", args=[org.slug, a.public_id, b.public_id])
    assert client.get(dismiss).status_code == 405
    assert client.post(dismiss).status_code == 302
    assert DuplicateDismissal.objects.count() == 1
    assert "No possible duplicates" in client.get(list_url(org)).content.decode()
    assert AuditEntry.objects.filter(action="people.duplicate.dismissed").exists()


def test_pagination(client):
    org = OrganisationFactory()
    for i in range(21):
        village = SettlementFactory()
        event = EventFactory(organisation=org)
        for _ in range(2):
            registered(event, PersonFactory(display_name=f"Ivan Petrou {i}", home_settlement=village))
    login_as(client, org, Role.OWNER)
    first = client.get(list_url(org)).content.decode()
    assert "Page 1 of 2" in first
    assert client.get(list_url(org) + "?page=2").status_code == 200
