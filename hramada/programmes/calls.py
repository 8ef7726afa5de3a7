"""Programmes, partners, cohorts, calls for applications and applications, up to the review round.

Every change goes through one of these functions (one transaction each, permission-checked, audited).
The lead organisation edits the programme, its cohorts, calls and eligibility rules; a person applies
to a cohort while its call is open. The application's partner is the partner of the applicant's
country (settlement -> region -> country), none where the lead runs that country itself. Eligibility
is screened at submission: an application that fails a rule becomes ``ineligible`` and the applicant
sees each rule's reason. The selection review is a ``reviews`` round whose items are the submitted,
eligible applications (``Application.subject_key``); reviewers, conflicts and assignment are the
reviews app's.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Organisation
from hramada.questions.models import Question
from hramada.questions.services import display_value, save_response

from .models import Application, Cohort, EligibilityRule, Partner, Programme

A = Application.Status
LANGS = ("be", "ru", "en")
PROGRAMME_FIELDS = tuple(f"{name}_{lang}" for name in ("title", "summary", "description") for lang in LANGS)
COHORT_FIELDS = (
    *(f"{name}_{lang}" for name in ("title", "description") for lang in LANGS),
    "year",
    "starts_on",
    "ends_on",
    "call_opens_at",
    "call_closes_at",
    "min_attendance_percent",
    "requires_action_plan",
)


def _require(actor, perm: str, obj, message: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise DomainError(message)


def _require_lead(actor, obj) -> None:
    _require(
        actor,
        "programmes.manage_programme",
        obj,
        _("Only the owners and managers of the programme's lead organisation can do this."),
    )


def _scope(obj):
    programme = obj if isinstance(obj, Programme) else obj.programme
    return (Organisation, programme.organisation_id)


def _first_title(values: dict, prefix: str = "title") -> str:
    return next(
        (values.get(f"{prefix}_{lang}") or "" for lang in LANGS if values.get(f"{prefix}_{lang}")), ""
    )


# Words other addresses use in the place of a programme's or a cohort's short name.
RESERVED_SLUGS = {
    "needs",
    "plans",
    "decision",
    "new",
    "edit",
    "publish",
    "partners",
    "donors",
    "cohorts",
    "alumni",
}


def _check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        raise DomainError(_("Give a short name for links (latin letters, digits and dashes)."), field="slug")
    if slug in RESERVED_SLUGS:
        raise DomainError(_("This short name is reserved; choose another."), field="slug")
    return slug


# --- Programmes ---------------------------------------------------------------------------------------


@transaction.atomic
def create_programme(*, actor, organisation, slug: str, **values) -> Programme:
    """A draft programme of ``organisation`` (only its organisers see it until it is published)."""
    _require(
        actor,
        "programmes.add_programme",
        organisation,
        _("Only the organisation's owners and managers can start a programme."),
    )
    unknown = set(values) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    title = _first_title(values)
    if not title.strip():
        raise DomainError(_("Give the programme a title in at least one language."), field="title_be")
    slug = _check_slug(slug)
    if Programme.objects.filter(slug=slug).exists():
        raise DomainError(_("This short name is taken; choose another."), field="slug")
    programme = Programme.objects.create(organisation=organisation, slug=slug, title=title, **values)
    audit.record(
        actor=actor, action="programmes.programme.created", target=programme, scope=_scope(programme)
    )
    return programme


@transaction.atomic
def update_programme(*, actor, programme: Programme, **values) -> Programme:
    _require_lead(actor, programme)
    unknown = set(values) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    merged = {f: getattr(programme, f) for f in PROGRAMME_FIELDS} | values
    if not _first_title(merged).strip():
        raise DomainError(_("Give the programme a title in at least one language."), field="title_be")
    for name, value in values.items():
        setattr(programme, name, value)
    programme.save()
    audit.record(
        actor=actor,
        action="programmes.programme.changed",
        target=programme,
        scope=_scope(programme),
        data={"fields": sorted(values)},
    )
    return programme


@transaction.atomic
def publish_programme(*, actor, programme: Programme, now=None) -> Programme:
    _require_lead(actor, programme)
    if programme.published_at is None:
        programme.published_at = now or timezone.now()
        programme.save(update_fields=["published_at", "updated_at"])
        audit.record(
            actor=actor, action="programmes.programme.published", target=programme, scope=_scope(programme)
        )
    return programme


@transaction.atomic
def set_donors(*, actor, programme: Programme, donors) -> Programme:
    _require_lead(actor, programme)
    programme.donors.set(donors)
    audit.record(
        actor=actor,
        action="programmes.programme.donors_set",
        target=programme,
        scope=_scope(programme),
        data={"donors": sorted(d.pk for d in donors)},
    )
    return programme


@transaction.atomic
def add_partner(*, actor, programme: Programme, organisation, country) -> Partner:
    """One partner organisation per country; the lead organisation is never its own partner."""
    _require_lead(actor, programme)
    if organisation.pk == programme.organisation_id:
        raise DomainError(_("The lead organisation runs the programme itself; it is not a partner."))
    if programme.partners.filter(country=country).exists():
        raise DomainError(_("This programme already has a partner in %(country)s.") % {"country": country})
    if programme.partners.filter(organisation=organisation).exists():
        raise DomainError(_("%(org)s is already a partner of this programme.") % {"org": organisation})
    try:
        with transaction.atomic():
            partner = Partner.objects.create(programme=programme, organisation=organisation, country=country)
    except IntegrityError:
        raise DomainError(
            _("This programme already has a partner in %(country)s.") % {"country": country}
        ) from None
    audit.record(
        actor=actor,
        action="programmes.partner.added",
        target=programme,
        scope=_scope(programme),
        data={"organisation": organisation.pk, "country": country.pk},
    )
    return partner


@transaction.atomic
def remove_partner(*, actor, partner: Partner) -> None:
    """Refused once the partner manages applications or participants (their people stay with it)."""
    programme = partner.programme
    _require_lead(actor, programme)
    if partner.applications.exists() or partner.participants.exists():
        raise DomainError(_("This partner already manages applicants or participants; it cannot be removed."))
    audit.record(
        actor=actor,
        action="programmes.partner.removed",
        target=programme,
        scope=_scope(programme),
        data={"organisation": partner.organisation_id, "country": partner.country_id},
    )
    partner.delete()


# --- Cohorts and their calls --------------------------------------------------------------------------


def _check_cohort(values: dict) -> None:
    if not _first_title(values).strip():
        raise DomainError(_("Give the cohort a title in at least one language."), field="title_be")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts is None or ends is None:
        raise DomainError(_("Give the cohort's first and last day."), field="starts_on")
    if ends < starts:
        raise DomainError(_("The cohort must end on or after its first day."), field="ends_on")
    opens, closes = values.get("call_opens_at"), values.get("call_closes_at")
    if opens and closes and closes <= opens:
        raise DomainError(_("The deadline must come after the call opens."), field="call_closes_at")
    if closes and not opens:
        raise DomainError(_("Say when the call opens."), field="call_opens_at")
    percent = values.get("min_attendance_percent")
    if percent is not None and not 0 <= int(percent) <= 100:
        raise DomainError(
            _("The share of sessions is a percentage from 0 to 100."), field="min_attendance_percent"
        )


@transaction.atomic
def create_cohort(*, actor, programme: Programme, slug: str, **values) -> Cohort:
    """A draft cohort with its dates, call window and completion rule, and an empty application form
    owned by the lead organisation (edited with the form builder)."""
    from hramada.questions.services import create_form

    _require_lead(actor, programme)
    unknown = set(values) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    slug = _check_slug(slug)
    _check_cohort(values)
    if programme.cohorts.filter(slug=slug).exists():
        raise DomainError(_("This programme already has a cohort with this short name."), field="slug")
    title = _first_title(values)
    values.setdefault("year", values["starts_on"].year)
    cohort = Cohort(programme=programme, slug=slug, title=title, **values)
    cohort.application_form = create_form(
        actor=None,
        organisation=programme.organisation,
        **{f"title_{lang}": f"{values.get(f'title_{lang}') or title}" for lang in LANGS},
    )
    cohort.save()
    audit.record(actor=actor, action="programmes.cohort.created", target=cohort, scope=_scope(programme))
    return cohort


@transaction.atomic
def update_cohort(*, actor, cohort: Cohort, **values) -> Cohort:
    _require_lead(actor, cohort)
    unknown = set(values) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    merged = {f: getattr(cohort, f) for f in COHORT_FIELDS} | values
    _check_cohort(merged)
    for name, value in values.items():
        setattr(cohort, name, value)
    cohort.save()
    audit.record(
        actor=actor,
        action="programmes.cohort.changed",
        target=cohort,
        scope=_scope(cohort.programme),
        data={"fields": sorted(values)},
    )
    return cohort


@transaction.atomic
def publish_cohort(*, actor, cohort: Cohort, now=None) -> Cohort:
    """The cohort's page becomes public (its programme must be published first)."""
    _require_lead(actor, cohort)
    if cohort.programme.published_at is None:
        raise DomainError(_("Publish the programme first."))
    if cohort.published_at is None:
        cohort.published_at = now or timezone.now()
        cohort.save(update_fields=["published_at", "updated_at"])
        audit.record(
            actor=actor, action="programmes.cohort.published", target=cohort, scope=_scope(cohort.programme)
        )
    return cohort


def phase(cohort: Cohort, now=None) -> str:
    """The cohort's phase, computed from its dates: draft, call, review, running, finished."""
    now = now or timezone.now()
    P = Cohort.Phase
    if cohort.published_at is None:
        return P.DRAFT
    if cohort.call_is_open(now):
        return P.CALL
    if cohort.finished_at is not None or cohort.ends_on < timezone.localdate(now):
        return P.FINISHED
    if cohort.starts_on <= timezone.localdate(now):
        return P.RUNNING
    if cohort.call_closes_at is not None and cohort.call_closes_at <= now:
        return P.REVIEW
    return P.CALL if cohort.call_opens_at and now < cohort.call_opens_at else P.REVIEW


# --- Eligibility rules ----------------------------------------------------------------------------------

T = EligibilityRule.Test
TESTS_BY_KIND = {
    Question.Kind.CHOICE: {T.EQUALS, T.ONE_OF},
    Question.Kind.MULTI_CHOICE: {T.EQUALS, T.ONE_OF},
    Question.Kind.TEXT: {T.EQUALS, T.ONE_OF},
    Question.Kind.NUMBER: {T.EQUALS, T.AT_LEAST, T.AT_MOST},
    Question.Kind.BUDGET: {T.AT_LEAST, T.AT_MOST},
    Question.Kind.CONSENT: {T.CHECKED},
}


@transaction.atomic
def add_eligibility_rule(
    *, actor, cohort: Cohort, question, test: str, value: str = "", reason: str
) -> EligibilityRule:
    """A question of the cohort's application form, a test of its answer and the reason the applicant
    sees when their answer fails it."""
    _require_lead(actor, cohort)
    if cohort.application_form_id is None or question.form_id != cohort.application_form_id:
        raise DomainError(_("Choose a question of this cohort's application form."), field="question")
    if test not in TESTS_BY_KIND.get(question.kind, set()):
        raise DomainError(_("This test does not fit this kind of question."), field="test")
    value = (value or "").strip()
    if test in (T.AT_LEAST, T.AT_MOST, T.EQUALS) and question.kind in (
        Question.Kind.NUMBER,
        Question.Kind.BUDGET,
    ):
        try:
            Decimal(value)
        except InvalidOperation:
            raise DomainError(_("Give a number."), field="value") from None
    if test != T.CHECKED and not value:
        raise DomainError(_("Give the value the answer is compared with."), field="value")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason the applicant will see."), field="reason")
    rule = EligibilityRule.objects.create(
        cohort=cohort, question=question, test=test, value=value, reason=reason
    )
    audit.record(
        actor=actor,
        action="programmes.eligibility_rule.added",
        target=cohort,
        scope=_scope(cohort.programme),
        data={"question": question.pk, "test": test, "value": value},
    )
    return rule


@transaction.atomic
def remove_eligibility_rule(*, actor, rule: EligibilityRule) -> None:
    cohort = rule.cohort
    _require_lead(actor, cohort)
    audit.record(
        actor=actor,
        action="programmes.eligibility_rule.removed",
        target=cohort,
        scope=_scope(cohort.programme),
        data={"question": rule.question_id, "test": rule.test, "value": rule.value},
    )
    rule.delete()


def _norm(text) -> str:
    return " ".join(str(text).split()).casefold()


def rule_passes(rule: EligibilityRule, answer) -> bool:
    """Whether an answer (``questions.Answer`` or None) passes the rule; no answer fails every test."""
    if answer is None or answer.value in (None, "", []):
        return False
    q = rule.question
    if rule.test == T.CHECKED:
        return answer.value is True
    if rule.test in (T.AT_LEAST, T.AT_MOST) or (
        rule.test == T.EQUALS and q.kind in (Question.Kind.NUMBER, Question.Kind.BUDGET)
    ):
        try:
            given, limit = Decimal(str(answer.value)), Decimal(rule.value)
        except InvalidOperation:
            return False
        return {T.AT_LEAST: given >= limit, T.AT_MOST: given <= limit, T.EQUALS: given == limit}[rule.test]
    wanted = (
        {_norm(rule.value)}
        if rule.test == T.EQUALS
        else {_norm(v) for v in rule.value.splitlines() if v.strip()}
    )
    if q.kind in (Question.Kind.CHOICE, Question.Kind.MULTI_CHOICE):
        # Options are compared in every language, so a rule written in English accepts an answer given
        # on the Belarusian form (the same option index).
        indexes = answer.value if isinstance(answer.value, list) else [answer.value]
        for index in indexes:
            for lang in LANGS:
                options = [
                    line.strip()
                    for line in (getattr(q, f"choices_{lang}", "") or "").splitlines()
                    if line.strip()
                ]
                if 0 <= index < len(options) and _norm(options[index]) in wanted:
                    return True
        return False
    return _norm(display_value(answer)) in wanted


def failed_reasons(application: Application) -> list[str]:
    rules = list(application.cohort.eligibility_rules.select_related("question"))
    if not rules:
        return []
    answers = {}
    if application.response_id:
        answers = {a.question_id: a for a in application.response.answers.select_related("question")}
    return [rule.reason for rule in rules if not rule_passes(rule, answers.get(rule.question_id))]


# --- Applications ---------------------------------------------------------------------------------------


def partner_for(programme: Programme, *, settlement=None, community=None) -> Partner | None:
    """The partner of the place's country; None where the lead runs that country itself."""
    if settlement is None and community is not None:
        settlement = community.settlement
    if settlement is None:
        return None
    country_id = settlement.region.country_id
    return programme.partners.filter(country_id=country_id).first()


def _person_of(user):
    from hramada.people.services import ensure_person

    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to apply."))
    return ensure_person(user)


def _require_applicant(user, application: Application) -> None:
    if user is None or not user.is_authenticated or application.person.user_id != user.pk:
        raise DomainError(_("This is not your application."))


@transaction.atomic
def start_application(*, user, cohort: Cohort, now=None) -> Application:
    """A draft application of the signed-in person; one per person and cohort, while the call is open."""
    now = now or timezone.now()
    person = _person_of(user)
    if cohort.programme.published_at is None or not cohort.call_is_open(now):
        raise DomainError(_("The call for applications to this cohort is not open."))
    existing = Application.objects.filter(cohort=cohort, person=person).first()
    if existing is not None:
        raise DomainError(_("You have already applied to this cohort."))
    settlement, community = person.home_settlement, person.home_community
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                person=person,
                settlement=settlement or (community.settlement if community else None),
                community=community,
                partner=partner_for(cohort.programme, settlement=settlement, community=community),
            )
    except IntegrityError:
        raise DomainError(_("You have already applied to this cohort.")) from None
    audit.record(
        actor=user,
        action="programmes.application.started",
        target=application,
        scope=_scope(cohort.programme),
    )
    return application


UNSET = object()


@transaction.atomic
def save_draft(
    *, user, application: Application, answers: dict | None = None, settlement=UNSET, community=UNSET
) -> Application:
    """The applicant saves their draft (answers, settlement, community): a draft can be saved at any
    time, also after the deadline, so nothing typed is lost; only submitting is bound to the call."""
    _require_applicant(user, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != A.DRAFT:
        raise DomainError(_("This application is no longer a draft; it cannot change."))
    fields = []
    if community is not UNSET:
        application.community = community
        fields.append("community")
        if community is not None and settlement is UNSET:
            settlement = community.settlement
    if settlement is not UNSET:
        if (
            community not in (UNSET, None)
            and settlement is not None
            and community.settlement_id != settlement.pk
        ):
            raise DomainError(_("The community is not in this settlement."), field="community")
        application.settlement = settlement
        fields.append("settlement")
    if fields:
        application.partner = partner_for(
            application.cohort.programme, settlement=application.settlement, community=application.community
        )
        fields.append("partner")
    form = application.cohort.application_form
    if answers is not None and form is not None:
        response = (
            application.response
            if application.response_id and application.response.form_id == form.pk
            else None
        )
        response = save_response(form=form, person=application.person, answers=answers, response=response)
        if application.response_id != response.pk:
            application.response = response
            fields.append("response")
    application.save(update_fields=[*fields, "updated_at"])
    return application


def missing_for_submission(application: Application) -> list[str]:
    """What the application still lacks (labels shown to the applicant)."""
    missing = []
    if application.settlement_id is None:
        missing.append(str(_("your settlement")))
    form = application.cohort.application_form
    if form is not None:
        answered = {}
        if application.response_id:
            answered = {a.question_id: a for a in application.response.answers.all()}
        for question in form.questions.filter(required=True).order_by("order", "id"):
            answer = answered.get(question.pk)
            if question.kind == Question.Kind.FILE:
                ok = answer is not None and bool(answer.file)
            elif question.kind == Question.Kind.CONSENT:
                ok = answer is not None and answer.value is True
            else:
                ok = answer is not None and answer.value not in (None, "", [])
            if not ok:
                missing.append(question.label)
    return missing


@transaction.atomic
def submit_application(*, user, application: Application, now=None) -> Application:
    """Submit a complete draft before the deadline. Eligibility is screened now: an application that
    fails a rule is ``ineligible`` and keeps the reasons shown to the applicant. The applicant gets an
    e-mail in their language."""
    now = now or timezone.now()
    _require_applicant(user, application)
    application = (
        Application.objects.select_for_update().select_related("cohort__programme").get(pk=application.pk)
    )
    if application.status != A.DRAFT:
        raise DomainError(_("This application has already been submitted."))
    cohort = application.cohort
    if not cohort.call_is_open(now):
        raise DomainError(
            _(
                "The deadline has passed: the call closed on %(when)s. Your draft is kept, but it can no longer be submitted."
            )
            % {
                "when": timezone.localtime(cohort.call_closes_at).strftime("%Y-%m-%d %H:%M")
                if cohort.call_closes_at
                else "—"
            }
        )
    missing = missing_for_submission(application)
    if missing:
        raise DomainError(_("Fill in before submitting: %(missing)s.") % {"missing": "; ".join(missing)})
    reasons = failed_reasons(application)
    application.status = A.INELIGIBLE if reasons else A.SUBMITTED
    application.ineligible_reasons = reasons
    application.submitted_at = now
    application.save(update_fields=["status", "ineligible_reasons", "submitted_at", "updated_at"])
    audit.record(
        actor=user,
        action="programmes.application.submitted",
        target=application,
        scope=_scope(cohort.programme),
        data={"status": application.status, "reasons": len(reasons)},
    )
    enqueue_on_commit(send_application_email, application.pk)
    return application


@transaction.atomic
def withdraw_application(*, user, application: Application) -> Application:
    """The applicant withdraws a draft or a submitted application (not one already decided)."""
    _require_applicant(user, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (A.DRAFT, A.SUBMITTED, A.INELIGIBLE):
        raise DomainError(_("A decision has been made on this application; it can no longer be withdrawn."))
    previous = application.status
    application.status = A.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=user,
        action="programmes.application.withdrawn",
        target=application,
        scope=_scope(application.cohort.programme),
        data={"from": previous},
    )
    return application


# --- The selection review round -------------------------------------------------------------------------


def _application_items(applications) -> list[dict]:
    return [
        {
            "subject_key": a.subject_key,
            "title": str(a.person),
            "url": reverse("programmes:application", args=[a.public_id]),
            # Reviewers of the applicant's partner organisation are in conflict (the reviews app
            # refuses to assign a reviewer to an item of their own organisation).
            "organisation_id": a.partner.organisation_id if a.partner_id else None,
        }
        for a in applications
    ]


@transaction.atomic
def start_review(
    *, actor, cohort: Cohort, rubric, reviews_per_item: int = 3, closes_at=None, now=None
) -> "object":
    """Open the cohort's selection review: a ``reviews`` round (purpose ``selection``) of the lead
    organisation whose items are the submitted, eligible applications. Started once, after the
    deadline; reviewers, conflicts and balanced assignment are managed on the round's pages."""
    from hramada.reviews import services as review_services
    from hramada.reviews.models import Purpose

    now = now or timezone.now()
    _require_lead(actor, cohort)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.review_round_id is not None:
        raise DomainError(_("The selection review of this cohort has already started."))
    if cohort.call_is_open(now):
        raise DomainError(_("The call is still open; start the review after the deadline."))
    applications = list(
        cohort.applications.filter(status=A.SUBMITTED)
        .select_related("person", "partner")
        .order_by("submitted_at", "id")
    )
    if not applications:
        raise DomainError(_("There are no submitted, eligible applications to review."))
    round_ = review_services.create_round(
        actor=actor,
        organisation=cohort.programme.organisation,
        title=_("%(cohort)s: selection") % {"cohort": cohort},
        rubric=rubric,
        purpose=Purpose.SELECTION,
        reviews_per_item=reviews_per_item,
        closes_at=closes_at,
        subject_label=_("application"),
    )
    review_services.add_items(actor=actor, round=round_, items=_application_items(applications))
    cohort.review_round = round_
    cohort.save(update_fields=["review_round", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.review.started",
        target=cohort,
        scope=_scope(cohort.programme),
        data={"round": round_.public_id, "applications": len(applications)},
    )
    return round_


# --- Personal data ------------------------------------------------------------------------------------


def export_applications(person) -> list:
    return [
        {
            "programme": a.cohort.programme.title,
            "cohort": a.cohort.title,
            "status": a.status,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "settlement": str(a.settlement) if a.settlement_id else None,
            "community": str(a.community) if a.community_id else None,
            "ineligible_reasons": a.ineligible_reasons,
            # The answers themselves are exported by the questions app (``form_answers``).
        }
        for a in Application.objects.filter(person=person).select_related(
            "cohort__programme", "settlement", "community"
        )
    ]


def erase_applications(person) -> None:
    """Drafts are deleted. Submitted and decided applications stay (the cohort's selection and its
    frozen fingerprint refer to them), pseudonymised: the person row is erased by the people app and the
    answers by the questions app; here the place is cleared too."""
    Application.objects.filter(person=person, status=A.DRAFT).delete()
    Application.objects.filter(person=person).update(settlement=None, community=None, ineligible_reasons=[])


# --- E-mail ---------------------------------------------------------------------------------------------


@task()
def send_application_email(application_id: int) -> None:
    """Confirm a submission to the applicant in their language (eligible, or not with the reasons)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    application = Application.objects.select_related("cohort__programme", "person__user").get(
        pk=application_id
    )
    person = application.person
    email = person.email or (person.user.email if person.user_id else "")
    if not email:
        return
    with translation.override(person.email_language):
        context = {
            "application": application,
            "cohort": application.cohort,
            "programme": application.cohort.programme,
            "person": person,
            "url": settings.SITE_URL + reverse("programmes:application", args=[application.public_id]),
        }
        subject = render_to_string("programmes/email/application_subject.txt", context).strip()
        body = render_to_string("programmes/email/application.txt", context)
    send_mail(subject, body, None, [email])
