import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hramada.core.tests.helpers import minimal_pdf
from hramada.questions.forms import AnswersForm, field_name
from hramada.questions.models import Question

from .factories import FormFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def answers_form(definition, data=None, files=None):
    return AnswersForm(data or {}, files or {}, form_definition=definition)


def test_required_questions_must_be_answered():
    definition = FormFactory()
    required = QuestionFactory(form=definition, kind="text", required=True)
    optional = QuestionFactory(form=definition, kind="text", required=False)
    consent = QuestionFactory(form=definition, kind="consent", required=True)
    form = answers_form(definition)
    assert not form.is_valid()
    assert set(form.errors) == {field_name(required), field_name(consent)}
    form = answers_form(definition, {field_name(required): "Yes", field_name(consent): "on"})
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers[required] == "Yes" and answers[consent] is True and answers[optional] == ""


def test_number_bounds_and_budget_amounts():
    definition = FormFactory()
    number = QuestionFactory(form=definition, kind="number", min_value=1, max_value=5)
    budget = QuestionFactory(form=definition, kind="budget", min_value=0, max_value=1000)
    form = answers_form(definition, {field_name(number): "0", field_name(budget): "1000.01"})
    assert not form.is_valid()
    assert "greater than or equal to 1" in form.errors[field_name(number)][0]
    assert "less than or equal to 1000" in form.errors[field_name(budget)][0]
    assert not answers_form(definition, {field_name(number): "2.5"}).is_valid()  # whole numbers only
    form = answers_form(definition, {field_name(number): "5", field_name(budget): "999.50"})
    assert form.is_valid(), form.errors
    assert form.answers()[number] == "5" and form.answers()[budget] == "999.50"


def test_choices_are_stored_as_indexes():
    definition = FormFactory()
    one = QuestionFactory(form=definition, kind="choice", choices="Yes\nNo", choices_en="Yes\nNo")
    many = QuestionFactory(form=definition, kind="multi_choice", choices="A\nB\nC", choices_en="A\nB\nC")
    form = answers_form(definition, {field_name(one): "1", field_name(many): ["0", "2"]})
    assert form.is_valid(), form.errors
    assert form.answers()[one] == 1 and form.answers()[many] == [0, 2]
    assert not answers_form(definition, {field_name(one): "7"}).is_valid()


def file_question(types="pdf,jpg,png"):
    definition = FormFactory()
    return definition, QuestionFactory(
        form=definition, kind=Question.Kind.FILE, file_types=types, max_file_mb=1
    )


@pytest.mark.parametrize("name", ["scan.bin", "cv.html", "letter"])
def test_pdf_is_recognised_by_its_content_and_kept_as_a_pdf(name):
    """Whatever the uploader called it, a PDF is stored under ``.pdf`` (a ``.html`` name would make the
    download view refuse it for ever)."""
    definition, question = file_question()
    pdf = SimpleUploadedFile(name, minimal_pdf(), content_type="application/octet-stream")
    form = answers_form(definition, files={field_name(question): pdf})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field_name(question)].name.endswith(".pdf")


@pytest.mark.parametrize(
    "active",
    [
        {"catalog": "/OpenAction 4 0 R", "objects": ("<< /S /JavaScript /JS (app.alert(1)) >>",)},
        {
            "catalog": "/Names << /JavaScript 4 0 R >>",
            "objects": ("<< /Names [(a) 5 0 R] >>", "<< /S /JavaScript /JS (x) >>"),
        },
        {"page": "/AA << /O 4 0 R >>", "objects": ("<< /S /JavaScript /JS (x) >>",)},
        {
            "page": "/Annots [4 0 R]",
            "objects": (
                "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (calc.exe) >> >>",
            ),
        },
    ],
    ids=["open-action", "names-tree", "page-action", "launch-link"],
)
def test_pdfs_with_scripts_or_automatic_actions_are_refused(active):
    definition, question = file_question()
    upload = SimpleUploadedFile("cv.pdf", minimal_pdf(**active), content_type="application/pdf")
    form = answers_form(definition, files={field_name(question): upload})
    assert "contains scripts or actions" in form.errors[field_name(question)][0]


def test_damaged_and_password_protected_pdfs_are_refused_with_a_reason():
    import io

    from pypdf import PdfReader, PdfWriter

    definition, question = file_question()
    damaged = SimpleUploadedFile("a.pdf", b"%PDF-1.4 tiny", content_type="application/pdf")
    form = answers_form(definition, files={field_name(question): damaged})
    assert "damaged" in form.errors[field_name(question)][0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf())))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    upload = SimpleUploadedFile("a.pdf", locked.getvalue(), content_type="application/pdf")
    form = answers_form(definition, files={field_name(question): upload})
    assert "protected by a password" in form.errors[field_name(question)][0]


def test_a_pdf_name_on_a_text_file_is_refused():
    definition, question = file_question()
    fake = SimpleUploadedFile("budget.pdf", b"just some text pretending", content_type="application/pdf")
    form = answers_form(definition, files={field_name(question): fake})
    assert not form.is_valid()
    assert "This file type is not accepted" in form.errors[field_name(question)][0]


def test_pdf_refused_where_only_images_are_allowed_and_size_is_checked():
    definition, question = file_question(types="jpg,png")
    pdf = SimpleUploadedFile("a.pdf", minimal_pdf(), content_type="application/pdf")
    form = answers_form(definition, files={field_name(question): pdf})
    assert "PDF files are not accepted here." in form.errors[field_name(question)][0]
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    definition, question = file_question()
    form = answers_form(definition, files={field_name(question): big})
    assert "larger than 1 MB" in form.errors[field_name(question)][0]


def test_images_are_re_encoded_without_metadata():
    definition, question = file_question()
    image = Image.new("RGB", (30, 20), "green")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("photo.png", raw.getvalue(), content_type="image/png")  # the name lies
    form = answers_form(definition, files={field_name(question): upload})
    assert form.is_valid(), form.errors
    clean = form.cleaned_data[field_name(question)]
    assert clean is not upload and clean.name == "photo.jpg"
    data = clean.read()
    assert b"SpyCam" not in data
    assert Image.open(io.BytesIO(data)).size == (30, 20)
