"""Projects' cover images and PDFs: stored outside the public media directory, served after a check.

The team and the contest's organisers may always download them; everyone else only an eligible
project's; anything else is a 404 (never a 403). Files sent as answers to the edition's form stay
private to the team and the organisers whatever the project's status.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from hramada.contests import services, submissions
from hramada.contests.models import Project, ProjectAttachment
from hramada.contests.storage import private_root
from hramada.core.storage import check_private_root
from hramada.core.tests.helpers import login_staff, minimal_pdf
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory
from hramada.questions.models import Answer, Question
from hramada.questions.tests.factories import FormFactory, QuestionFactory

from .factories import CategoryFactory, EditionFactory, ProjectFactory, open_call

pytestmark = pytest.mark.django_db

PDF = minimal_pdf()


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (12, 8), "green").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def edition():
    edition = EditionFactory()
    open_call(edition)
    return edition


@pytest.fixture
def lead():
    return UserFactory()


@pytest.fixture
def draft(edition, lead):
    project = submissions.create_draft(user=lead, category=CategoryFactory(edition=edition), title="Bashni")
    submissions.set_cover(user=lead, project=project, image=SimpleUploadedFile("me.jpg", jpeg()))
    submissions.add_attachment(user=lead, project=project, upload=SimpleUploadedFile("budget.pdf", PDF))
    project.refresh_from_db()
    return project


def cover_url(project):
    return reverse("contests:cover", args=[project.public_id])


def file_url(project, attachment=None):
    attachment = attachment or project.attachments.get()
    return reverse("contests:attachment", args=[project.public_id, attachment.public_id])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def set_status(project, status):
    Project.objects.filter(pk=project.pk).update(status=status)


def test_the_team_gets_its_drafts_pdf_and_cover_privately(client, draft, lead):
    client.force_login(lead)
    response = client.get(file_url(draft))
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="budget.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

    response = client.get(cover_url(draft))
    assert response.status_code == 200 and body(response).startswith(b"\xff\xd8")  # JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]


def test_a_co_author_gets_the_files_once_they_joined(client, draft, lead, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        submissions.invite_member(user=lead, project=draft, email="ales@example.org")
    token = mail.outbox[-1].body.split("/projects/invitations/")[1].split("/")[0]
    co_author = UserFactory(email="ales@example.org")
    client.force_login(co_author)
    assert client.get(file_url(draft)).status_code == 404, "an invitation alone gives no access"
    submissions.accept_invitation(user=co_author, token=token)
    assert client.get(file_url(draft)).status_code == 200


@pytest.mark.parametrize("status", ["draft", "submitted", "not_eligible"])
def test_anonymous_and_other_users_get_404_for_a_project_not_public(client, draft, status):
    set_status(draft, status)
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        assert client.get(file_url(draft)).status_code == 404
        assert client.get(cover_url(draft)).status_code == 404


def test_organisers_with_two_factor_and_staff_get_any_projects_files(client, draft, edition):
    manager = UserFactory()
    Membership.objects.create(
        organisation=edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    client.force_login(manager)
    assert client.get(file_url(draft)).status_code == 404, (
        "organisers' access asks for two-factor, as /manage/"
    )
    login_staff(client, manager)
    response = client.get(file_url(draft))
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    login_staff(client, UserFactory(is_staff=True))
    assert client.get(cover_url(draft)).status_code == 200
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(cover_url(draft)).status_code == 404, "a superuser too needs two-factor"
    other = UserFactory()
    Membership.objects.create(organisation=ProjectFactory().edition.contest.organisation, person=other.person)
    login_staff(client, other)
    assert client.get(file_url(draft)).status_code == 404, "organisers of another contest see nothing"


def test_the_public_gets_an_eligible_projects_cover_and_documents(client, draft):
    set_status(draft, Project.Status.ELIGIBLE)
    response = client.get(cover_url(draft))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    response = client.get(file_url(draft))
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_unknown_or_foreign_files_are_404(client, draft, lead, edition):
    set_status(draft, Project.Status.ELIGIBLE)
    other = submissions.create_draft(user=lead, category=draft.category, title="Other")
    secret = submissions.add_attachment(
        user=lead, project=other, upload=SimpleUploadedFile("secret.pdf", PDF)
    )
    assert client.get(file_url(draft, secret)).status_code == 404, "another project's file via a public one"
    assert client.get(reverse("contests:attachment", args=[draft.public_id, "0" * 26])).status_code == 404
    assert client.get(cover_url(other)).status_code == 404
    assert client.get(reverse("contests:cover", args=["0" * 26])).status_code == 404
    assert client.get(cover_url(other).replace(other.public_id, "nope")).status_code == 404  # not an id
    assert client.post(cover_url(draft)).status_code == 405


def test_files_are_not_under_the_public_media_directory(draft, settings):
    media = Path(settings.MEDIA_ROOT).resolve()
    for field in (draft.cover, draft.attachments.get().file):
        path = Path(field.path).resolve()
        assert path.is_file() and path.is_relative_to(Path(private_root()))
        assert not path.is_relative_to(media)
        with pytest.raises(ValueError):
            _ = field.url  # no /media/ address exists to link to
    stored = [f for _, _, files in os.walk(media) for f in files] if media.exists() else []
    assert stored == [], "nothing of the project is reachable under /media/"


def test_a_download_name_is_safe(client, draft, lead):
    name = 'Бюджет "v2"\r\nX-Injected: 1.pdf'
    attachment = submissions.add_attachment(user=lead, project=draft, upload=SimpleUploadedFile("x.pdf", PDF))
    ProjectAttachment.objects.filter(pk=attachment.pk).update(name=name)
    client.force_login(lead)
    header = client.get(file_url(draft, attachment))["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''") and header.endswith(".pdf")
    assert "\r" not in header and "\n" not in header and '"' not in header


def test_files_uploaded_before_stay_readable_and_can_be_moved(
    client, draft, lead, django_capture_on_commit_callbacks
):
    """Rows from before the private storage name files in MEDIA_ROOT: they are served, deleted and moved."""
    old_pdf = default_storage.save("projects/files/2025/05/old.pdf", ContentFile(PDF))
    old_cover = default_storage.save("projects/covers/2025/05/old.jpg", ContentFile(jpeg()))
    attachment = draft.attachments.get()
    ProjectAttachment.objects.filter(pk=attachment.pk).update(file=old_pdf)
    Project.objects.filter(pk=draft.pk).update(cover=old_cover)
    client.force_login(lead)
    assert body(client.get(file_url(draft))) == PDF
    assert client.get(cover_url(draft)).status_code == 200

    call_command("move_contest_files", stdout=io.StringIO())
    assert not default_storage.exists(old_pdf) and not default_storage.exists(old_cover)
    assert (Path(private_root()) / old_pdf).is_file()
    assert body(client.get(file_url(draft))) == PDF, "same name, now in the private directory"
    call_command("move_contest_files", stdout=io.StringIO())  # running again changes nothing

    older = default_storage.save("projects/covers/2025/04/older.jpg", ContentFile(jpeg()))
    Project.objects.filter(pk=draft.pk).update(cover=older)
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submissions.remove_cover(user=lead, project=draft)
    assert not default_storage.exists(older), "removing a cover deletes the old public file too"


def test_replacing_and_removing_files_deletes_the_private_copies(
    draft, lead, django_capture_on_commit_callbacks
):
    first = Path(draft.cover.path)
    with django_capture_on_commit_callbacks(execute=True):
        project = submissions.set_cover(user=lead, project=draft, image=SimpleUploadedFile("b.jpg", jpeg()))
    assert not first.exists() and Path(project.cover.path).is_file()
    attachment = draft.attachments.get()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        submissions.remove_attachment(user=lead, attachment=attachment)
    assert not path.exists()


def test_the_admin_shows_a_projects_cover_as_a_link_to_the_file_view(client, draft):
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:contests_project_change", args=[draft.pk])).content.decode()
    assert f'href="{cover_url(draft)}"' in page


def test_a_private_directory_inside_media_root_is_a_configuration_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in check_private_root()] == ["core.E001"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert check_private_root() == []


# --- Files sent as answers to the edition's form --------------------------------------------------------


@pytest.fixture
def manager(edition):
    return member_of(edition.contest.organisation, Role.MANAGER)


@pytest.fixture
def cv_answer(draft, edition, lead, manager):
    """A draft whose team sent a CV as the answer to the edition's file question."""
    form = FormFactory(organisation=edition.contest.organisation)
    question = QuestionFactory(form=form, kind=Question.Kind.FILE, label="Lead's CV")
    services.set_submission_form(actor=manager, edition=edition, form=form)
    draft.refresh_from_db()
    submissions.update_draft(
        user=lead, project=draft, answers={question: SimpleUploadedFile("CV Ales.pdf", PDF)}
    )
    draft.refresh_from_db()
    return draft.response.answers.get()


def test_the_team_and_the_organisers_download_a_drafts_answer_file(client, cv_answer, lead, manager):
    client.force_login(lead)
    response = client.get(cv_answer.file_url)
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="CV Ales.pdf"'
    assert "private" in response["Cache-Control"]

    client.force_login(manager)
    assert client.get(cv_answer.file_url).status_code == 404, "organisers' access asks for two-factor"
    login_staff(client, manager)
    assert body(client.get(cv_answer.file_url)) == PDF
    login_staff(client, UserFactory(is_staff=True))
    assert client.get(cv_answer.file_url).status_code == 200


@pytest.mark.parametrize("status", ["draft", "submitted", "not_eligible", "eligible"])
def test_nobody_else_gets_an_answer_file_whatever_the_projects_status(client, cv_answer, status):
    """Even an eligible project's public page does not make the files of its answers public."""
    set_status(cv_answer.response.contest_project, status)
    outsider = member_of(ProjectFactory().edition.contest.organisation, Role.MANAGER)
    for user in (None, UserFactory(), outsider):
        client.logout()
        if user:
            login_staff(client, user)
        assert client.get(cv_answer.file_url).status_code == 404, user


def test_an_answer_file_is_not_under_the_public_media_directory(cv_answer, settings):
    path = Path(cv_answer.file.path).resolve()
    assert path.is_file() and path.is_relative_to(Path(private_root()))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_the_organisers_and_the_teams_pages_link_to_the_answer_file_view(client, cv_answer, lead, manager):
    project = cv_answer.response.contest_project
    client.force_login(lead)
    page = client.get(reverse("contests:my_project", args=[project.public_id])).content.decode()
    assert f'href="{cv_answer.file_url}"' in page and "CV Ales.pdf" in page
    submissions.update_draft(user=lead, project=project, summary="s", settlement=SettlementFactory())
    submissions.submit_project(user=lead, project=project)
    login_staff(client, manager)
    edition = project.edition
    review = reverse(
        "contests:project_review", args=[edition.contest.slug, edition.public_id, project.public_id]
    )
    page = client.get(review).content.decode()
    assert f'href="{cv_answer.file_url}"' in page and "/media/" not in page


def test_answer_files_uploaded_before_are_served_then_moved_by_move_contest_files(client, cv_answer, lead):
    old = default_storage.save("answers/2025/05/cv.pdf", ContentFile(PDF))
    Answer.objects.filter(pk=cv_answer.pk).update(file=old)
    client.force_login(lead)
    assert body(client.get(cv_answer.file_url)) == PDF
    call_command("move_contest_files", stdout=io.StringIO())
    assert not default_storage.exists(old) and (Path(private_root()) / old).is_file()
    assert body(client.get(cv_answer.file_url)) == PDF
