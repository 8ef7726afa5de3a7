"""Import pages: who may open them, bad files answered with a 400 and a message, the whole flow through
the pages (upload, columns, preview with a duplicate decision, status and error report)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hramada.core.tests.helpers import login_staff
from hramada.imports.models import ImportJob
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.mark.parametrize(("who", "expected"), [("outsider", 403), ("member", 403), ("manager", 200)])
def test_only_organisers_open_the_import_pages(client, org, who, expected):
    user = {
        "outsider": lambda: member_of(OrganisationFactory(), Role.MANAGER),
        "member": lambda: member_of(org, Role.MEMBER),
        "manager": lambda: member_of(org, Role.MANAGER),
    }[who]()
    login_staff(client, user)
    assert client.get(reverse("imports:list", args=[org.slug])).status_code == expected
    assert client.get(reverse("imports:upload", args=[org.slug])).status_code == expected


def test_anonymous_visitors_are_sent_to_log_in(client, org):
    response = client.get(reverse("imports:upload", args=[org.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_bad_file_is_a_400_with_a_message(client, org):
    login_staff(client, member_of(org, Role.MANAGER))
    response = client.post(
        reverse("imports:upload", args=[org.slug]),
        {"kind": "people", "encoding": "utf-8", "file": SimpleUploadedFile("list.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "Only CSV and XLSX files can be imported." in response.content.decode()
    response = client.post(
        reverse("imports:upload", args=[org.slug]),
        {"kind": "attendance", "encoding": "utf-8", "file": SimpleUploadedFile("a.csv", b"Name\nA\n")},
    )
    assert response.status_code == 400
    assert "Choose the event the attendance list is for." in response.content.decode()


def test_the_flow_through_the_pages(client, org, django_capture_on_commit_callbacks):
    manager = member_of(org, Role.MANAGER)
    login_staff(client, manager)
    response = client.post(
        reverse("imports:upload", args=[org.slug]),
        {
            "kind": "people",
            "encoding": "utf-8",
            "file": SimpleUploadedFile("people.csv", "Імя,E-mail\nГанна,h@example.org\n,bad\n".encode()),
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:columns", args=[org.slug, job.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "Which column is which?" in page
    response = client.post(
        reverse("imports:columns", args=[org.slug, job.public_id]), {"name": "0", "email": "1"}
    )
    assert response["Location"] == reverse("imports:preview", args=[org.slug, job.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "The name is empty." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:preview", args=[org.slug, job.public_id]), {})
    status_url = reverse("imports:status", args=[org.slug, job.public_id])
    assert response["Location"] == status_url
    page = client.get(status_url).content.decode()
    assert "The import is finished." in page
    assert Person.objects.get(source=Person.Source.IMPORT).display_name == "Ганна"
    fragment = client.get(status_url, headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<div id="import-status"')
    report = client.get(reverse("imports:errors", args=[org.slug, job.public_id]))
    assert report["Content-Type"].startswith("text/csv")
    assert "The name is empty." in report.content.decode("utf-8-sig")


def test_a_running_import_shows_its_progress_and_polls(client, org):
    login_staff(client, member_of(org, Role.MANAGER))
    job = ImportJob.objects.create(
        organisation=org, kind="people", status=ImportJob.Status.RUNNING, progress=42, file_format="csv"
    )
    fragment = client.get(
        reverse("imports:status", args=[org.slug, job.public_id]), headers={"HX-Request": "true"}
    )
    body = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert 'value="42"' in body
    assert client.get(reverse("imports:errors", args=[org.slug, job.public_id])).status_code == 404
