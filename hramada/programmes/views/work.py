"""The participant's community work: their own pages (needs assessment, residents' survey builder,
action plans, alumni profile), the public residents' survey, public plan and needs pages, the alumni
directory, and the organisers' overview of a cohort's work.

Private pages answer 404 to whoever may not see them (their existence is private too); actions by
someone who may see but not act answer 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.core.storage import send_stored
from hramada.questions.forms import QuestionForm
from hramada.questions.models import Question
from hramada.voting.antifraud import RequestMeta

from .. import community_work as services
from .. import selectors
from ..forms_work import (
    ActivityForm,
    AlumniForm,
    AssessmentForm,
    CommentForm,
    NeedForm,
    PlanForm,
    ResourceForm,
    SurveyForm,
    UpdateForm,
)
from ..models import (
    ActionPlan,
    AlumniProfile,
    Cohort,
    NeedsAssessment,
    PlanActivity,
    PlanResource,
    PlanUpdate,
    Programme,
)
from ..registry import plan_actions


def _posted(request):
    return request.POST if request.method == "POST" else None


def _status(form) -> int:
    """A form sent back with errors answers 400 (the page shows the messages; nothing typed is lost)."""
    return 400 if form.is_bound and form.errors else 200


def _add_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _participant(request, public_id):
    participant = selectors.participant_for_work(public_id)
    if participant is None or not request.user.has_perm("programmes.follow_community_work", participant):
        raise Http404
    return participant


def _assessment(request, public_id, perm="programmes.view_community_work"):
    assessment = selectors.assessment_page(public_id)
    if assessment is None or not request.user.has_perm(perm, assessment):
        raise Http404
    return assessment


def _plan(request, public_id, perm="programmes.view_community_work"):
    plan = selectors.plan_page(public_id)
    if plan is None or not request.user.has_perm(perm, plan):
        raise Http404
    return plan


def _editable(request, obj):
    if not request.user.has_perm("programmes.edit_community_work", obj):
        raise PermissionDenied
    return obj


# --- The participant's hub --------------------------------------------------------------------------


@login_required
@require_GET
def work(request, public_id):
    participant = _participant(request, public_id)
    context = {
        "participant": participant,
        "can_edit": request.user.has_perm("programmes.edit_community_work", participant),
        **selectors.work_of(participant),
    }
    return render(request, "programmes/public/work.html", context)


# --- Needs assessment -------------------------------------------------------------------------------


@login_required
def assessment_new(request, public_id):
    participant = _editable(request, _participant(request, public_id))
    form = AssessmentForm(_posted(request), initial={"community": participant.community})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.create_assessment(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Assessment started. Now list the needs you found."))
            return redirect("programmes:needs", public_id=assessment.public_id)
    return render(
        request,
        "programmes/public/needs_form.html",
        {"participant": participant, "form": form},
        status=_status(form),
    )


@require_GET
def assessment(request, public_id):
    """The needs page: the needs, the residents' ranking and the survey's results."""
    assessment = _assessment(request, public_id)
    follows = request.user.has_perm("programmes.follow_community_work", assessment)
    can_edit = request.user.has_perm("programmes.edit_community_work", assessment)
    ranking = selectors.needs_ranking(assessment)
    selectors.cite_issues([row["need"] for row in ranking["rows"]])
    context = {
        "assessment": assessment,
        "participant": assessment.participant,
        "follows": follows,
        "can_edit": can_edit,
        "ranking": ranking,
        "results": selectors.survey_results(assessment, with_texts=follows),
        "need_form": NeedForm() if can_edit else None,
        "survey_url": request.build_absolute_uri(
            reverse("programmes:survey", args=[assessment.survey_token])
        ),
    }
    return render(request, "programmes/public/needs.html", context)


@login_required
def assessment_edit(request, public_id):
    assessment = _editable(request, _assessment(request, public_id))
    form = AssessmentForm(_posted(request), instance=assessment)
    if request.method == "POST" and form.is_valid():
        assessment.refresh_from_db()
        try:
            services.update_assessment(actor=request.user, assessment=assessment, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:needs", public_id=public_id)
    return render(
        request,
        "programmes/public/needs_form.html",
        {"participant": assessment.participant, "assessment": assessment, "form": form},
        status=_status(form),
    )


@login_required
def need_edit(request, public_id, need_id=None):
    """Add a need (``need_id`` None) or change one."""
    assessment = _editable(request, _assessment(request, public_id))
    need = get_object_or_404(assessment.needs, public_id=need_id) if need_id else None
    form = NeedForm(_posted(request), instance=need)
    if request.method == "POST" and form.is_valid():
        if need is not None:
            need.refresh_from_db()
        try:
            services.save_need(actor=request.user, assessment=assessment, need=need, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Need saved."))
            return redirect("programmes:needs", public_id=public_id)
    return render(
        request,
        "programmes/public/needs_need_form.html",
        {"assessment": assessment, "need": need, "form": form},
        status=_status(form),
    )


@login_required
@require_POST
def need_delete(request, public_id, need_id):
    assessment = _editable(request, _assessment(request, public_id))
    need = get_object_or_404(assessment.needs, public_id=need_id)
    services.delete_need(actor=request.user, need=need)
    messages.success(request, _("Need deleted."))
    return redirect("programmes:needs", public_id=public_id)


# --- The residents' survey: the builder (the participant) and the public link -----------------------


@login_required
def survey_builder(request, public_id):
    """The participant's survey: questions through the ``questions`` app's form and services."""
    assessment = _editable(request, _assessment(request, public_id))
    question_form = QuestionForm(_posted(request))
    question_form.fields["kind"].choices = [
        c for c in question_form.fields["kind"].choices if c[0] != Question.Kind.FILE
    ]
    if request.method == "POST" and question_form.is_valid():
        try:
            services.save_survey_question(
                actor=request.user, assessment=assessment, **question_form.cleaned_data
            )
        except DomainError as exc:
            _add_error(question_form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("programmes:survey_builder", public_id=public_id)
    questions = (
        list(assessment.survey_form.questions.order_by("order", "id")) if assessment.survey_form_id else []
    )
    context = {
        "assessment": assessment,
        "questions": questions,
        "question_form": question_form,
        "survey_url": request.build_absolute_uri(
            reverse("programmes:survey", args=[assessment.survey_token])
        ),
    }
    return render(request, "programmes/public/survey_builder.html", context)


def _survey_question(assessment, question_id):
    if not assessment.survey_form_id:
        raise Http404
    return get_object_or_404(Question, pk=question_id, form_id=assessment.survey_form_id)


@login_required
def survey_question(request, public_id, question_id):
    """Edit (GET/POST), move (POST ``direction``) or delete (POST ``delete``) one survey question."""
    assessment = _editable(request, _assessment(request, public_id))
    question = _survey_question(assessment, question_id)
    if request.method == "POST" and ("direction" in request.POST or "delete" in request.POST):
        try:
            if "delete" in request.POST:
                services.delete_survey_question(actor=request.user, assessment=assessment, question=question)
                messages.success(request, _("Question deleted."))
            else:
                services.move_survey_question(
                    actor=request.user,
                    assessment=assessment,
                    question=question,
                    up=request.POST["direction"] == "up",
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("programmes:survey_builder", public_id=public_id)
    form = QuestionForm(_posted(request), instance=question)
    if request.method == "POST" and form.is_valid():
        question.refresh_from_db()
        try:
            services.save_survey_question(
                actor=request.user, assessment=assessment, question=question, **form.cleaned_data
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("programmes:survey_builder", public_id=public_id)
    return render(
        request,
        "programmes/public/survey_question.html",
        {"assessment": assessment, "question": question, "form": form},
        status=_status(form),
    )


@login_required
@require_POST
def survey_state(request, public_id):
    assessment = _editable(request, _assessment(request, public_id))
    try:
        if request.POST.get("state") == "open":
            services.open_survey(actor=request.user, assessment=assessment)
            messages.success(request, _("The survey is open: share its link with residents."))
        else:
            services.close_survey(actor=request.user, assessment=assessment)
            messages.success(request, _("The survey is closed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programmes:survey_builder", public_id=public_id)


def survey(request, token):
    """The public residents' survey (no login): the questions and the needs to rank."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    assessment = get_object_or_404(
        NeedsAssessment.objects.select_related(
            "community", "survey_form", "participant__cohort__programme__organisation"
        ),
        survey_token=token,
    )
    if not assessment.survey_open:
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            "programmes/public/survey.html",
            {"assessment": assessment, "state": "closed"},
            status=status,
        )
    form = SurveyForm(_posted(request), assessment=assessment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            meta = RequestMeta.from_request(request)
            try:
                services.answer_survey(
                    assessment=assessment,
                    answers=form.answers(),
                    ranking=form.ranking(),
                    network_key=services.survey_network_key(meta.ip, assessment),
                    honeypot=form.cleaned_data.get("website", ""),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 429 if exc.field == "rate" else 409 if not assessment.survey_open else 400
            else:
                return render(
                    request, "programmes/public/survey.html", {"assessment": assessment, "state": "thanks"}
                )
        else:
            status = 400
    return render(
        request,
        "programmes/public/survey.html",
        {"assessment": assessment, "state": "open", "form": form},
        status=status,
    )


# --- Action plans -----------------------------------------------------------------------------------


@login_required
def plan_new(request, public_id):
    participant = _editable(request, _participant(request, public_id))
    form = PlanForm(_posted(request), participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, participant=participant, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Plan started. Add its activities and the resources it needs."))
            return redirect("programmes:plan", public_id=plan.public_id)
    return render(
        request,
        "programmes/public/plan_form.html",
        {"participant": participant, "form": form},
        status=_status(form),
    )


@login_required
def plan_edit(request, public_id):
    plan = _editable(request, _plan(request, public_id))
    form = PlanForm(_posted(request), instance=plan, participant=plan.participant)
    if request.method == "POST" and form.is_valid():
        plan.refresh_from_db()
        try:
            services.update_plan(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:plan", public_id=public_id)
    return render(
        request,
        "programmes/public/plan_form.html",
        {"participant": plan.participant, "plan": plan, "form": form},
        status=_status(form),
    )


@require_GET
def plan(request, public_id):
    """The plan's page: private in full to the participant, their mentor and the organisers; the public
    part (no comments) to everyone once the participant opted in and submitted it."""
    plan = _plan(request, public_id)
    user = request.user
    follows = user.has_perm("programmes.follow_community_work", plan)
    can_edit = user.has_perm("programmes.edit_community_work", plan)
    organisation = plan.participant.cohort.programme.organisation
    context = {
        "plan": plan,
        "participant": plan.participant,
        "follows": follows,
        "can_edit": can_edit,
        "can_comment": user.has_perm("programmes.comment_on_plan", plan),
        "can_make_events": follows and user.has_perm("events.add_event", organisation),
        "activities": plan.activities.select_related("event"),
        "resources": plan.resources.all(),
        "needs": plan.needs.all(),
        "updates": plan.updates.select_related("author"),
        "comments": plan.mentor_comments.select_related("author") if follows else [],
        "actions": plan_actions(user, plan),
        "activity_form": ActivityForm() if can_edit else None,
        "resource_form": ResourceForm() if can_edit else None,
        "update_form": UpdateForm() if can_edit and plan.status != ActionPlan.Status.DRAFT else None,
        "comment_form": CommentForm() if user.has_perm("programmes.comment_on_plan", plan) else None,
    }
    return render(request, "programmes/public/plan.html", context)


def _plan_page_with_error(request, plan, message):
    messages.error(request, message)
    return redirect("programmes:plan", public_id=plan.public_id)


@login_required
def activity_edit(request, public_id, activity_id=None):
    plan = _editable(request, _plan(request, public_id))
    activity = get_object_or_404(plan.activities, public_id=activity_id) if activity_id else None
    form = ActivityForm(_posted(request), instance=activity)
    if request.method == "POST" and form.is_valid():
        if activity is not None:
            activity.refresh_from_db()
        try:
            services.save_activity(actor=request.user, plan=plan, activity=activity, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("programmes:plan", public_id=public_id)
    return render(
        request,
        "programmes/public/plan_activity_form.html",
        {"plan": plan, "activity": activity, "form": form},
        status=_status(form),
    )


@login_required
@require_POST
def activity_delete(request, public_id, activity_id):
    plan = _editable(request, _plan(request, public_id))
    activity = get_object_or_404(plan.activities, public_id=activity_id)
    services.delete_activity(actor=request.user, activity=activity)
    messages.success(request, _("Activity deleted."))
    return redirect("programmes:plan", public_id=public_id)


@login_required
@require_POST
def activity_event(request, public_id, activity_id):
    plan = _plan(request, public_id, perm="programmes.follow_community_work")
    activity = get_object_or_404(PlanActivity, plan=plan, public_id=activity_id)
    try:
        event = services.activity_to_event(actor=request.user, activity=activity)
    except DomainError as exc:
        return _plan_page_with_error(request, plan, exc.message)
    messages.success(request, _("A draft event was created for this activity: complete and publish it."))
    return redirect("events:event_edit", event.slug)


@login_required
@require_POST
def resource_new(request, public_id):
    plan = _editable(request, _plan(request, public_id))
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            services.add_resource(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Resource added."))
            return redirect("programmes:plan", public_id=public_id)
    return render(
        request, "programmes/public/plan_resource_form.html", {"plan": plan, "form": form}, status=400
    )


@login_required
@require_POST
def resource_delete(request, public_id, resource_id):
    plan = _editable(request, _plan(request, public_id))
    resource = get_object_or_404(PlanResource, plan=plan, public_id=resource_id)
    services.delete_resource(actor=request.user, resource=resource)
    messages.success(request, _("Resource removed."))
    return redirect("programmes:plan", public_id=public_id)


@login_required
@require_POST
def plan_submit(request, public_id):
    plan = _editable(request, _plan(request, public_id))
    try:
        services.submit_plan(actor=request.user, plan=plan)
    except DomainError as exc:
        return _plan_page_with_error(request, plan, exc.message)
    messages.success(request, _("Plan submitted. Your mentor and the organisers can now follow it."))
    return redirect("programmes:plan", public_id=public_id)


@login_required
@require_POST
def plan_status(request, public_id):
    plan = _editable(request, _plan(request, public_id))
    try:
        services.set_plan_status(actor=request.user, plan=plan, status=request.POST.get("status", ""))
    except DomainError as exc:
        return _plan_page_with_error(request, plan, exc.message)
    messages.success(request, _("Status changed."))
    return redirect("programmes:plan", public_id=public_id)


@login_required
@require_POST
def update_new(request, public_id):
    plan = _editable(request, _plan(request, public_id))
    form = UpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_update(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Update posted."))
            return redirect("programmes:plan", public_id=public_id)
    return render(
        request, "programmes/public/plan_update_form.html", {"plan": plan, "form": form}, status=400
    )


@login_required
@require_POST
def update_delete(request, public_id, update_id):
    plan = _editable(request, _plan(request, public_id))
    update = get_object_or_404(PlanUpdate, plan=plan, public_id=update_id)
    services.delete_update(actor=request.user, update=update)
    messages.success(request, _("Update deleted."))
    return redirect("programmes:plan", public_id=public_id)


@require_GET
def update_photo(request, public_id, update_id):
    """An update's photo, sent after the same check as the plan's page (private files have no URL)."""
    plan = _plan(request, public_id)
    update = get_object_or_404(PlanUpdate, plan=plan, public_id=update_id)
    if not update.photo:
        raise Http404
    ext = update.photo.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        ext, "application/octet-stream"
    )
    response = send_stored(
        update.photo.name, content_type=content_type, filename=f"photo.{ext}", as_attachment=False
    )
    if response is None:
        raise Http404
    return response


@login_required
@require_POST
def comment_new(request, public_id):
    plan = _plan(request, public_id, perm="programmes.follow_community_work")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except DomainError as exc:
            return _plan_page_with_error(request, plan, exc.message)
        messages.success(request, _("Comment sent; the participant gets an e-mail."))
        return redirect("programmes:plan", public_id=public_id)
    return _plan_page_with_error(request, plan, _("Write a comment."))


# --- Alumni -----------------------------------------------------------------------------------------


@require_GET
def alumni(request, slug):
    programme = get_object_or_404(Programme, slug=slug, published_at__isnull=False)
    page = paginate(request, selectors.alumni_directory(programme))
    context = {"programme": programme, "page": page, "figures": selectors.programme_figures(programme)}
    return render(request, "programmes/public/alumni.html", context)


@login_required
def alumni_profile(request):
    person = getattr(request.user, "person", None)
    profile = AlumniProfile.objects.filter(person=person).first() if person else None
    form = AlumniForm(_posted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_alumni_profile(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your alumni profile is saved."))
            return redirect("programmes:alumni_profile")
    return render(request, "programmes/public/alumni_profile.html", {"form": form}, status=_status(form))


# --- Organisers -------------------------------------------------------------------------------------


@login_required
@require_GET
def cohort_work(request, programme, cohort):
    """Each participant's assessments and plans (a partner: its own country's participants)."""
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme"), programme__slug=programme, slug=cohort
    )
    if not request.user.has_perm("programmes.work_in_programme", cohort.programme):
        raise PermissionDenied
    partner_ids = selectors.partner_scope(request.user, cohort.programme)
    rows = selectors.cohort_work_rows(cohort, partner_ids=partner_ids)
    return render(request, "programmes/manage/work.html", {"cohort": cohort, "rows": rows})
