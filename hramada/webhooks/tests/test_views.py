"""Organiser pages: only owners (and staff) with the session's second factor; another organisation's
owner gets nothing; the secret is shown once; bad input is a 400 with a message; the test button, the
delivery log (paginated) with resend, rotation and removal."""

import pytest
from django.urls import reverse

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.webhooks.models import Delivery, Endpoint

from .factories import EndpointFactory

# Real commits: the "send a test" button sends once the request's transaction has committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _user(who, org):
    if who == "anonymous":
        return None
    if who == "outsider":
        return UserFactory()
    if who in ("member", "manager", "owner"):
        return member_of(org, {"member": Role.MEMBER, "manager": Role.MANAGER, "owner": Role.OWNER}[who])
    if who == "other owner":
        return member_of(OrganisationFactory(), Role.OWNER)
    return UserFactory(is_staff=True)


MATRIX = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "manager": 403,
    "other owner": 403,
    "owner": 200,
    "staff": 200,
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, org, who):
    endpoint = EndpointFactory(organisation=org)
    user = _user(who, org)
    if user is not None:
        login_staff(client, user)
    urls = [
        reverse("webhooks:list", args=[org.slug]),
        reverse("webhooks:new", args=[org.slug]),
        reverse("webhooks:detail", args=[org.slug, endpoint.public_id]),
        reverse("webhooks:delete", args=[org.slug, endpoint.public_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == MATRIX[who], url
    posts = ["rotate", "test"]
    for name in posts:
        response = client.post(reverse(f"webhooks:{name}", args=[org.slug, endpoint.public_id]))
        assert response.status_code == (302 if MATRIX[who] == 200 else MATRIX[who])
    if MATRIX[who] != 200:
        assert not Delivery.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="webhooks.").exists()


def test_an_owner_without_the_second_factor_is_sent_to_type_a_code(client, org):
    user = member_of(org, Role.OWNER)
    client.force_login(user)
    response = client.get(reverse("webhooks:list", args=[org.slug]))
    assert response.status_code == 302 and response.url.startswith("/en/accounts/")


def test_another_organisations_endpoint_is_not_found_under_ones_own(client, org):
    other = EndpointFactory()
    login_staff(client, member_of(org, Role.OWNER))
    url = reverse("webhooks:detail", args=[org.slug, other.public_id])
    assert client.get(url).status_code == 404
    assert client.post(reverse("webhooks:test", args=[org.slug, other.public_id])).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[org.slug, other.public_id])).status_code == 404
    assert Endpoint.objects.filter(pk=other.pk).exists()


def test_adding_an_endpoint_shows_its_secret_once(client, org):
    login_staff(client, member_of(org, Role.OWNER))
    response = client.post(
        reverse("webhooks:new", args=[org.slug]),
        {"url": "https://hooks.example.org/in", "event_types": ["registration.created"], "is_active": "on"},
        follow=True,
    )
    endpoint = Endpoint.objects.get(organisation=org)
    assert endpoint.event_types == ["registration.created"] and endpoint.is_active
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    again = client.get(reverse("webhooks:detail", args=[org.slug, endpoint.public_id]))
    assert endpoint.secret not in again.content.decode()
    assert AuditEntry.objects.filter(action="webhooks.endpoint.created").count() == 1
    assert (
        "https://hooks.example.org/in"
        in client.get(reverse("webhooks:list", args=[org.slug])).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "not a url", "event_types": ["registration.created"]}, "Enter a valid URL"),
        ({"url": "https://hooks.example.org/"}, "This field is required"),
        ({"url": "https://hooks.example.org/", "event_types": ["nope"]}, "Select a valid choice"),
        ({"url": "https://u:p@hooks.example.org/", "event_types": ["registration.created"]}, "user name"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, org, data, message):
    login_staff(client, member_of(org, Role.OWNER))
    response = client.post(reverse("webhooks:new", args=[org.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_production_refuses_a_local_address_in_the_form(client, org, settings):
    settings.PRODUCTION = True
    login_staff(client, member_of(org, Role.OWNER))
    response = client.post(
        reverse("webhooks:new", args=[org.slug]),
        {"url": "https://127.0.0.1/", "event_types": ["results.published"]},
    )
    assert response.status_code == 400
    assert "private or local" in response.content.decode()


def test_send_a_test_then_resend_from_the_log(client, org, receiver):
    login_staff(client, member_of(org, Role.OWNER))
    endpoint = EndpointFactory(organisation=org, url=receiver.url)
    response = client.post(reverse("webhooks:test", args=[org.slug, endpoint.public_id]), follow=True)
    assert "The test message was delivered." in response.content.decode()
    delivery = Delivery.objects.get()
    page = response.content.decode()
    assert "webhook.test" in page and delivery.message_id in page and "200" in page
    resend = reverse("webhooks:resend", args=[org.slug, endpoint.public_id, delivery.public_id])
    assert client.post(resend).status_code == 302
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and len(receiver.requests) == 2
    other = EndpointFactory(organisation=org, url=receiver.url)
    wrong = reverse("webhooks:resend", args=[org.slug, other.public_id, delivery.public_id])
    assert client.post(wrong).status_code == 404


def test_a_failed_test_says_why(client, org, receiver):
    receiver.statuses = [500]
    login_staff(client, member_of(org, Role.OWNER))
    endpoint = EndpointFactory(organisation=org, url=receiver.url)
    response = client.post(reverse("webhooks:test", args=[org.slug, endpoint.public_id]), follow=True)
    assert "The endpoint answered 500." in response.content.decode()


def test_the_log_is_paginated_and_the_empty_log_says_so(client, org):
    login_staff(client, member_of(org, Role.OWNER))
    endpoint = EndpointFactory(organisation=org)
    url = reverse("webhooks:detail", args=[org.slug, endpoint.public_id])
    assert "Nothing sent yet" in client.get(url).content.decode()
    Delivery.objects.bulk_create(
        [
            Delivery(
                endpoint=endpoint, message_id=f"msg_{n:026d}", event_type="registration.created", body="{}"
            )
            for n in range(30)
        ]
    )
    first = client.get(url).content.decode()
    assert first.count("registration.created</summary>") == 25
    second = client.get(url + "?page=2").content.decode()
    assert second.count("registration.created</summary>") == 5
    assert client.get(url + "?page=junk").status_code == 200


def test_rotate_shows_the_new_secret_once_and_remove_deletes(client, org):
    login_staff(client, member_of(org, Role.OWNER))
    endpoint = EndpointFactory(organisation=org)
    old = endpoint.secret
    response = client.post(reverse("webhooks:rotate", args=[org.slug, endpoint.public_id]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in response.content.decode()
    response = client.post(reverse("webhooks:delete", args=[org.slug, endpoint.public_id]))
    assert response.status_code == 302 and not Endpoint.objects.exists()
    assert AuditEntry.objects.filter(action="webhooks.endpoint.deleted").count() == 1


def test_editing_an_endpoint(client, org):
    login_staff(client, member_of(org, Role.OWNER))
    endpoint = EndpointFactory(organisation=org, is_active=False)
    url = reverse("webhooks:detail", args=[org.slug, endpoint.public_id])
    response = client.post(
        url,
        {
            "url": "https://new.example.org/",
            "description": "CRM",
            "event_types": ["issue.answered"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description, endpoint.event_types, endpoint.is_active) == (
        "https://new.example.org/",
        "CRM",
        ["issue.answered"],
        True,
    )
    assert client.post(url, {"url": "", "event_types": []}).status_code == 400


def test_the_organisation_menu_links_webhooks_for_owners_only(org):
    from hramada.orgs.registry import menu_links

    owner = member_of(org, Role.OWNER)
    owner.two_factor_passed = True
    manager = member_of(org, Role.MANAGER)
    manager.two_factor_passed = True
    url = reverse("webhooks:list", args=[org.slug])
    assert url in [link for _label, link in menu_links(owner, org)]
    assert url not in [link for _label, link in menu_links(manager, org)]
