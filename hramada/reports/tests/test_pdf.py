"""The donor report as a PDF: asked for on the project's page, built by a background task that shows
its progress, downloaded by the project's people only, in the language asked for."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.reports import services, tasks
from hramada.reports.indicators import Period
from hramada.reports.models import DonorReportPdf

from .test_views import client_for

pytestmark = pytest.mark.django_db


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def ask(client, project, language="en", **period):
    return client.post(
        reverse("reports:pdf_request", args=[project.public_id]), {"language": language, **period}
    )


def test_a_manager_gets_the_pdf_in_the_language_asked_for(
    client, project, django_capture_on_commit_callbacks
):
    client = client_for(client, "manager", project.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, project, "ru", year=project.starts_on.year)
    document = DonorReportPdf.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:pdf_status", args=[project.public_id, document.public_id])
    assert (document.status, document.progress, document.language) == ("done", 100, "ru")

    page = client.get(response["Location"])
    download = reverse("reports:pdf_download", args=[project.public_id, document.public_id])
    assert download in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # finished: no more polling

    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert "no-store" in file["Cache-Control"]
    body = b"".join(file.streaming_content)
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    with translation.override("ru"):
        reached = gettext("Unique people reached")
        definitions = gettext("Definitions")
    assert reached != "Unique people reached"  # the Russian catalogue has it
    assert project.title in text
    assert reached in text and definitions in text
    # the figure is the page's: 8 people attended the project's event, 7 of them women who consented
    assert f"{reached} 8" in text.replace("\n", " ")


def test_the_status_page_polls_while_the_task_waits(client, project):
    client = client_for(client, "manager", project.organisation)
    response = ask(client, project)  # the task runs on commit, which never comes in this test
    document = DonorReportPdf.objects.get()
    assert document.status == "queued"
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="pdf-status"')
    assert (
        client.get(reverse("reports:pdf_download", args=[project.public_id, document.public_id])).status_code
        == 404
    )


def test_progress_moves_as_the_task_draws(project, monkeypatch):
    document = DonorReportPdf.objects.create(
        project=project, language="en", starts_on=project.starts_on, ends_on=project.ends_on
    )
    seen = []  # every progress the task writes, in order
    monkeypatch.setattr(
        DonorReportPdf.objects,
        "filter",
        lambda **kw: _Watched(DonorReportPdf.objects.all().filter(**kw), seen),
    )
    tasks.build_donor_report_pdf.call(document.pk)
    document.refresh_from_db()
    assert document.status == "done"
    assert seen == sorted(seen) and seen[-1] == 100 and len(set(seen)) >= 5


class _Watched:
    def __init__(self, qs, seen):
        self.qs, self.seen = qs, seen

    def update(self, **values):
        if "progress" in values:
            self.seen.append(values["progress"])
        return self.qs.update(**values)


def test_a_failure_is_shown_and_nothing_is_offered(
    client, project, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr("hramada.reports.pdf.render", broken)
    client = client_for(client, "manager", project.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, project)
    document = DonorReportPdf.objects.get()
    assert (document.status, document.error, bool(document.file)) == ("failed", "font missing", False)
    assert "could not be built" in client.get(response["Location"]).content.decode()


def test_asking_twice_while_it_waits_gives_the_same_request(project):
    manager = member_of(project.organisation, Role.MANAGER)
    manager.has_perm = lambda perm, obj=None: (
        True
    )  # the rule (and its second factor) is tested through the pages
    first = services.request_pdf(actor=manager, project=project, language="be", period=Period())
    again = services.request_pdf(actor=manager, project=project, language="be", period=Period())
    other = services.request_pdf(actor=manager, project=project, language="en", period=Period())
    assert first == again != other
    assert (first.starts_on, first.ends_on) == (project.starts_on, project.ends_on)


@pytest.mark.parametrize("who, status", [("outsider", 403), ("member", 302), ("staff", 302)])
def test_who_may_ask_for_it(client, project, who, status):
    assert ask(client_for(client, who, project.organisation), project).status_code == status


def test_an_outsider_cannot_download_anothers_pdf(client, project, django_capture_on_commit_callbacks):
    manager = client_for(client, "manager", project.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        ask(manager, project)
    document = DonorReportPdf.objects.get()
    client.logout()
    outsider = client_for(client, "outsider", project.organisation)
    url = reverse("reports:pdf_download", args=[project.public_id, document.public_id])
    assert outsider.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login


@pytest.mark.parametrize(
    "data",
    [
        {"language": "de"},
        {"language": "en", "year": "abc"},
        {"language": "en", "start": "2020-05-01", "end": "2020-01-01"},
    ],
)
def test_bad_requests_are_refused_with_a_message(client, project, data):
    client = client_for(client, "manager", project.organisation)
    response = client.post(reverse("reports:pdf_request", args=[project.public_id]), data)
    assert response.status_code == 400
    assert not DonorReportPdf.objects.exists()
