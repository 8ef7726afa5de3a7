"""Pages of calls and applications.

Organisers (under ``/manage/``, two-factor asked by the middleware): a programme's page (edit in
be/ru/en, partners one per country, donors, publish, its cohorts), a cohort's call page (dates, call
window, completion rule, application form through the form builder, eligibility rules, publish, the
selection review round) and the application list (a partner sees its own country's applications only),
with a CSV export. Applicants (signed in): start an application, the draft page that saves itself as
they type, submit, withdraw, "My applications". Reviewers read an application's answers from their
review page.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation
from hramada.questions.models import Question
from hramada.questions.services import display_value

from .. import calls, selectors
from ..forms_calls import (
    CohortForm,
    DonorsForm,
    FilterForm,
    PartnerForm,
    PlaceForm,
    ProgrammeForm,
    ReviewForm,
    RuleForm,
    draft_answers_form,
)
from ..models import Application, Cohort, EligibilityRule, Partner, Programme

A = Application.Status


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _programme_for(request, slug, perm="programmes.manage_programme") -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)
    if not request.user.has_perm(perm, programme):
        raise PermissionDenied
    return programme


def _cohort_for(request, programme, cohort, perm="programmes.manage_programme") -> Cohort:
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__organisation", "application_form", "review_round"),
        programme__slug=programme,
        slug=cohort,
    )
    if not request.user.has_perm(perm, cohort):
        raise PermissionDenied
    return cohort


def _values(form, names):
    return {name: form.cleaned_data.get(name) for name in names if name in form.cleaned_data}


# --- Programmes ---------------------------------------------------------------------------------------


@login_required
def programme_new(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("programmes.add_programme", organisation):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = _values(form, calls.PROGRAMME_FIELDS)
        try:
            programme = calls.create_programme(
                actor=request.user, organisation=organisation, slug=form.cleaned_data["slug"], **values
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Programme created. It is a draft that only its organisers see."))
            return redirect("programmes:programme_manage", slug=programme.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programmes/manage/programme_form.html",
        {"form": form, "organisation": organisation},
        status=status,
    )


@login_required
def programme_manage(request, slug):
    programme = _programme_for(request, slug, "programmes.work_in_programme")
    is_lead = request.user.has_perm("programmes.manage_programme", programme)
    context = {
        "programme": programme,
        "is_lead": is_lead,
        "partners": list(programme.partners.select_related("organisation", "country")),
        "donors": list(programme.donors.all()),
        "cohorts": list(programme.cohorts.all()),
        "partner_form": PartnerForm(),
        "donors_form": DonorsForm(initial={"donors": list(programme.donors.all())}),
    }
    return render(request, "programmes/manage/programme.html", context)


@login_required
def programme_edit(request, slug):
    programme = _programme_for(request, slug)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            calls.update_programme(
                actor=request.user, programme=programme, **_values(form, calls.PROGRAMME_FIELDS)
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:programme_manage", slug=programme.slug)
    programme.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programmes/manage/programme_form.html",
        {"form": form, "programme": programme},
        status=status,
    )


@login_required
@require_POST
def programme_publish(request, slug):
    programme = _programme_for(request, slug)
    calls.publish_programme(actor=request.user, programme=programme)
    messages.success(request, _("The programme's page is public."))
    return redirect("programmes:programme_manage", slug=slug)


@login_required
@require_POST
def partner_add(request, slug):
    programme = _programme_for(request, slug)
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            calls.add_partner(actor=request.user, programme=programme, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Partner added."))
    else:
        messages.error(request, _("Choose an organisation and a country."))
    return redirect(reverse("programmes:programme_manage", args=[slug]) + "#partners")


@login_required
@require_POST
def partner_remove(request, slug, public_id):
    programme = _programme_for(request, slug)
    partner = get_object_or_404(Partner, programme=programme, public_id=public_id)
    try:
        calls.remove_partner(actor=request.user, partner=partner)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Partner removed."))
    return redirect(reverse("programmes:programme_manage", args=[slug]) + "#partners")


@login_required
@require_POST
def donors_set(request, slug):
    programme = _programme_for(request, slug)
    form = DonorsForm(request.POST)
    if form.is_valid():
        calls.set_donors(actor=request.user, programme=programme, donors=list(form.cleaned_data["donors"]))
        messages.success(request, _("Saved."))
    return redirect(reverse("programmes:programme_manage", args=[slug]) + "#donors")


# --- Cohorts and calls --------------------------------------------------------------------------------


@login_required
def cohort_new(request, slug):
    programme = _programme_for(request, slug)
    form = CohortForm(request.POST or None, instance=Cohort(programme=programme))
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in _values(form, calls.COHORT_FIELDS).items() if v is not None}
        try:
            cohort = calls.create_cohort(
                actor=request.user, programme=programme, slug=form.cleaned_data["slug"], **values
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Cohort created. Write its application form and eligibility rules."))
            return redirect("programmes:call_manage", programme=slug, cohort=cohort.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "programmes/manage/call_form.html", {"form": form, "programme": programme}, status=status
    )


@login_required
def cohort_edit(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        values = _values(form, calls.COHORT_FIELDS)
        if values.get("year") is None:
            values.pop("year", None)
        try:
            calls.update_cohort(actor=request.user, cohort=Cohort.objects.get(pk=cohort.pk), **values)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:call_manage", programme=programme, cohort=cohort.slug)
    status = 400 if request.method == "POST" else 200
    cohort.refresh_from_db()
    return render(
        request,
        "programmes/manage/call_form.html",
        {"form": form, "programme": cohort.programme, "cohort": cohort},
        status=status,
    )


@login_required
def call_manage(request, programme, cohort, rule_form=None, review_form=None, status=200):
    cohort = _cohort_for(request, programme, cohort, "programmes.work_in_programme")
    is_lead = request.user.has_perm("programmes.manage_programme", cohort)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "is_lead": is_lead,
        "phase": calls.phase(cohort),
        "rules": list(cohort.eligibility_rules.select_related("question")),
        "questions": list(cohort.application_form.questions.all()) if cohort.application_form_id else [],
        "rule_form": rule_form or RuleForm(cohort=cohort),
        "review_form": review_form or ReviewForm(organisation=cohort.programme.organisation),
        "counts": selectors.application_counts(
            selectors.visible_people(request.user, cohort.applications.all(), cohort.programme)
        ),
    }
    return render(request, "programmes/manage/call.html", context, status=status)


@login_required
@require_POST
def cohort_publish(request, programme, cohort):
    found = _cohort_for(request, programme, cohort)
    try:
        calls.publish_cohort(actor=request.user, cohort=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The cohort's page is public."))
    return redirect("programmes:call_manage", programme=programme, cohort=cohort)


@login_required
@require_POST
def rule_add(request, programme, cohort):
    found = _cohort_for(request, programme, cohort)
    form = RuleForm(request.POST, cohort=found)
    if form.is_valid():
        try:
            calls.add_eligibility_rule(actor=request.user, cohort=found, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Eligibility rule added."))
            return redirect(reverse("programmes:call_manage", args=[programme, cohort]) + "#rules")
    return call_manage(request, programme, cohort, rule_form=form, status=400)


@login_required
@require_POST
def rule_remove(request, programme, cohort, rule_id):
    found = _cohort_for(request, programme, cohort)
    rule = get_object_or_404(EligibilityRule, cohort=found, pk=rule_id)
    calls.remove_eligibility_rule(actor=request.user, rule=rule)
    messages.success(request, _("Eligibility rule removed."))
    return redirect(reverse("programmes:call_manage", args=[programme, cohort]) + "#rules")


@login_required
@require_POST
def review_start(request, programme, cohort):
    found = _cohort_for(request, programme, cohort)
    form = ReviewForm(request.POST, organisation=found.programme.organisation)
    if form.is_valid():
        try:
            round_ = calls.start_review(actor=request.user, cohort=found, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The review round is open: add reviewers and assign the applications.")
            )
            return redirect("reviews:round", round_id=round_.public_id)
    return call_manage(request, programme, cohort, review_form=form, status=400)


# --- Application list ---------------------------------------------------------------------------------


def _filtered(request, cohort):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.cohort_applications(
        request.user,
        cohort,
        status=filters.get("status") or "",
        country=filters.get("country"),
        region=filters.get("region"),
    )
    return form, qs


@login_required
def applications(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort, "programmes.work_in_programme")
    form, qs = _filtered(request, cohort)
    page = paginate(request, qs, 50)
    counts = selectors.application_counts(
        selectors.visible_people(request.user, cohort.applications.all(), cohort.programme)
    )
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "filter_form": form,
        "page": page,
        "counts": [(label, counts.get(value, 0)) for value, label in A.choices if counts.get(value)],
        "total": sum(counts.values()),
        "query": request.GET.urlencode(),
    }
    return render(request, "programmes/manage/applications.html", context)


def _cell(value: str) -> str:
    """No spreadsheet formula from a name or an answer."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def applications_csv(request, programme, cohort):
    cohort = _cohort_for(request, programme, cohort, "programmes.work_in_programme")
    _form, qs = _filtered(request, cohort)
    questions = list(cohort.application_form.questions.all()) if cohort.application_form_id else []
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-applications.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Status"),
            _("Submitted"),
            _("Country"),
            _("Region"),
            _("Settlement"),
            _("Community"),
            _("Partner"),
        ]
        + [q.label for q in questions]
    )
    from hramada.questions.models import Answer

    applications_ = list(qs)
    answers = {}
    for answer in Answer.objects.filter(
        response_id__in=[a.response_id for a in applications_ if a.response_id]
    ).select_related("question"):
        answers[(answer.response_id, answer.question_id)] = display_value(answer)
    for a in applications_:
        s = a.settlement
        writer.writerow(
            [
                _cell(str(a.person)),
                a.get_status_display(),
                a.submitted_at.isoformat(timespec="minutes") if a.submitted_at else "",
                s.region.country.name if s else "",
                s.region.name if s else "",
                _cell(s.name) if s else "",
                _cell(a.community.name) if a.community_id else "",
                str(a.partner.organisation) if a.partner_id else "",
            ]
            + [_cell(answers.get((a.response_id, q.pk), "")) for q in questions]
        )
    return response


# --- Applying -----------------------------------------------------------------------------------------


@login_required
@require_POST
def apply(request, slug, cohort):
    found = get_object_or_404(Cohort.objects.select_related("programme"), programme__slug=slug, slug=cohort)
    if not request.user.has_perm("programmes.view_programme", found):
        raise Http404
    existing = Application.objects.filter(cohort=found, person__user=request.user).first()
    if existing is not None:
        return redirect("programmes:application", public_id=existing.public_id)
    try:
        application = calls.start_application(user=request.user, cohort=found)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("programmes:cohort", slug=slug, cohort=cohort)
    messages.success(
        request, _("Your application is started. It is saved as you type; submit it before the deadline.")
    )
    return redirect("programmes:application", public_id=application.public_id)


def _application_for(request, public_id) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "cohort__programme__organisation", "person", "settlement__region__country", "community", "partner"
        ),
        public_id=public_id,
    )
    if not request.user.has_perm("programmes.view_application", application):
        raise Http404  # never say that someone else's application exists
    return application


def _answers_rows(application):
    if not application.response_id:
        return []
    return [
        {"question": a.question, "value": display_value(a), "answer": a}
        for a in application.response.answers.select_related("question", "response").order_by(
            "question__order", "question_id"
        )
    ]


def _page(request, application, place_form=None, answers=None, status=200):
    own = application.person.user_id == request.user.pk
    editable = own and application.status == A.DRAFT
    file_fields = []
    if application.cohort.application_form_id:
        file_fields = [
            f"q_{q.pk}"
            for q in application.cohort.application_form.questions.all()
            if q.kind == Question.Kind.FILE
        ]
    context = {
        "application": application,
        "cohort": application.cohort,
        "programme": application.cohort.programme,
        "own": own,
        "editable": editable,
        "call_open": application.cohort.call_is_open(timezone.now()),
        "place_form": place_form or PlaceForm(instance=application),
        "answers": answers
        if answers is not None
        else (draft_answers_form(application) if editable else None),
        "rows": [] if editable else _answers_rows(application),
        "missing": calls.missing_for_submission(application) if editable else [],
        "autosave_exclude": ",".join(file_fields),
    }
    response = render(request, "programmes/public/application.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def application(request, public_id):
    """The applicant's draft (edit, save, submit, withdraw) or, for organisers and reviewers, the
    submitted answers."""
    found = _application_for(request, public_id)
    if request.method != "POST":
        return _page(request, found)
    if found.person.user_id != request.user.pk:
        raise PermissionDenied
    place_form = PlaceForm(request.POST, instance=found)
    answers = draft_answers_form(found, request.POST, request.FILES)
    if not (place_form.is_valid() & (answers is None or answers.is_valid())):
        messages.error(request, _("Some fields need attention; nothing was saved."))
        return _page(request, found, place_form, answers, status=400)
    try:
        calls.save_draft(
            user=request.user,
            application=found,
            answers=answers.answers() if answers else None,
            settlement=place_form.cleaned_data.get("settlement"),
            community=place_form.cleaned_data.get("community"),
        )
        if request.POST.get("submit"):
            submitted = calls.submit_application(user=request.user, application=found)
            if submitted.status == A.INELIGIBLE:
                messages.warning(
                    request, _("Your application is submitted, but it does not meet the eligibility rules.")
                )
            else:
                messages.success(
                    request, _("Your application is submitted. You will get a confirmation by e-mail.")
                )
        else:
            messages.success(request, _("Saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
        found.refresh_from_db()
        return _page(request, found, place_form, answers, status=400)
    return redirect("programmes:application", public_id=public_id)


@login_required
@require_POST
def application_autosave(request, public_id):
    """The draft's background save (htmx): a small "Saved at HH:MM" fragment."""
    found = _application_for(request, public_id)
    if found.person.user_id != request.user.pk:
        raise PermissionDenied
    place_form = PlaceForm(request.POST, instance=found)
    answers = draft_answers_form(found, request.POST)  # files only with the buttons
    if not place_form.is_valid() or (answers is not None and not answers.is_valid()):
        errors = [
            e for f in (place_form, answers) if f is not None for errs in f.errors.values() for e in errs
        ]
        return render(request, "programmes/public/_saved.html", {"error": errors[0] if errors else ""})
    try:
        calls.save_draft(
            user=request.user,
            application=found,
            answers={q: v for q, v in answers.answers().items() if q.kind != Question.Kind.FILE}
            if answers
            else None,
            settlement=place_form.cleaned_data.get("settlement"),
            community=place_form.cleaned_data.get("community"),
        )
    except DomainError as exc:
        return render(request, "programmes/public/_saved.html", {"error": exc.message})
    return render(
        request, "programmes/public/_saved.html", {"saved_at": time_format(timezone.localtime(), "H:i")}
    )


@login_required
@require_POST
def application_withdraw(request, public_id):
    found = _application_for(request, public_id)
    try:
        calls.withdraw_application(user=request.user, application=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("programmes:my_applications")


@login_required
def my_applications(request):
    return render(
        request,
        "programmes/public/my_applications.html",
        {"applications": list(selectors.my_applications(request.user))},
    )
