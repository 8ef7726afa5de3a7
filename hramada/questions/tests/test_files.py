"""Files uploaded as answers (CVs, letters, certificates) are private: stored outside MEDIA_ROOT under
random names, sent only by the answer-file view to whoever the response's owner app allows (platform
staff with two-factor for a response nobody claims), a 404 for everyone else."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from hramada.core.storage import check_private_root, private_root
from hramada.core.tests.helpers import login_staff, minimal_pdf
from hramada.people.tests.factories import UserFactory
from hramada.questions import services
from hramada.questions.models import Answer, Question

from .factories import FormFactory, QuestionFactory

pytestmark = pytest.mark.django_db

PDF = minimal_pdf()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def question():
    return QuestionFactory(form=FormFactory(), kind=Question.Kind.FILE, label="Your CV")


@pytest.fixture
def answer(question):
    person = UserFactory().person
    response = services.save_response(
        form=question.form,
        person=person,
        answers={question: SimpleUploadedFile("CV Ales Bialiatski.pdf", PDF)},
    )
    return response.answers.get()


def test_an_answer_file_is_stored_privately_under_a_random_name(answer, settings):
    path = Path(answer.file.path).resolve()
    assert path.is_file() and path.is_relative_to(Path(private_root()))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert answer.file.name.startswith("answers/") and "Bialiatski" not in answer.file.name
    assert answer.value["name"] == "CV Ales Bialiatski.pdf"
    with pytest.raises(ValueError):
        _ = answer.file.url  # no /media/ address exists to link to
    assert answer.file_url == reverse(
        "questions:answer_file", args=[answer.response.public_id, answer.question_id]
    )


def test_a_response_no_app_claims_is_for_platform_staff_with_two_factor_only(client, answer):
    for user in (
        None,
        UserFactory(),
        answer.response.person.user,
        UserFactory(is_staff=True, is_superuser=True),
    ):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(answer.file_url).status_code == 404, user
    login_staff(client, UserFactory(is_staff=True))
    response = client.get(answer.file_url)
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="CV Ales Bialiatski.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_unknown_responses_questions_and_methods(client, answer, question):
    login_staff(client, UserFactory(is_staff=True))
    public_id = answer.response.public_id
    assert client.get(reverse("questions:answer_file", args=["0" * 26, question.pk])).status_code == 404
    assert client.get(answer.file_url.replace(public_id, "nope")).status_code == 404  # not an id
    assert client.get(reverse("questions:answer_file", args=[public_id, question.pk + 99])).status_code == 404
    assert client.head(answer.file_url).status_code == 200
    assert client.post(answer.file_url).status_code == 405


def test_a_download_name_is_safe(client, answer):
    Answer.objects.filter(pk=answer.pk).update(value={"name": 'Ліст "v2"\r\nX-Injected: 1.pdf', "size": 1})
    login_staff(client, UserFactory(is_staff=True))
    header = client.get(answer.file_url)["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''") and header.endswith(".pdf")
    assert "\r" not in header and "\n" not in header and '"' not in header


def test_files_uploaded_before_are_served_until_moved_then_moved_once(client, answer):
    """Rows from before the private storage name files in MEDIA_ROOT: served, then moved by the command."""
    old = default_storage.save("answers/2025/05/old cv.pdf", ContentFile(PDF))
    Answer.objects.filter(pk=answer.pk).update(file=old)
    login_staff(client, UserFactory(is_staff=True))
    assert body(client.get(answer.file_url)) == PDF

    out = io.StringIO()
    call_command("move_private_files", stdout=out)
    assert "1 of 1 " in out.getvalue()
    assert not default_storage.exists(old) and (Path(private_root()) / old).is_file()
    assert body(client.get(answer.file_url)) == PDF, "same name, now in the private directory"
    out = io.StringIO()
    call_command("move_private_files", stdout=out)  # running again changes nothing
    assert "0 of 1 " in out.getvalue() and (Path(private_root()) / old).is_file()


def test_a_replaced_file_is_deleted_once_saved(answer, question, django_capture_on_commit_callbacks):
    first = Path(answer.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_response(
            form=question.form,
            person=answer.response.person,
            answers={question: SimpleUploadedFile("cv-2025.pdf", PDF)},
            response=answer.response,
        )
    answer.refresh_from_db()
    assert not first.exists() and Path(answer.file.path).is_file()
    assert answer.value["name"] == "cv-2025.pdf"


def test_erasing_a_person_deletes_their_answer_files_private_and_old(answer, question):
    private = Path(answer.file.path)
    other = services.save_response(
        form=question.form,
        person=answer.response.person,
        answers={question: SimpleUploadedFile("a.pdf", PDF)},
    ).answers.get()
    old = default_storage.save("answers/2025/05/old.pdf", ContentFile(PDF))
    Answer.objects.filter(pk=other.pk).update(file=old)
    services.erase_answers(answer.response.person)
    assert not private.exists() and not default_storage.exists(old)
    assert not Answer.objects.exists()


def test_a_private_directory_inside_media_root_is_a_configuration_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in check_private_root()] == ["core.E001"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert check_private_root() == []
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    assert [e.id for e in check_private_root()] == ["core.E001"], "the same directory is inside too"
