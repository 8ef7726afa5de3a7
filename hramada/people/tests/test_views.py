import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from hramada.people.models import Person
from hramada.places.tests.factories import SettlementFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_needs_login(client):
    response = client.get(reverse("people:profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signup_sends_verification_and_confirming_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a-long-secret-91", "password2": "a-long-secret-91"},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    assert client.get(reverse("people:profile")).status_code == 302  # not verified: not logged in yet
    response = client.post(path)
    assert response.status_code == 302
    assert client.get(reverse("people:profile")).status_code == 200
    user = get_user_model().objects.get(email="new@example.org")
    assert Person.objects.get(user=user).display_name == "new"


def test_profile_update_and_consent_flow(client):
    user = UserFactory()
    client.force_login(user)
    settlement = SettlementFactory(name="Bashni", name_en="Bashni")
    response = client.post(
        reverse("people:profile"),
        {
            "form": "profile",
            "display_name": "Maryia",
            "home_settlement": settlement.pk,
            "preferred_language": "be",
        },
    )
    assert response.status_code == 302
    user.person.refresh_from_db()
    assert (user.person.display_name, user.person.home_settlement, user.person.preferred_language) == (
        "Maryia",
        settlement,
        "be",
    )
    # Value without consent: refused with a message on the field, nothing stored.
    response = client.post(reverse("people:profile"), {"form": "sensitive", "gender": "woman"})
    assert response.status_code == 200
    assert b"Tick the consent box" in response.content
    user.person.refresh_from_db()
    assert user.person.gender == ""
    response = client.post(
        reverse("people:profile"), {"form": "sensitive", "gender": "woman", "gender_consent": "on"}
    )
    assert response.status_code == 302
    user.person.refresh_from_db()
    assert user.person.gender == "woman"
    page = client.get(reverse("people:profile")).content.decode()
    assert "Why we ask" in page and "five people or more" in page


def test_profile_rejects_empty_name_and_keeps_input(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("people:profile"), {"form": "profile", "display_name": "", "preferred_language": "ru"}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    user.person.refresh_from_db()
    assert user.person.display_name != ""


def test_download_my_data_is_json_attachment(client):
    user = UserFactory(email="me@example.org")
    client.force_login(user)
    response = client.get(reverse("people:download_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["email"] == "me@example.org"
    assert data["format"] == "hramada-personal-data/1"


def test_delete_account_needs_password_and_confirmation(client):
    user = UserFactory(email="bye@example.org")
    client.force_login(user)
    response = client.post(reverse("people:delete_account"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200 and b"not your password" in response.content
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post(reverse("people:delete_account"), {"password": "correct-horse-battery"})
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post(
        reverse("people:delete_account"), {"password": "correct-horse-battery", "confirm": "on"}, follow=True
    )
    assert b"Your account is deleted" in response.content
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not client.login(email="bye@example.org", password="correct-horse-battery")
    assert client.get(reverse("people:profile")).status_code == 302
