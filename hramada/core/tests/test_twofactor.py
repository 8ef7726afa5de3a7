"""Two-factor is a property of the session: a password alone, typed into any login form there is,
reaches nothing that needs the code.

Each login path is tried with a staff account whose password is known and which has a TOTP authenticator
enrolled (the stolen-password case), then every protected place is asked for: the admin site (user list,
vote log), the organiser pages, the audit log and private files. Remove the session check from
``TwoFactorMiddleware`` (ask ``has_totp`` instead, as before) and ``test_a_password_only_session_*`` go red.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hramada.core.tests.helpers import enrol_totp, login_staff, minimal_pdf, pass_second_factor
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=user.person, role=Role.OWNER)
    user.org = org
    user.totp_secret = enrol_totp(user)
    return user


def protected_urls(user):
    return [
        "/admin/",
        "/admin/people/user/",
        "/admin/voting/votelog/",
        reverse("core:manage"),
        reverse("orgs:audit", args=[user.org.slug]),
    ]


def totp_code(secret):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def assert_nothing_protected_reached(client, user):
    for url in protected_urls(user):
        response = client.get(url)
        assert response.status_code == 302, url
        location = response["Location"]
        assert any(p in location for p in ("/2fa/reauthenticate/", "/accounts/login/", "/admin/login/")), (
            url,
            location,
        )


def test_the_admin_login_form_signs_nobody_in(client, staff):
    """Django admin's own form used to accept the password alone; it now sends people to the site's login."""
    page = client.get("/admin/login/?next=/admin/people/user/")
    assert page.status_code == 302
    assert (
        reverse("account_login") in page["Location"]
        and "next=%2Fadmin%2Fpeople%2Fuser%2F" in page["Location"]
    )

    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/people/user/").status_code == 302


def test_the_site_login_with_a_password_alone_stops_at_the_code(client, staff):
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session  # not signed in until the code
    assert_nothing_protected_reached(client, staff)


def test_the_site_login_with_the_code_reaches_the_staff_pages(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})
    assert response.status_code == 302
    for url in protected_urls(staff):
        assert client.get(url).status_code == 200, url


def test_a_password_only_session_is_asked_for_the_code_everywhere(client, staff):
    """A session signed in without the second factor (as the admin form used to make, or a login flow
    that skips allauth's stages) is sent to enter the code, then comes back to the page it asked for."""
    client.force_login(staff)
    assert_nothing_protected_reached(client, staff)

    response = client.get("/admin/people/user/")
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=%2Fadmin%2Fpeople%2Fuser%2F" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    done = client.post(response["Location"], {"code": totp_code(staff.totp_secret)})
    assert done.status_code == 302 and done["Location"] == "/admin/people/user/"
    assert client.get("/admin/people/user/").status_code == 200


def test_a_password_only_session_cannot_download_private_answer_files(client, staff):
    """The permission rules ask the session too: staff may read any form's answer files only after the code."""
    from hramada.questions import services as question_services
    from hramada.questions.models import Question
    from hramada.questions.tests.factories import FormFactory

    form = FormFactory(organisation=staff.org)
    question = Question.objects.create(form=form, kind=Question.Kind.FILE, label_en="CV", order=1)
    response = question_services.save_response(
        form=form,
        person=staff.person,
        answers={question: SimpleUploadedFile("cv.pdf", minimal_pdf(), content_type="application/pdf")},
    )
    url = reverse("questions:answer_file", args=[response.public_id, question.pk])

    client.force_login(staff)
    assert client.get(url).status_code == 404
    pass_second_factor(client, staff)
    assert client.get(url).status_code == 200


def test_enrolling_an_authenticator_counts_as_passing_the_second_factor(client, db):
    """An organiser without an authenticator sets one up (typing its code) and goes on to the page."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    user = UserFactory()
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=user.person, role=Role.OWNER)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    target = reverse("orgs:edit", args=[org.slug])

    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    # Straight after logging in, the password is not asked again.
    page = client.get(response["Location"])
    assert page.status_code == 200, page.get("Location")
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    # First the recovery codes, whose page leads on to where the organiser was going.
    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"])
    assert f'href="{target}"' in codes.content.decode()
    assert client.get(target).status_code == 200


def test_removing_the_authenticator_ends_the_second_factor_of_the_session(client, staff):
    client.force_login(staff)
    pass_second_factor(client, staff)
    assert client.get("/admin/").status_code == 200
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    client.post(reverse("mfa_deactivate_totp"), {"code": totp_code(staff.totp_secret)})
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_signed_in_user_who_is_not_staff_gets_403_from_the_admin_login(client, db):
    user = UserFactory()
    login_staff(client, user)
    assert client.get("/admin/").status_code == 302  # the admin sends non-staff to its login...
    assert client.get("/admin/login/?next=/admin/").status_code == 403  # ...which refuses, no loop
