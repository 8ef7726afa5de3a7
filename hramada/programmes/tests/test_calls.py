"""Calls services: programmes, partners, cohorts, eligibility rules, applications and the review round."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory, CountryFactory, RegionFactory, SettlementFactory
from hramada.programmes import calls
from hramada.programmes.models import Application, EligibilityRule
from hramada.programmes.tests.factories import CallCohortFactory, PartnerFactory, ProgrammeFactory
from hramada.questions.models import Question
from hramada.reviews.tests.factories import CriterionFactory, RubricFactory

pytestmark = pytest.mark.django_db
A = Application.Status
T = EligibilityRule.Test


def _organiser(org, role=Role.MANAGER):
    user = member_of(org, role)
    user.two_factor_passed = True
    return user


@pytest.fixture
def cohort():
    return CallCohortFactory()


@pytest.fixture
def lead(cohort):
    return _organiser(cohort.programme.organisation)


def _question(cohort, kind=Question.Kind.TEXT, **values):
    values.setdefault("label", "Q")
    return Question.objects.create(form=cohort.application_form, kind=kind, **values)


def _armenia():
    return RegionFactory(code="AM-SH", name="Shirak", country=CountryFactory(code="AM", name="Armenia"))


# --- Programmes and partners ----------------------------------------------------------------------------


def test_a_manager_creates_a_draft_programme_and_publishes_it():
    org = OrganisationFactory()
    manager = _organiser(org)
    programme = calls.create_programme(actor=manager, organisation=org, slug="Lead", title_be="Лідарства")
    assert programme.slug == "lead" and programme.title == "Лідарства" and programme.published_at is None
    calls.publish_programme(actor=manager, programme=programme)
    assert programme.published_at is not None
    assert AuditEntry.objects.filter(action__startswith="programmes.programme.").count() == 2


def test_an_outsider_cannot_create_a_programme_and_slugs_are_unique():
    org = OrganisationFactory()
    with pytest.raises(DomainError, match="owners and managers"):
        calls.create_programme(actor=UserFactory(), organisation=org, slug="x", title_en="X")
    manager = _organiser(org)
    calls.create_programme(actor=manager, organisation=org, slug="x", title_en="X")
    with pytest.raises(DomainError, match="taken"):
        calls.create_programme(actor=manager, organisation=org, slug="x", title_en="Y")
    with pytest.raises(DomainError, match="title"):
        calls.create_programme(actor=manager, organisation=org, slug="z")


def test_one_partner_per_country_and_never_the_lead(cohort, lead):
    programme = cohort.programme
    armenia = CountryFactory(code="AM", name="Armenia")
    partner = calls.add_partner(
        actor=lead, programme=programme, organisation=OrganisationFactory(), country=armenia
    )
    with pytest.raises(DomainError, match="already has a partner"):
        calls.add_partner(
            actor=lead, programme=programme, organisation=OrganisationFactory(), country=armenia
        )
    with pytest.raises(DomainError, match="not a partner"):
        calls.add_partner(
            actor=lead,
            programme=programme,
            organisation=programme.organisation,
            country=CountryFactory(code="MD"),
        )
    calls.remove_partner(actor=lead, partner=partner)
    assert not programme.partners.exists()


def test_a_partner_organiser_cannot_edit_the_programme(cohort):
    partner = PartnerFactory(programme=cohort.programme)
    with pytest.raises(DomainError, match="lead organisation"):
        calls.update_programme(
            actor=_organiser(partner.organisation), programme=cohort.programme, title_en="X"
        )


def test_a_partner_with_applicants_cannot_be_removed(cohort, lead):
    region = _armenia()
    partner = PartnerFactory(programme=cohort.programme, country=region.country)
    user = UserFactory()
    user.person.home_settlement = SettlementFactory(region=region)
    user.person.save()
    application = calls.start_application(user=user, cohort=cohort)
    assert application.partner == partner
    with pytest.raises(DomainError, match="cannot be removed"):
        calls.remove_partner(actor=lead, partner=partner)


# --- Cohorts --------------------------------------------------------------------------------------------


def test_a_cohort_gets_an_application_form_and_checked_dates(lead, cohort):
    programme = cohort.programme
    new = calls.create_cohort(
        actor=lead,
        programme=programme,
        slug="y2027",
        title_ru="Набор 2027",
        starts_on=datetime.date(2027, 1, 10),
        ends_on=datetime.date(2027, 11, 1),
    )
    assert new.year == 2027 and new.application_form.organisation == programme.organisation
    with pytest.raises(DomainError, match="end on or after"):
        calls.update_cohort(actor=lead, cohort=new, ends_on=datetime.date(2026, 1, 1))
    now = timezone.now()
    with pytest.raises(DomainError, match="deadline must come after"):
        calls.update_cohort(actor=lead, cohort=new, call_opens_at=now, call_closes_at=now)
    with pytest.raises(DomainError, match="already has a cohort"):
        calls.create_cohort(
            actor=lead,
            programme=programme,
            slug="y2027",
            title_en="Again",
            starts_on=datetime.date(2027, 1, 10),
            ends_on=datetime.date(2027, 11, 1),
        )


def test_a_cohort_is_published_only_after_its_programme():
    programme = ProgrammeFactory(published_at=None)
    cohort = CallCohortFactory(programme=programme, published_at=None)
    manager = _organiser(programme.organisation)
    with pytest.raises(DomainError, match="Publish the programme first"):
        calls.publish_cohort(actor=manager, cohort=cohort)
    calls.publish_programme(actor=manager, programme=programme)
    calls.publish_cohort(actor=manager, cohort=cohort)
    assert cohort.published_at is not None
    assert calls.phase(cohort) == "call"


# --- Eligibility rules ----------------------------------------------------------------------------------


def test_rules_take_questions_of_this_form_and_a_fitting_test(cohort, lead):
    other = CallCohortFactory()
    foreign = Question.objects.create(form=other.application_form, kind="text", label="x")
    with pytest.raises(DomainError, match="this cohort's application form"):
        calls.add_eligibility_rule(
            actor=lead, cohort=cohort, question=foreign, test=T.EQUALS, value="a", reason="r"
        )
    consent = _question(cohort, Question.Kind.CONSENT)
    with pytest.raises(DomainError, match="does not fit"):
        calls.add_eligibility_rule(
            actor=lead, cohort=cohort, question=consent, test=T.AT_LEAST, value="1", reason="r"
        )
    age = _question(cohort, Question.Kind.NUMBER)
    with pytest.raises(DomainError, match="Give a number"):
        calls.add_eligibility_rule(
            actor=lead, cohort=cohort, question=age, test=T.AT_LEAST, value="many", reason="r"
        )
    with pytest.raises(DomainError, match="reason"):
        calls.add_eligibility_rule(
            actor=lead, cohort=cohort, question=age, test=T.AT_LEAST, value="18", reason=" "
        )


def _applicant(cohort, region=None):
    user = UserFactory()
    user.person.home_settlement = SettlementFactory(region=region) if region else SettlementFactory()
    user.person.save()
    return user, calls.start_application(user=user, cohort=cohort)


def test_eligibility_is_screened_at_submission_with_the_reasons(cohort, lead):
    """Removing the screening in ``submit_application`` turns this red (tried once)."""
    age = _question(cohort, Question.Kind.NUMBER, label="Age")
    role = _question(
        cohort, Question.Kind.CHOICE, label="Role", choices_en="Leader\nResident", choices_be="Лідар\nЖыхар"
    )
    agree = _question(cohort, Question.Kind.CONSENT, label="Agree")
    calls.add_eligibility_rule(
        actor=lead, cohort=cohort, question=age, test=T.AT_LEAST, value="18", reason="Adults only"
    )
    calls.add_eligibility_rule(
        actor=lead, cohort=cohort, question=role, test=T.EQUALS, value="Лідар", reason="Leaders"
    )
    calls.add_eligibility_rule(actor=lead, cohort=cohort, question=agree, test=T.CHECKED, reason="Consent")

    user, application = _applicant(cohort)
    calls.save_draft(user=user, application=application, answers={age: "17", role: 1, agree: True})
    calls.submit_application(user=user, application=application)
    application.refresh_from_db()
    assert application.status == A.INELIGIBLE
    assert application.ineligible_reasons == ["Adults only", "Leaders"]

    user, application = _applicant(cohort)
    calls.save_draft(user=user, application=application, answers={age: "30", role: 0, agree: True})
    calls.submit_application(user=user, application=application)
    application.refresh_from_db()
    assert application.status == A.SUBMITTED and application.ineligible_reasons == []
    assert AuditEntry.objects.filter(action="programmes.application.submitted").count() == 2


def test_one_of_rules_and_unanswered_questions_fail(cohort, lead):
    town = _question(cohort, Question.Kind.TEXT, label="Town")
    rule = calls.add_eligibility_rule(
        actor=lead,
        cohort=cohort,
        question=town,
        test=T.ONE_OF,
        value="Bashni\n Hodosy ",
        reason="Pilot villages",
    )
    user, application = _applicant(cohort)
    assert calls.failed_reasons(application) == ["Pilot villages"]
    calls.save_draft(user=user, application=application, answers={town: "  hodosy"})
    application.refresh_from_db()
    assert calls.failed_reasons(application) == []
    assert rule.test == T.ONE_OF


# --- Applications ---------------------------------------------------------------------------------------


def test_one_application_per_person_and_cohort(cohort):
    user, _application = _applicant(cohort)
    with pytest.raises(DomainError, match="already applied"):
        calls.start_application(user=user, cohort=cohort)


def test_no_application_outside_the_call():
    closed = CallCohortFactory(
        call_closes_at=timezone.now() - datetime.timedelta(minutes=1),
        call_opens_at=timezone.now() - datetime.timedelta(days=9),
    )
    with pytest.raises(DomainError, match="not open"):
        calls.start_application(user=UserFactory(), cohort=closed)
    draft = CallCohortFactory(published_at=None)
    with pytest.raises(DomainError, match="not open"):
        calls.start_application(user=UserFactory(), cohort=draft)


def test_after_the_deadline_submission_is_refused_and_the_draft_kept(cohort):
    """Removing the deadline check in ``submit_application`` turns this red (tried once)."""
    text = _question(cohort, Question.Kind.TEXT, label="Why", required=True)
    user, application = _applicant(cohort)
    calls.save_draft(user=user, application=application, answers={text: "Because"})
    later = cohort.call_closes_at + datetime.timedelta(seconds=1)
    with pytest.raises(DomainError, match="deadline has passed"):
        calls.submit_application(user=user, application=application, now=later)
    application.refresh_from_db()
    assert application.status == A.DRAFT
    assert application.response.answers.get().value == "Because"
    # The draft can still be saved after the deadline: nothing typed is lost.
    calls.save_draft(user=user, application=application, answers={text: "Because, still"})


def test_missing_answers_and_settlement_refuse_submission(cohort):
    text = _question(cohort, Question.Kind.TEXT, label="Why", required=True)
    user = UserFactory()
    application = calls.start_application(user=user, cohort=cohort)
    with pytest.raises(DomainError, match="Why") as exc:
        calls.submit_application(user=user, application=application)
    assert "settlement" in exc.value.message
    assert text.label == "Why"


def test_someone_else_cannot_save_submit_or_withdraw(cohort):
    _user, application = _applicant(cohort)
    other = UserFactory()
    for call in (calls.save_draft, calls.submit_application, calls.withdraw_application):
        with pytest.raises(DomainError, match="not your application"):
            call(user=other, application=application)


def test_partner_comes_from_the_applicants_country(cohort):
    """Settlement -> region -> country; none where the lead runs that country itself."""
    region = _armenia()
    partner = PartnerFactory(programme=cohort.programme, country=region.country)
    user, application = _applicant(cohort, region)
    assert application.partner == partner
    belarus_village = SettlementFactory()
    calls.save_draft(user=user, application=application, settlement=belarus_village)
    application.refresh_from_db()
    assert application.partner is None
    community = CommunityFactory(settlement=SettlementFactory(region=region))
    calls.save_draft(user=user, application=application, community=community)
    application.refresh_from_db()
    assert application.partner == partner and application.settlement == community.settlement


def test_withdraw_before_a_decision_only(cohort):
    user, application = _applicant(cohort)
    calls.withdraw_application(user=user, application=application)
    application.refresh_from_db()
    assert application.status == A.WITHDRAWN
    Application.objects.filter(pk=application.pk).update(status=A.ACCEPTED)
    with pytest.raises(DomainError, match="decision"):
        calls.withdraw_application(user=user, application=application)


# --- Review round ---------------------------------------------------------------------------------------


def test_the_review_round_holds_the_submitted_eligible_applications(cohort, lead):
    rubric = RubricFactory(organisation=cohort.programme.organisation)
    CriterionFactory(rubric=rubric)
    ok_user, ok = _applicant(cohort)
    calls.submit_application(user=ok_user, application=ok)
    _u, draft = _applicant(cohort)
    with pytest.raises(DomainError, match="still open"):
        calls.start_review(actor=lead, cohort=cohort, rubric=rubric)
    after = cohort.call_closes_at + datetime.timedelta(hours=1)
    round_ = calls.start_review(actor=lead, cohort=cohort, rubric=rubric, now=after)
    assert round_.purpose == "selection"
    assert [i.subject_key for i in round_.items.all()] == [ok.subject_key]
    with pytest.raises(DomainError, match="already started"):
        calls.start_review(actor=lead, cohort=cohort, rubric=rubric, now=after)


def test_personal_data_export_and_erasure(cohort):
    user, draft = _applicant(cohort)
    other = CallCohortFactory()
    submitted = calls.start_application(user=user, cohort=other)
    calls.submit_application(user=user, application=submitted)
    assert len(calls.export_applications(user.person)) == 2
    calls.erase_applications(user.person)
    assert not Application.objects.filter(pk=draft.pk).exists()
    submitted.refresh_from_db()
    assert submitted.settlement is None and submitted.status == A.SUBMITTED


def test_the_applicant_is_emailed_on_submission_with_the_reasons(
    cohort, lead, django_capture_on_commit_callbacks
):
    agree = _question(cohort, Question.Kind.CONSENT, label="Agree")
    calls.add_eligibility_rule(
        actor=lead, cohort=cohort, question=agree, test=T.CHECKED, reason="Consent needed"
    )
    user, application = _applicant(cohort)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        calls.submit_application(user=user, application=application)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert cohort.title in message.subject
    assert "Consent needed" in message.body
    assert str(application.public_id) in message.body
