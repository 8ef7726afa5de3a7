"""Every change to forms, questions and answers goes through these functions."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.storage import delete_stored

from .models import Answer, Form, Question, Response

LANGS = ("be", "ru", "en")


def _require(actor, organisation):
    if not actor.has_perm("orgs.change_organisation", organisation):
        raise DomainError(_("Only the organisation's owners and managers can change its forms."))


@transaction.atomic
def create_form(*, actor, organisation, **titles) -> Form:
    """A new, empty form owned by an organisation."""
    if actor is not None:
        _require(actor, organisation)
    title = titles.get("title_en") or titles.get("title_ru") or titles.get("title_be")
    if not title:
        raise DomainError(_("Give the form a title in at least one language."), field="title_be")
    form = Form.objects.create(organisation=organisation, **titles)
    audit.record(actor=actor, action="questions.form.created", target=form, scope=organisation)
    return form


@transaction.atomic
def save_question(*, actor, form: Form, question: Question | None = None, **values) -> Question:
    """Add a question at the end of the form, or change one; forms with answers keep their question kinds."""
    if actor is not None:
        _require(actor, form.organisation)
    creating = question is None
    if not creating and values.get("kind", question.kind) != question.kind and question.answers.exists():
        raise DomainError(
            _("People have already answered this question; its kind can no longer change."), field="kind"
        )
    question = question or Question(form=form)
    for key, value in values.items():
        setattr(question, key, value)
    if creating:
        question.order = (form.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question.save()
    audit.record(
        actor=actor,
        action=f"questions.question.{'added' if creating else 'changed'}",
        target=form,
        scope=form.organisation,
        data={"question": question.pk, "kind": question.kind},
    )
    return question


@transaction.atomic
def move_question(*, actor, question: Question, up: bool) -> None:
    """Swap a question with its neighbour above or below."""
    if actor is not None:
        _require(actor, question.form.organisation)
    siblings = list(question.form.questions.select_for_update().order_by("order", "id"))
    i = siblings.index(question)
    j = i - 1 if up else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
        for n, q in enumerate(siblings, start=1):
            if q.order != n:
                Question.objects.filter(pk=q.pk).update(order=n)


@transaction.atomic
def delete_question(*, actor, question: Question) -> None:
    form = question.form
    if actor is not None:
        _require(actor, form.organisation)
    if question.answers.exists():
        raise DomainError(_("People have already answered this question; it cannot be deleted."))
    audit.record(
        actor=actor,
        action="questions.question.deleted",
        target=form,
        scope=form.organisation,
        data={"label": question.label},
    )
    question.delete()


def save_response(*, form: Form, person, answers: dict, response: Response | None = None) -> Response:
    """Store a person's answers (call inside the caller's transaction); files are kept with the answer,
    in the private directory, and a replaced file is deleted once the transaction commits."""
    response = response or Response.objects.create(form=form, person=person)
    for question, value in answers.items():
        if question.kind == Question.Kind.FILE:
            if value:
                answer, _c = Answer.objects.get_or_create(response=response, question=question)
                replaced = answer.file.name
                answer.file = value
                answer.value = {"name": value.name, "size": value.size}
                answer.save()
                if replaced:
                    transaction.on_commit(lambda name=replaced: delete_stored(name))
            continue
        Answer.objects.update_or_create(response=response, question=question, defaults={"value": value})
    return response


def display_value(answer: Answer) -> str:
    q = answer.question
    if q.kind == Question.Kind.CHOICE and answer.value is not None:
        options = q.choice_list()
        return options[answer.value] if 0 <= answer.value < len(options) else ""
    if q.kind == Question.Kind.MULTI_CHOICE:
        options = q.choice_list()
        return ", ".join(options[i] for i in answer.value or [] if 0 <= i < len(options))
    if q.kind == Question.Kind.CONSENT:
        return _("yes") if answer.value else _("no")
    if q.kind == Question.Kind.FILE:
        return (answer.value or {}).get("name", "")
    return "" if answer.value is None else str(answer.value)


def export_answers(person) -> list:
    return [
        {
            "form": r.form.title,
            "at": r.created_at.isoformat(),
            "answers": {a.question.label: display_value(a) for a in r.answers.select_related("question")},
        }
        for r in person.form_responses.select_related("form")
    ]


def erase_answers(person) -> None:
    """Answers can hold anything a person wrote about themselves: they go, the response row stays."""
    for name in (
        Answer.objects.filter(response__person=person).exclude(file="").values_list("file", flat=True)
    ):
        delete_stored(name)  # in the private directory, or still in MEDIA_ROOT if uploaded before
    Answer.objects.filter(response__person=person).delete()
