import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def login_as(client, org, role, *, totp=True):
    user = UserFactory()
    if role:
        Membership.objects.create(organisation=org, person=user.person, role=role)
    if totp:
        login_staff(client, user)
    else:
        client.force_login(user)
    return user


PAGES = ["orgs:edit", "orgs:members", "orgs:audit"]
MATRIX = {
    # role: expected status for edit, members, audit
    None: (403, 403, 403),
    Role.MEMBER: (403, 200, 403),
    Role.EXPERT: (403, 200, 403),
    Role.MANAGER: (200, 200, 403),
    Role.OWNER: (200, 200, 200),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_manage_pages_permission_matrix(client, role):
    org = OrganisationFactory()
    login_as(client, org, role)
    statuses = tuple(client.get(reverse(name, args=[org.slug])).status_code for name in PAGES)
    assert statuses == MATRIX[role]


def test_anonymous_is_sent_to_login(client):
    org = OrganisationFactory()
    response = client.get(reverse("orgs:edit", args=[org.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manage_pages_require_two_factor_first(client):
    org = OrganisationFactory()
    login_as(client, org, Role.OWNER, totp=False)
    response = client.get(reverse("orgs:edit", args=[org.slug]))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]
    assert client.get(reverse("core:manage")).status_code == 302
    assert client.get("/admin/").status_code == 302
    # Public pages stay reachable without 2FA.
    assert client.get(reverse("orgs:detail", args=[org.slug])).status_code == 200


def _png_with_exif():
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_owner_edits_organisation_with_logo_stripped_of_metadata(client):
    org = OrganisationFactory()
    owner = login_as(client, org, Role.OWNER)
    data = {
        "name_en": "OEEC",
        "name_be": "Офіс",
        "kind": "education",
        "country": org.country.pk,
        "description_en": "We work in the regions.",
        "website": "oeec.example.org",
        "is_public": "on",
        "logo": SimpleUploadedFile("logo.png", _png_with_exif(), content_type="image/png"),
    }
    response = client.post(reverse("orgs:edit", args=[org.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.description_en == "We work in the regions." and org.website == "https://oeec.example.org"
    assert org.logo.name.endswith(".jpg")  # named by its real type, not the uploaded name
    assert "logo" not in org.logo.name.removeprefix("logos/")  # and by a random name
    stored = Image.open(org.logo.path)
    assert stored.format == "JPEG" and not stored.getexif()
    entry = AuditEntry.objects.get(action="orgs.organisation.updated")
    assert entry.actor == owner and "logo" in entry.data["fields"]
    audit = client.get(reverse("orgs:audit", args=[org.slug])).content.decode()
    assert "orgs.organisation.updated" in audit


def test_a_non_image_logo_is_refused_and_nothing_is_saved(client):
    org = OrganisationFactory(description_en="Old")
    login_as(client, org, Role.OWNER)
    data = {
        "name_en": org.name_en,
        "kind": "ngo",
        "country": org.country.pk,
        "description_en": "Changed",
        "logo": SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png"),
    }
    response = client.post(reverse("orgs:edit", args=[org.slug]), data)
    assert response.status_code == 200
    assert b"Upload a valid image" in response.content or b"not an image" in response.content
    org.refresh_from_db()
    assert org.description_en == "Old" and not org.logo


def test_invite_form_shows_clear_errors_and_sends_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    org = OrganisationFactory()
    login_as(client, org, Role.OWNER)
    response = client.post(
        reverse("orgs:members", args=[org.slug]), {"email": "not-an-email", "role": "member"}
    )
    assert response.status_code == 200 and b"Enter a valid email address" in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orgs:members", args=[org.slug]), {"email": "new@example.org", "role": "expert"}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    page = client.get(reverse("orgs:members", args=[org.slug])).content.decode()
    assert "new@example.org" in page


def test_public_organisation_pages(client):
    org = OrganisationFactory(name="Interakcia Foundation", description_en="Supports cooperation.")
    hidden = OrganisationFactory(name="Hidden org", is_public=False)
    listing = client.get(reverse("orgs:list")).content.decode()
    assert "Interakcia Foundation" in listing and "Hidden org" not in listing
    assert client.get(reverse("orgs:detail", args=[org.slug])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[hidden.slug])).status_code == 404
