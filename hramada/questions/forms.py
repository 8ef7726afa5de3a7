"""Turn an organiser-built ``Form`` into a Django form, and the builder's own forms."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hramada.core.images import validate_image
from hramada.core.pdf import PDF_MAGIC, check_pdf

from .models import Question

IMAGE_TYPES = {"jpg", "jpeg", "png", "webp"}


def validate_upload(upload, question: Question):
    """Check size and the type sniffed from the content (never the file name); PDFs are parsed and
    images re-encoded. The file is stored under the extension of the type found, whatever the
    uploader called it: a PDF named ``cv.html`` is kept as ``.pdf`` (and can be downloaded as one)."""
    allowed = {t.strip().lower() for t in question.file_types.split(",") if t.strip()}
    if upload.size > question.max_file_mb * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": question.max_file_mb})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        if "pdf" not in allowed:
            raise ValidationError(_("PDF files are not accepted here."))
        check_pdf(upload)
        upload.name = f"{(upload.name or 'document').rsplit('.', 1)[0][:60] or 'document'}.pdf"
        return upload
    if allowed & IMAGE_TYPES:
        try:
            return validate_image(upload)
        except ValidationError:
            pass
    raise ValidationError(
        _("This file type is not accepted. Allowed: %(types)s.") % {"types": ", ".join(sorted(allowed))}
    )


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


def _field_for(question: Question) -> forms.Field:
    common = {"label": question.label, "required": question.required, "help_text": question.help_text}
    kind = question.kind
    if kind == Question.Kind.TEXT:
        return forms.CharField(max_length=question.max_length or 300, **common)
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea, max_length=question.max_length or 5000, **common)
    if kind in (Question.Kind.NUMBER, Question.Kind.BUDGET):
        return forms.DecimalField(
            min_value=question.min_value,
            max_value=question.max_value,
            decimal_places=0 if kind == Question.Kind.NUMBER else 2,
            **common,
        )
    if kind == Question.Kind.CHOICE:
        choices = [(str(i), label) for i, label in enumerate(question.choice_list())]
        return forms.ChoiceField(choices=[("", "—")] + choices, **common)
    if kind == Question.Kind.MULTI_CHOICE:
        choices = [(str(i), label) for i, label in enumerate(question.choice_list())]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == Question.Kind.FILE:
        return forms.FileField(**common)
    if kind == Question.Kind.CONSENT:
        return forms.BooleanField(**common)
    raise ValueError(kind)


class AnswersForm(forms.Form):
    """The respondent's form, built from the questions of a ``questions.Form``."""

    def __init__(self, *args, form_definition, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = form_definition
        self.questions = list(form_definition.questions.all())
        for question in self.questions:
            self.fields[field_name(question)] = _field_for(question)

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = field_name(question)
            value = data.get(name)
            if question.kind == Question.Kind.FILE and value:
                try:
                    data[name] = validate_upload(value, question)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def answers(self) -> dict:
        """{question: value} with JSON-able values (choice indexes as ints, amounts as strings)."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if isinstance(value, Decimal):
                value = str(value)
            elif question.kind == Question.Kind.CHOICE:
                value = int(value) if value not in (None, "") else None
            elif question.kind == Question.Kind.MULTI_CHOICE:
                value = [int(v) for v in value or []]
            result[question] = value
        return result


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "kind",
            "label_be",
            "label_ru",
            "label_en",
            "help_text_be",
            "help_text_ru",
            "help_text_en",
            "required",
            "choices_be",
            "choices_ru",
            "choices_en",
            "min_value",
            "max_value",
            "max_length",
            "file_types",
            "max_file_mb",
        ]
        widgets = {f"choices_{lang}": forms.Textarea(attrs={"rows": 4}) for lang in ("be", "ru", "en")}

    def clean(self):
        data = super().clean()
        langs = ("be", "ru", "en")
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _l("The maximum must not be below the minimum."))
        if not any(data.get(f"label_{lang}") for lang in langs):
            self.add_error("label_be", _l("Write the question in at least one language."))
        if data.get("kind") in (Question.Kind.CHOICE, Question.Kind.MULTI_CHOICE):
            counts = {
                lang: len([x for x in (data.get(f"choices_{lang}") or "").splitlines() if x.strip()])
                for lang in langs
            }
            filled = {n for n in counts.values() if n}
            if not filled:
                self.add_error(
                    "choices_be", _l("A choice question needs at least two options, one per line.")
                )
            elif len(filled) > 1:
                self.add_error(
                    "choices_be", _l("Each language must list the same number of options, in the same order.")
                )
            elif filled.pop() < 2:
                self.add_error(
                    "choices_be", _l("A choice question needs at least two options, one per line.")
                )
        if data.get("kind") == Question.Kind.FILE:
            allowed = {"pdf", "jpg", "jpeg", "png", "webp"}
            types = {t.strip().lower() for t in (data.get("file_types") or "").split(",") if t.strip()}
            if not types or not types <= allowed:
                self.add_error("file_types", _l("Use only: pdf, jpg, png, webp."))
        return data
