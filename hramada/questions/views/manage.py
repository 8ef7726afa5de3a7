"""Organiser pages for building forms: list and create, add/edit/move/delete questions, preview.

Only the organisation's owners and managers (``orgs.change_organisation``) may change its forms.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.orgs.models import Organisation

from .. import services
from ..forms import AnswersForm, QuestionForm
from ..models import Form, Question


class NewFormForm(forms.Form):
    title_be = forms.CharField(label=_l("title (Belarusian)"), max_length=200, required=False)
    title_ru = forms.CharField(label=_l("title (Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_l("title (English)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"title_{lang}") for lang in ("be", "ru", "en")):
            self.add_error("title_be", _l("Give the form a title in at least one language."))
        return data


def _organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("orgs.change_organisation", organisation):
        raise PermissionDenied
    return organisation


def _form_for(request, public_id):
    definition = get_object_or_404(Form.objects.select_related("organisation"), public_id=public_id)
    if not request.user.has_perm("orgs.change_organisation", definition.organisation):
        raise PermissionDenied
    return definition


def _posted(request):
    """The submitted data on POST (even when empty, so the form reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _add_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def form_list(request, slug):
    organisation = _organisation(request, slug)
    new_form = NewFormForm(_posted(request))
    if request.method == "POST" and new_form.is_valid():
        try:
            definition = services.create_form(
                actor=request.user, organisation=organisation, **new_form.cleaned_data
            )
        except DomainError as exc:
            _add_error(new_form, exc)
        else:
            messages.success(request, _("Form created. Now add its questions."))
            return redirect("questions:form_detail", public_id=definition.public_id)
    definitions = organisation.forms.annotate(
        n_questions=Count("questions", distinct=True), n_responses=Count("responses", distinct=True)
    ).order_by("title")
    context = {"organisation": organisation, "definitions": definitions, "new_form": new_form}
    return render(request, "questions/manage/form_list.html", context)


@login_required
def form_detail(request, public_id):
    """The builder: the form's questions in order, with a form to add one more."""
    definition = _form_for(request, public_id)
    question_form = QuestionForm(_posted(request))
    if request.method == "POST" and question_form.is_valid():
        try:
            services.save_question(actor=request.user, form=definition, **question_form.cleaned_data)
        except DomainError as exc:
            _add_error(question_form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("questions:form_detail", public_id=public_id)
    questions = list(definition.questions.annotate(n_answers=Count("answers")).order_by("order", "id"))
    context = {"definition": definition, "questions": questions, "question_form": question_form}
    return render(request, "questions/manage/form_detail.html", context)


def _question(definition, question_id):
    return get_object_or_404(Question, pk=question_id, form=definition)


@login_required
def question_edit(request, public_id, question_id):
    definition = _form_for(request, public_id)
    question = _question(definition, question_id)
    form = QuestionForm(_posted(request), instance=question)
    if request.method == "POST" and form.is_valid():
        question.refresh_from_db()  # the form wrote the new values onto the instance
        try:
            services.save_question(
                actor=request.user, form=definition, question=question, **form.cleaned_data
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("questions:form_detail", public_id=public_id)
    question.refresh_from_db()
    context = {"definition": definition, "question": question, "form": form}
    return render(request, "questions/manage/question_form.html", context)


@login_required
@require_POST
def question_move(request, public_id, question_id):
    definition = _form_for(request, public_id)
    question = _question(definition, question_id)
    services.move_question(actor=request.user, question=question, up=request.POST.get("direction") == "up")
    return redirect("questions:form_detail", public_id=public_id)


@login_required
@require_POST
def question_delete(request, public_id, question_id):
    definition = _form_for(request, public_id)
    question = _question(definition, question_id)
    try:
        services.delete_question(actor=request.user, question=question)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question deleted."))
    return redirect("questions:form_detail", public_id=public_id)


@login_required
def form_preview(request, public_id):
    """The form as respondents see it; sending it only checks the answers and saves nothing."""
    definition = _form_for(request, public_id)
    answers = AnswersForm(
        _posted(request), (request.FILES if request.method == "POST" else None), form_definition=definition
    )
    if request.method == "POST" and answers.is_valid():
        messages.success(request, _("These answers are valid. Nothing was saved: this is a preview."))
        return redirect("questions:form_preview", public_id=public_id)
    return render(request, "questions/manage/preview.html", {"definition": definition, "answers": answers})
