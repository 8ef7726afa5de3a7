"""The participant's community work: needs assessments with a residents' survey, action plans,
mentor comments and the alumni directory. Every change goes through these functions.

Who may do what is in ``rules.py`` (``programmes.edit_community_work`` for the participant,
``programmes.comment_on_plan`` for their mentor and the organisers). The residents' survey is
answered without a login on a public link; ``answer_survey`` takes no actor and is limited per
network (a keyed hash of the /24 or /64 prefix, never the address) in the cache.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.hashing import keyed_hash
from hramada.core.storage import delete_stored
from hramada.core.tasks import enqueue_on_commit
from hramada.questions import services as question_services
from hramada.questions.models import Question

from .models import (
    ActionPlan,
    AlumniProfile,
    MentorComment,
    Need,
    NeedRanking,
    NeedsAssessment,
    Participant,
    PlanActivity,
    PlanResource,
    PlanUpdate,
)

# Survey answers per network and hour, per survey: a village school or a library shares one address,
# so the limit is generous; it stops a script, not a room of residents. Setting of the same name.
SURVEY_ANSWERS_PER_NETWORK_HOUR = 60
# Kinds of question a public survey may ask: no file uploads from anonymous visitors.
SURVEY_QUESTION_KINDS = [k for k in Question.Kind.values if k != Question.Kind.FILE]


def _scope(participant: Participant):
    return participant.cohort.programme.organisation


def _require_edit(actor, obj):
    if actor is None or not actor.has_perm("programmes.edit_community_work", obj):
        raise DomainError(_("Only the participant can change their own community work."))


def _require_active(participant: Participant):
    if participant.status == Participant.Status.LEFT:
        raise DomainError(_("You have left the programme; your community work can no longer change."))


def _set(obj, values: dict, allowed: set[str]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unexpected values: {sorted(unknown)}")
    changed = []
    for key, value in values.items():
        if getattr(obj, key, None) != value:  # None: a relation not set yet
            setattr(obj, key, value)
            changed.append(key)
    return changed


# --- Needs assessment -------------------------------------------------------------------------------

ASSESSMENT_FIELDS = {"title", "summary", "how_residents_were_asked", "is_public", "community"}


@transaction.atomic
def create_assessment(*, actor, participant: Participant, **values) -> NeedsAssessment:
    """A participant starts an assessment of their community's needs (their cohort community by default)."""
    _require_edit(actor, participant)
    _require_active(participant)
    values.setdefault("community", participant.community)
    if values["community"] is None:
        raise DomainError(_("Choose the community this assessment is about."), field="community")
    if not (values.get("title") or "").strip():
        raise DomainError(_("Give the assessment a title."), field="title")
    assessment = NeedsAssessment(participant=participant)
    _set(assessment, values, ASSESSMENT_FIELDS)
    assessment.save()
    audit.record(
        actor=actor, action="programmes.assessment.created", target=assessment, scope=_scope(participant)
    )
    return assessment


@transaction.atomic
def update_assessment(*, actor, assessment: NeedsAssessment, **values) -> NeedsAssessment:
    """The participant changes their assessment (title, summary, how residents were asked, public or not)."""
    _require_edit(actor, assessment)
    _require_active(assessment.participant)
    if "title" in values and not (values["title"] or "").strip():
        raise DomainError(_("Give the assessment a title."), field="title")
    if "community" in values and values["community"] is None:
        raise DomainError(_("Choose the community this assessment is about."), field="community")
    changed = _set(assessment, values, ASSESSMENT_FIELDS)
    assessment.save()
    audit.record(
        actor=actor,
        action="programmes.assessment.updated",
        target=assessment,
        scope=_scope(assessment.participant),
        data={"fields": sorted(changed)},
    )
    return assessment


NEED_FIELDS = {"title", "who_is_affected", "evidence", "priority", "local_issue_key"}


@transaction.atomic
def save_need(*, actor, assessment: NeedsAssessment, need: Need | None = None, **values) -> Need:
    """Add a need to an assessment, or change one: what, who is affected, the evidence, its priority."""
    _require_edit(actor, assessment)
    _require_active(assessment.participant)
    if need is not None and need.assessment_id != assessment.pk:
        raise DomainError(_("This need belongs to another assessment."))
    if (
        "title" in values
        and not (values["title"] or "").strip()
        or (need is None and not values.get("title"))
    ):
        raise DomainError(_("Say what the need is."), field="title")
    if values.get("local_issue_key"):
        from hramada.local_issues.selectors import public_issues

        if not public_issues().filter(public_id=values["local_issue_key"]).exists():
            raise DomainError(
                _("No published local issue has this address; copy it from the issue's page."),
                field="local_issue_key",
            )
    creating = need is None
    need = need or Need(assessment=assessment)
    changed = _set(need, values, NEED_FIELDS)
    if creating and "priority" not in values:
        need.priority = assessment.needs.count() + 1
    need.save()
    audit.record(
        actor=actor,
        action=f"programmes.need.{'added' if creating else 'changed'}",
        target=assessment,
        scope=_scope(assessment.participant),
        data={"need": need.public_id, "fields": sorted(changed)},
    )
    return need


@transaction.atomic
def delete_need(*, actor, need: Need) -> None:
    """The participant removes a need; residents' rankings of it go with it."""
    assessment = need.assessment
    _require_edit(actor, assessment)
    _require_active(assessment.participant)
    audit.record(
        actor=actor,
        action="programmes.need.deleted",
        target=assessment,
        scope=_scope(assessment.participant),
        data={"need": need.public_id, "title": need.title, "rankings": need.rankings.count()},
    )
    need.delete()


# --- The residents' survey --------------------------------------------------------------------------


@transaction.atomic
def ensure_survey_form(*, actor, assessment: NeedsAssessment):
    """The ``questions`` form of the assessment's residents' survey, created on first use. It belongs to
    the programme's organisation (forms belong to an organisation), but only the participant edits it,
    through their own survey page."""
    _require_edit(actor, assessment)
    if assessment.survey_form_id:
        return assessment.survey_form
    title = _("Residents' survey: %(title)s") % {"title": assessment.title}
    form = question_services.create_form(
        actor=None, organisation=_scope(assessment.participant), title_en=title[:200]
    )
    assessment.survey_form = form
    assessment.save(update_fields=["survey_form", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.survey.created",
        target=assessment,
        scope=_scope(assessment.participant),
        data={"form": form.public_id},
    )
    return form


def _require_own_question(assessment, question):
    if question is not None and question.form_id != assessment.survey_form_id:
        raise DomainError(_("This question belongs to another form."))


def save_survey_question(*, actor, assessment: NeedsAssessment, question=None, **values):
    """Add or change a question of the residents' survey (any kind but a file upload), through the
    ``questions`` services."""
    with transaction.atomic():
        _require_edit(actor, assessment)
        _require_active(assessment.participant)
        _require_own_question(assessment, question)
        if values.get("kind", getattr(question, "kind", None)) not in SURVEY_QUESTION_KINDS:
            raise DomainError(_("A residents' survey cannot ask for files."), field="kind")
        form = ensure_survey_form(actor=actor, assessment=assessment)
        return question_services.save_question(actor=None, form=form, question=question, **values)


def move_survey_question(*, actor, assessment: NeedsAssessment, question, up: bool) -> None:
    with transaction.atomic():
        _require_edit(actor, assessment)
        _require_own_question(assessment, question)
        question_services.move_question(actor=None, question=question, up=up)


def delete_survey_question(*, actor, assessment: NeedsAssessment, question) -> None:
    """Remove a question nobody has answered yet (the ``questions`` service refuses otherwise)."""
    with transaction.atomic():
        _require_edit(actor, assessment)
        _require_active(assessment.participant)
        _require_own_question(assessment, question)
        question_services.delete_question(actor=None, question=question)
        audit.record(
            actor=actor,
            action="programmes.survey.question_deleted",
            target=assessment,
            scope=_scope(assessment.participant),
        )


@transaction.atomic
def open_survey(*, actor, assessment: NeedsAssessment) -> NeedsAssessment:
    """Open the public link: it needs at least one question, or at least two needs to rank."""
    _require_edit(actor, assessment)
    _require_active(assessment.participant)
    has_questions = assessment.survey_form_id and assessment.survey_form.questions.exists()
    if not has_questions and assessment.needs.count() < 2:
        raise DomainError(
            _("Add a question, or at least two needs for residents to rank, before opening the survey.")
        )
    if not assessment.survey_open:
        assessment.survey_open = True
        assessment.save(update_fields=["survey_open", "updated_at"])
        audit.record(
            actor=actor,
            action="programmes.survey.opened",
            target=assessment,
            scope=_scope(assessment.participant),
        )
    return assessment


@transaction.atomic
def close_survey(*, actor, assessment: NeedsAssessment) -> NeedsAssessment:
    """Close the public link: residents who open it are told the survey is closed."""
    _require_edit(actor, assessment)
    if assessment.survey_open:
        assessment.survey_open = False
        assessment.save(update_fields=["survey_open", "updated_at"])
        audit.record(
            actor=actor,
            action="programmes.survey.closed",
            target=assessment,
            scope=_scope(assessment.participant),
        )
    return assessment


def survey_network_key(ip: str, assessment: NeedsAssessment) -> str:
    """A keyed hash of the visitor's network (IPv4 /24, IPv6 /64) for this survey: never the address."""
    from hramada.voting.antifraud import network_of

    network = network_of(ip)
    return keyed_hash(network, assessment.survey_token, purpose="survey-network") if network else ""


def _count_answer(network_key: str, now) -> int:
    """Count one answer for the network in this hour; returns the count (atomic in Redis)."""
    key = f"programmes:survey:{network_key}:{now.strftime('%Y%m%d%H')}"
    if cache.add(key, 1, timeout=7200):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=7200)
        return 1


def check_ranking(assessment: NeedsAssessment, ranking: dict) -> dict:
    """A valid ballot: needs of this assessment, ranks 1..k each used once (k needs ranked, the others
    left out). Returns ``{need: rank}``."""
    own = {n.pk for n in assessment.needs.all()}
    if any(need.pk not in own for need in ranking):
        raise DomainError(_("This ranking names a need of another assessment."))
    ranks = sorted(ranking.values())
    if ranks != list(range(1, len(ranks) + 1)):
        raise DomainError(
            _(
                "Give each need you rank a different number, starting from 1 for the most important, without gaps."
            ),
            field="ranking",
        )
    return ranking


@dataclass(frozen=True)
class SurveyAnswer:
    accepted: bool
    response: object = None


def answer_survey(
    *,
    assessment: NeedsAssessment,
    answers: dict,
    ranking: dict,
    network_key: str,
    honeypot: str = "",
    now=None,
) -> SurveyAnswer:
    """A resident answers the survey on the public link (no login): refused when the survey is closed or
    the network sent too many answers this hour; a filled honeypot field is silently dropped."""
    now = now or timezone.now()
    if honeypot:
        return SurveyAnswer(accepted=False)  # a bot: it is told "thank you", nothing is stored
    with transaction.atomic():
        locked = NeedsAssessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.survey_open:
            raise DomainError(_("This survey is closed: it no longer takes answers."))
        ranking = check_ranking(locked, ranking)
        if not ranking and not any(v not in (None, "", []) and v is not False for v in answers.values()):
            raise DomainError(_("Answer at least one question or rank at least one need."))
        limit = getattr(settings, "SURVEY_ANSWERS_PER_NETWORK_HOUR", SURVEY_ANSWERS_PER_NETWORK_HOUR)
        if network_key and _count_answer(network_key, now) > limit:
            raise DomainError(
                _("Too many answers came from your network in the last hour. Please try again later."),
                field="rate",
            )
        response = None
        if locked.survey_form_id and answers:
            response = question_services.save_response(form=locked.survey_form, person=None, answers=answers)
        ballot = secrets.token_hex(16)
        NeedRanking.objects.bulk_create(
            NeedRanking(need=need, response=response, ballot=ballot, rank=rank)
            for need, rank in ranking.items()
        )
        audit.record(
            actor=None,
            action="programmes.survey.answered",
            target=locked,
            scope=_scope(locked.participant),
            data={"ranked": len(ranking), "response": response.public_id if response else None},
        )
    return SurveyAnswer(accepted=True, response=response)


# --- Action plans -----------------------------------------------------------------------------------

PLAN_FIELDS = {
    "title",
    "goals",
    "assessment",
    "residents_involved",
    "volunteers_involved",
    "people_note",
    "is_public",
}


def _check_plan_links(plan: ActionPlan, participant: Participant, needs):
    if plan.assessment_id and plan.assessment.participant_id != participant.pk:
        raise DomainError(_("Choose one of your own needs assessments."), field="assessment")
    for need in needs or []:
        if need.assessment.participant_id != participant.pk:
            raise DomainError(_("Choose needs of your own assessments."), field="needs")


@transaction.atomic
def create_plan(*, actor, participant: Participant, needs=None, **values) -> ActionPlan:
    """A participant starts an action plan (a draft): goals, the needs it answers, who is involved."""
    _require_edit(actor, participant)
    _require_active(participant)
    if not (values.get("title") or "").strip():
        raise DomainError(_("Give the plan a title."), field="title")
    if not (values.get("goals") or "").strip():
        raise DomainError(_("Write the plan's goals."), field="goals")
    plan = ActionPlan(participant=participant)
    _set(plan, values, PLAN_FIELDS)
    _check_plan_links(plan, participant, needs)
    plan.save()
    if needs:
        plan.needs.set(needs)
    audit.record(actor=actor, action="programmes.plan.created", target=plan, scope=_scope(participant))
    return plan


@transaction.atomic
def update_plan(*, actor, plan: ActionPlan, needs=None, **values) -> ActionPlan:
    """The participant changes their plan; a submitted plan can still be corrected (it stays submitted)."""
    _require_edit(actor, plan)
    _require_active(plan.participant)
    for key, message in (("title", _("Give the plan a title.")), ("goals", _("Write the plan's goals."))):
        if key in values and not (values[key] or "").strip():
            raise DomainError(message, field=key)
    changed = _set(plan, values, PLAN_FIELDS)
    _check_plan_links(plan, plan.participant, needs)
    plan.save()
    if needs is not None and set(plan.needs.values_list("pk", flat=True)) != {n.pk for n in needs}:
        plan.needs.set(needs)
        changed.append("needs")
    audit.record(
        actor=actor,
        action="programmes.plan.updated",
        target=plan,
        scope=_scope(plan.participant),
        data={"fields": sorted(changed)},
    )
    return plan


ACTIVITY_FIELDS = {"title", "starts_on", "ends_on", "done"}


@transaction.atomic
def save_activity(*, actor, plan: ActionPlan, activity: PlanActivity | None = None, **values) -> PlanActivity:
    """Add or change an activity of the plan, with its dates (it ends on or after the day it starts)."""
    _require_edit(actor, plan)
    _require_active(plan.participant)
    if activity is not None and activity.plan_id != plan.pk:
        raise DomainError(_("This activity belongs to another plan."))
    creating = activity is None
    activity = activity or PlanActivity(plan=plan)
    changed = _set(activity, values, ACTIVITY_FIELDS)
    if not (activity.title or "").strip():
        raise DomainError(_("Say what the activity is."), field="title")
    if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
        raise DomainError(_("The activity cannot end before it starts."), field="ends_on")
    activity.save()
    audit.record(
        actor=actor,
        action=f"programmes.plan.activity_{'added' if creating else 'changed'}",
        target=plan,
        scope=_scope(plan.participant),
        data={"activity": activity.public_id, "fields": sorted(changed)},
    )
    return activity


@transaction.atomic
def delete_activity(*, actor, activity: PlanActivity) -> None:
    plan = activity.plan
    _require_edit(actor, plan)
    _require_active(plan.participant)
    audit.record(
        actor=actor,
        action="programmes.plan.activity_deleted",
        target=plan,
        scope=_scope(plan.participant),
        data={"activity": activity.public_id, "title": activity.title},
    )
    activity.delete()


@transaction.atomic
def activity_to_event(*, actor, activity: PlanActivity):
    """An organiser turns a dated activity into a draft event of the programme's organisation, in the
    participant's community, linked back to the activity (the ``events`` service checks the right)."""
    from hramada.events import services as event_services

    plan = activity.plan
    participant = plan.participant
    if actor is None or not actor.has_perm("programmes.comment_on_plan", plan):
        raise DomainError(_("Only the programme's organisers can make an activity an event."))
    activity = PlanActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.event_id:
        raise DomainError(_("This activity is already an event."))
    if activity.starts_on is None:
        raise DomainError(_("Give the activity a start date first."))
    tz = timezone.get_current_timezone()
    starts = timezone.make_aware(datetime.combine(activity.starts_on, time(10)), tz)
    ends = timezone.make_aware(datetime.combine(activity.ends_on or activity.starts_on, time(18)), tz)
    community = participant.community
    event = event_services.save_event(
        actor=actor,
        organisation=_scope(participant),
        title_en=activity.title,
        title_ru=activity.title,
        title_be=activity.title,
        starts_at=starts,
        ends_at=ends,
        community=community,
        settlement=community.settlement if community else None,
    )
    activity.event = event
    activity.save(update_fields=["event", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.plan.activity_made_event",
        target=plan,
        scope=_scope(participant),
        data={"activity": activity.public_id, "event": event.public_id},
    )
    return event


RESOURCE_FIELDS = {"kind", "description", "amount", "currency", "source", "source_note"}


@transaction.atomic
def add_resource(*, actor, plan: ActionPlan, **values) -> PlanResource:
    """A resource the plan needs (money, a venue, skills, equipment) and where it may come from."""
    _require_edit(actor, plan)
    _require_active(plan.participant)
    resource = PlanResource(plan=plan)
    _set(resource, values, RESOURCE_FIELDS)
    if not (resource.description or "").strip():
        raise DomainError(_("Describe what is needed."), field="description")
    if resource.amount is not None and resource.amount < 0:
        raise DomainError(_("An amount cannot be negative."), field="amount")
    resource.save()
    audit.record(
        actor=actor,
        action="programmes.plan.resource_added",
        target=plan,
        scope=_scope(plan.participant),
        data={"kind": resource.kind, "source": resource.source},
    )
    return resource


@transaction.atomic
def delete_resource(*, actor, resource: PlanResource) -> None:
    plan = resource.plan
    _require_edit(actor, plan)
    _require_active(plan.participant)
    audit.record(
        actor=actor,
        action="programmes.plan.resource_deleted",
        target=plan,
        scope=_scope(plan.participant),
        data={"description": resource.description},
    )
    resource.delete()


@transaction.atomic
def submit_plan(*, actor, plan: ActionPlan) -> ActionPlan:
    """Submit a draft plan (the cohort's completion rule reads this): it needs goals and at least one
    activity."""
    _require_edit(actor, plan)
    _require_active(plan.participant)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ActionPlan.Status.DRAFT:
        raise DomainError(_("This plan has already been submitted."))
    if not plan.activities.exists():
        raise DomainError(_("Add at least one activity before submitting the plan."))
    plan.status = ActionPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(actor=actor, action="programmes.plan.submitted", target=plan, scope=_scope(plan.participant))
    return plan


_NEXT_STATUS = {
    ActionPlan.Status.SUBMITTED: {ActionPlan.Status.UNDER_WAY, ActionPlan.Status.DONE},
    ActionPlan.Status.UNDER_WAY: {ActionPlan.Status.DONE},
    ActionPlan.Status.DONE: {ActionPlan.Status.UNDER_WAY},
}


@transaction.atomic
def set_plan_status(*, actor, plan: ActionPlan, status: str) -> ActionPlan:
    """After submitting, the participant marks the plan under way or done (and back, if done too early)."""
    _require_edit(actor, plan)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if status not in _NEXT_STATUS.get(plan.status, set()):
        raise DomainError(_("The plan cannot move to this status now."))
    before = plan.status
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.plan.status_changed",
        target=plan,
        scope=_scope(plan.participant),
        data={"from": before, "to": status},
    )
    return plan


@transaction.atomic
def add_update(*, actor, plan: ActionPlan, text: str, photo=None) -> PlanUpdate:
    """A status update with an optional photo, already re-encoded without metadata by the form
    (``core.images.validate_image``); kept in the private storage, sent after a permission check."""
    _require_edit(actor, plan)
    plan.refresh_from_db(fields=["status"])
    if plan.status == ActionPlan.Status.DRAFT:
        raise DomainError(_("Submit the plan before posting updates on it."))
    if not (text or "").strip():
        raise DomainError(_("Write what happened."), field="text")
    update = PlanUpdate(plan=plan, author=actor.person, text=text)
    if photo:
        update.photo = photo
    update.save()
    audit.record(
        actor=actor,
        action="programmes.plan.update_posted",
        target=plan,
        scope=_scope(plan.participant),
        data={"update": update.public_id, "photo": bool(photo)},
    )
    return update


@transaction.atomic
def delete_update(*, actor, update: PlanUpdate) -> None:
    plan = update.plan
    _require_edit(actor, plan)
    if update.photo:
        name = update.photo.name
        transaction.on_commit(lambda: delete_stored(name))
    audit.record(
        actor=actor,
        action="programmes.plan.update_deleted",
        target=plan,
        scope=_scope(plan.participant),
        data={"update": update.public_id},
    )
    update.delete()


@transaction.atomic
def add_comment(*, actor, plan: ActionPlan, text: str) -> MentorComment:
    """The participant's mentor or an organiser comments on the plan; the participant is e-mailed in
    their language."""
    if actor is None or not actor.has_perm("programmes.comment_on_plan", plan):
        raise DomainError(_("Only the participant's mentor and the programme's organisers can comment."))
    if not (text or "").strip():
        raise DomainError(_("Write a comment."), field="text")
    comment = MentorComment.objects.create(plan=plan, author=getattr(actor, "person", None), text=text)
    audit.record(
        actor=actor,
        action="programmes.plan.commented",
        target=plan,
        scope=_scope(plan.participant),
        data={"comment": comment.public_id},
    )
    enqueue_on_commit(send_comment_email, comment.pk)
    return comment


@task()
def send_comment_email(comment_id: int) -> None:
    """Tell the participant about a comment on their plan, in their language (no e-mail address: none)."""
    comment = MentorComment.objects.select_related("plan__participant__person__user", "author").get(
        pk=comment_id
    )
    person = comment.plan.participant.person
    email = person.email or (person.user.email if person.user_id else "")
    if not email or person.erased_at:
        return
    with translation.override(person.email_language):
        plan_url = settings.SITE_URL + reverse("programmes:plan", args=[comment.plan.public_id])
        context = {"comment": comment, "plan": comment.plan, "person": person, "plan_url": plan_url}
        subject = render_to_string("programmes/email/work_comment_subject.txt", context).strip()
        body = render_to_string("programmes/email/work_comment.txt", context)
    EmailMultiAlternatives(subject, body, None, [email]).send()


# --- Alumni -----------------------------------------------------------------------------------------


@transaction.atomic
def save_alumni_profile(*, actor, listed: bool, works_at: str = "", works_on: str = "") -> AlumniProfile:
    """A former or current participant's entry in the alumni directory; the directory shows it only
    when ``listed`` and once they have completed the programme."""
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None or not Participant.objects.filter(person=person).exists():
        raise DomainError(_("Only participants of a programme have an alumni profile."))
    profile, created = AlumniProfile.objects.get_or_create(person=person)
    changed = _set(
        profile,
        {"listed": listed, "works_at": works_at, "works_on": works_on},
        {"listed", "works_at", "works_on"},
    )
    profile.save()
    audit.record(
        actor=actor,
        action="programmes.alumni.saved",
        target=profile,
        data={"fields": sorted(changed), "listed": listed, "created": created},
    )
    return profile


# --- Personal data ----------------------------------------------------------------------------------


def export_community_work(person) -> dict:
    """What a person wrote as a participant (assessments, needs, plans, updates), their comments as a
    mentor or organiser, and their alumni profile."""
    assessments = NeedsAssessment.objects.filter(participant__person=person).prefetch_related("needs")
    plans = ActionPlan.objects.filter(participant__person=person).prefetch_related(
        "activities", "resources", "updates", "needs"
    )
    profile = AlumniProfile.objects.filter(person=person).first()
    return {
        "needs_assessments": [
            {
                "title": a.title,
                "summary": a.summary,
                "how_residents_were_asked": a.how_residents_were_asked,
                "public": a.is_public,
                "needs": [
                    {"need": n.title, "who_is_affected": n.who_is_affected, "evidence": n.evidence}
                    for n in a.needs.all()
                ],
            }
            for a in assessments
        ],
        "action_plans": [
            {
                "title": p.title,
                "goals": p.goals,
                "status": p.status,
                "public": p.is_public,
                "people": p.people_note,
                "activities": [
                    {"title": a.title, "starts": str(a.starts_on or ""), "ends": str(a.ends_on or "")}
                    for a in p.activities.all()
                ],
                "resources": [{"kind": r.kind, "description": r.description} for r in p.resources.all()],
                "updates": [{"at": u.created_at.isoformat(), "text": u.text} for u in p.updates.all()],
            }
            for p in plans
        ],
        "comments_on_plans": [
            {"plan": c.plan.title, "at": c.created_at.isoformat(), "text": c.text}
            for c in MentorComment.objects.filter(author=person).select_related("plan")
        ],
        "alumni_profile": (
            {"listed": profile.listed, "works_at": profile.works_at, "works_on": profile.works_on}
            if profile
            else None
        ),
    }


def erase_community_work(person) -> None:
    """On erasure: the alumni profile and the plans still in draft (private, nobody relies on them) go,
    with their photos. Submitted plans and assessments stay (the cohort's completion and the community's
    record rely on them), linked to the pseudonymised person: a public plan stays public under the name
    "Former participant", as contributions do elsewhere on the site."""
    AlumniProfile.objects.filter(person=person).delete()
    drafts = ActionPlan.objects.filter(participant__person=person, status=ActionPlan.Status.DRAFT)
    for name in PlanUpdate.objects.filter(plan__in=drafts).exclude(photo="").values_list("photo", flat=True):
        delete_stored(name)
    drafts.delete()
