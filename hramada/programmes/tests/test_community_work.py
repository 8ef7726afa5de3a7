"""The participant's community work: needs assessments, the residents' survey and its ranking, action
plans, mentor comments, alumni, personal data."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hramada.core.errors import DomainError
from hramada.core.images import validate_image
from hramada.core.models import AuditEntry
from hramada.events.models import Event
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people import services as people_services
from hramada.people.tests.factories import UserFactory
from hramada.places.models import Country
from hramada.places.tests.factories import CommunityFactory
from hramada.programmes import community_work as work
from hramada.programmes import selectors
from hramada.programmes.models import (
    ActionPlan,
    AlumniProfile,
    NeedRanking,
    Participant,
    PlanResource,
)
from hramada.programmes.tests.factories import (
    CohortFactory,
    MentorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
)
from hramada.questions.models import Question, Response

pytestmark = pytest.mark.django_db


def organiser(org, role=Role.MANAGER):
    user = member_of(org, role)
    user.two_factor_passed = True  # as the middleware marks a session that typed its code
    return user


@dataclass
class World:
    cohort: object
    participant: Participant
    user: object  # the participant's login
    mentor_user: object
    lead: object
    other_user: object  # another participant of the same cohort
    other_mentor_user: object


def make_world(*, partner=None) -> World:
    cohort = CohortFactory()
    mentor_user, other_mentor_user, user, other_user = (
        UserFactory(),
        UserFactory(),
        UserFactory(),
        UserFactory(),
    )
    mentor = MentorFactory(cohort=cohort, person=mentor_user.person)
    other_mentor = MentorFactory(cohort=cohort, person=other_mentor_user.person)
    participant = ParticipantFactory(
        cohort=cohort, person=user.person, community=CommunityFactory(), mentor=mentor, partner=partner
    )
    ParticipantFactory(
        cohort=cohort, person=other_user.person, community=CommunityFactory(), mentor=other_mentor
    )
    return World(
        cohort=cohort,
        participant=participant,
        user=user,
        mentor_user=mentor_user,
        lead=organiser(cohort.programme.organisation),
        other_user=other_user,
        other_mentor_user=other_mentor_user,
    )


@pytest.fixture
def w():
    return make_world()


def assessment_with_needs(w, n=3, **values):
    a = work.create_assessment(actor=w.user, participant=w.participant, title="Bashni needs", **values)
    needs = [work.save_need(actor=w.user, assessment=a, title=f"Need {i}") for i in range(1, n + 1)]
    return a, needs


def plan_with_activity(w, **values):
    plan = work.create_plan(
        actor=w.user, participant=w.participant, title="Plan", goals="A playground", **values
    )
    work.save_activity(actor=w.user, plan=plan, title="Clean-up day", starts_on=date(2026, 5, 1))
    return plan


# --- Needs assessment ---------------------------------------------------------------------------------


def test_participant_writes_an_assessment_in_their_community_audited(w):
    a, needs = assessment_with_needs(w, 2)
    assert a.community == w.participant.community
    assert [n.priority for n in needs] == [1, 2]
    assert AuditEntry.objects.filter(action="programmes.assessment.created").count() == 1
    assert AuditEntry.objects.filter(action="programmes.need.added").count() == 2


@pytest.mark.parametrize("who", ["other_user", "mentor_user", "lead", "other_mentor_user"])
def test_only_the_participant_writes_their_assessment(w, who):
    with pytest.raises(DomainError):
        work.create_assessment(actor=getattr(w, who), participant=w.participant, title="X")
    a, _ = assessment_with_needs(w, 1)
    with pytest.raises(DomainError):
        work.save_need(actor=getattr(w, who), assessment=a, title="Y")


def test_a_participant_who_left_can_no_longer_change_their_work(w):
    a, _ = assessment_with_needs(w, 1)
    Participant.objects.filter(pk=w.participant.pk).update(status=Participant.Status.LEFT)
    a.participant.refresh_from_db()
    with pytest.raises(DomainError, match="left the programme"):
        work.save_need(actor=w.user, assessment=a, title="Y")


def test_assessment_needs_a_title(w):
    with pytest.raises(DomainError) as exc:
        work.create_assessment(actor=w.user, participant=w.participant, title="  ")
    assert exc.value.field == "title"


# --- Who sees what ------------------------------------------------------------------------------------


def test_view_permissions_of_an_assessment(w):
    a, _ = assessment_with_needs(w, 1)
    partner_org = OrganisationFactory()
    PartnerFactory(
        programme=w.cohort.programme,
        organisation=partner_org,
        country=Country.objects.create(code="MD", name="Moldova"),
    )
    other_country_partner = organiser(partner_org)
    from django.contrib.auth.models import AnonymousUser

    can = {
        "participant": w.user,
        "mentor": w.mentor_user,
        "lead": w.lead,
    }
    cannot = {
        "other participant": w.other_user,
        "other mentor": w.other_mentor_user,
        "partner of another country": other_country_partner,
        "anonymous": AnonymousUser(),
    }
    for name, user in can.items():
        assert user.has_perm("programmes.view_community_work", a), name
    for name, user in cannot.items():
        assert not user.has_perm("programmes.view_community_work", a), name
    work.update_assessment(actor=w.user, assessment=a, is_public=True)
    for name, user in cannot.items():
        assert user.has_perm("programmes.view_community_work", a), name
        assert not user.has_perm("programmes.follow_community_work", a), name


def test_a_partner_sees_its_own_countrys_participants_work():
    partner = PartnerFactory(country=Country.objects.create(code="AM", name="Armenia"))
    w = make_world(partner=partner)
    Participant.objects.filter(pk=w.participant.pk).update(partner=partner)
    partner.programme = w.cohort.programme
    partner.save()
    w.participant.refresh_from_db()
    a, _ = assessment_with_needs(w, 1)
    assert organiser(partner.organisation).has_perm("programmes.view_community_work", a)


def test_a_public_plan_is_shown_only_once_submitted(w):
    """Opting in shows nothing while the plan is a draft (red without ``status != draft`` in the rule)."""
    from django.contrib.auth.models import AnonymousUser

    plan = plan_with_activity(w, is_public=True)
    assert not AnonymousUser().has_perm("programmes.view_community_work", plan)
    work.submit_plan(actor=w.user, plan=plan)
    plan.refresh_from_db()
    assert AnonymousUser().has_perm("programmes.view_community_work", plan)


# --- The residents' survey ------------------------------------------------------------------------------


def open_survey_with_question(w, n_needs=3):
    a, needs = assessment_with_needs(w, n_needs)
    q = work.save_survey_question(
        actor=w.user, assessment=a, kind=Question.Kind.CHOICE, label="Age", choices="Young\nOld"
    )
    work.open_survey(actor=w.user, assessment=a)
    a.refresh_from_db()
    return a, needs, q


def test_survey_builds_on_a_questions_form_of_the_programme_organisation(w):
    a, _, q = open_survey_with_question(w)
    assert a.survey_form.organisation == w.cohort.programme.organisation
    assert q.form == a.survey_form


def test_a_survey_asks_no_files(w):
    a, _ = assessment_with_needs(w, 2)
    with pytest.raises(DomainError) as exc:
        work.save_survey_question(actor=w.user, assessment=a, kind=Question.Kind.FILE, label="Your CV")
    assert exc.value.field == "kind"


def test_a_survey_needs_something_to_ask_before_opening(w):
    a, _ = assessment_with_needs(w, 1)
    with pytest.raises(DomainError):
        work.open_survey(actor=w.user, assessment=a)
    work.save_need(actor=w.user, assessment=a, title="Second")
    work.open_survey(actor=w.user, assessment=a)


def test_only_the_participant_opens_the_survey(w):
    a, _ = assessment_with_needs(w, 2)
    with pytest.raises(DomainError):
        work.open_survey(actor=w.mentor_user, assessment=a)


def test_a_resident_answers_and_ranks_anonymously(w):
    a, needs, q = open_survey_with_question(w)
    result = work.answer_survey(
        assessment=a, answers={q: 1}, ranking={needs[2]: 1, needs[0]: 2}, network_key="n1"
    )
    assert result.accepted
    response = Response.objects.get(form=a.survey_form)
    assert response.person is None
    assert NeedRanking.objects.filter(response=response).count() == 2
    assert len(set(NeedRanking.objects.values_list("ballot", flat=True))) == 1
    assert AuditEntry.objects.filter(action="programmes.survey.answered", actor__isnull=True).count() == 1


def test_a_closed_survey_refuses_answers(w):
    a, needs, q = open_survey_with_question(w)
    work.close_survey(actor=w.user, assessment=a)
    with pytest.raises(DomainError, match="closed"):
        work.answer_survey(assessment=a, answers={q: 0}, ranking={}, network_key="n1")
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "ranks",
    [[1, 1], [2, 3], [0, 1], [1, 3]],
    ids=["duplicate", "no first", "zero", "gap"],
)
def test_an_invalid_ranking_is_refused(w, ranks):
    a, needs, q = open_survey_with_question(w)
    ranking = dict(zip(needs, ranks, strict=False))
    with pytest.raises(DomainError) as exc:
        work.answer_survey(assessment=a, answers={}, ranking=ranking, network_key="n1")
    assert exc.value.field == "ranking"
    assert not NeedRanking.objects.exists()


def test_a_ranking_naming_another_assessments_need_is_refused(w):
    a, needs, q = open_survey_with_question(w)
    b, other_needs = assessment_with_needs(w, 1)
    with pytest.raises(DomainError):
        work.answer_survey(assessment=a, answers={}, ranking={other_needs[0]: 1}, network_key="n1")


def test_an_empty_answer_is_refused(w):
    a, needs, q = open_survey_with_question(w)
    with pytest.raises(DomainError):
        work.answer_survey(assessment=a, answers={q: None}, ranking={}, network_key="n1")


def test_the_honeypot_drops_the_answer_silently(w):
    a, needs, q = open_survey_with_question(w)
    result = work.answer_survey(
        assessment=a, answers={q: 0}, ranking={needs[0]: 1}, network_key="n1", honeypot="http://spam"
    )
    assert not result.accepted
    assert not Response.objects.exists() and not NeedRanking.objects.exists()


def test_answers_are_limited_per_network_and_hour(w, settings):
    """Red without the limit: the third answer would be stored."""
    settings.SURVEY_ANSWERS_PER_NETWORK_HOUR = 2
    a, needs, q = open_survey_with_question(w)
    for _ in range(2):
        work.answer_survey(assessment=a, answers={q: 0}, ranking={}, network_key="net-a")
    with pytest.raises(DomainError) as exc:
        work.answer_survey(assessment=a, answers={q: 0}, ranking={}, network_key="net-a")
    assert exc.value.field == "rate"
    work.answer_survey(assessment=a, answers={q: 0}, ranking={}, network_key="net-b")  # another network
    assert Response.objects.count() == 3


def test_the_network_key_is_a_hash_of_the_prefix_never_the_address(w):
    a, _ = assessment_with_needs(w, 2)
    k1 = work.survey_network_key("203.0.113.7", a)
    assert k1 == work.survey_network_key("203.0.113.200", a)  # same /24
    assert k1 != work.survey_network_key("198.51.100.7", a)
    assert "203.0.113" not in k1 and len(k1) == 64
    assert work.survey_network_key("not an address", a) == ""


def test_needs_ordered_by_borda_count_with_respondents(w):
    a, (n1, n2, n3), q = open_survey_with_question(w)
    # Three needs: place 1 earns 3 points, place 2 earns 2, place 3 earns 1, unranked 0.
    work.answer_survey(assessment=a, answers={}, ranking={n3: 1, n1: 2}, network_key="a")  # n3 3, n1 2
    work.answer_survey(
        assessment=a, answers={}, ranking={n3: 1, n2: 2, n1: 3}, network_key="a"
    )  # n3 3, n2 2, n1 1
    work.answer_survey(assessment=a, answers={q: 0}, ranking={n2: 1}, network_key="a")  # n2 3
    result = selectors.needs_ranking(a)
    assert [(r["need"], r["points"]) for r in result["rows"]] == [(n3, 6), (n2, 5), (n1, 3)]
    assert result["ballots"] == 3 and result["respondents"] == 3
    assert result["rows"][0]["first_choice"] == 2 and result["rows"][0]["mean_place"] == 1.0


def test_survey_results_hide_written_answers_from_the_public(w):
    a, needs, q = open_survey_with_question(w)
    text = work.save_survey_question(
        actor=w.user, assessment=a, kind=Question.Kind.TEXT, label="Anything else?"
    )
    work.answer_survey(assessment=a, answers={q: 0, text: "My neighbour Ivan"}, ranking={}, network_key="a")
    private = selectors.survey_results(a, with_texts=True)
    public = selectors.survey_results(a, with_texts=False)
    assert private["items"][1]["texts"] == ["My neighbour Ivan"]
    assert "texts" not in public["items"][1]
    assert public["items"][0]["options"] == [("Young", 1), ("Old", 0)]


# --- Action plans -------------------------------------------------------------------------------------


def test_plan_links_only_the_participants_own_needs(w):
    a, needs = assessment_with_needs(w, 2)
    plan = work.create_plan(
        actor=w.user, participant=w.participant, title="P", goals="G", assessment=a, needs=needs
    )
    assert set(plan.needs.all()) == set(needs)
    w2 = make_world()
    b, other_needs = assessment_with_needs(w2, 1)
    with pytest.raises(DomainError):
        work.update_plan(actor=w.user, plan=plan, needs=other_needs)
    with pytest.raises(DomainError):
        work.update_plan(actor=w.user, plan=plan, assessment=b)


def test_submit_needs_an_activity_and_happens_once(w):
    plan = work.create_plan(actor=w.user, participant=w.participant, title="P", goals="G")
    with pytest.raises(DomainError, match="activity"):
        work.submit_plan(actor=w.user, plan=plan)
    work.save_activity(actor=w.user, plan=plan, title="Meeting", starts_on=date(2026, 4, 1))
    plan = work.submit_plan(actor=w.user, plan=plan)
    assert plan.status == ActionPlan.Status.SUBMITTED and plan.submitted_at
    with pytest.raises(DomainError):
        work.submit_plan(actor=w.user, plan=plan)
    assert AuditEntry.objects.filter(action="programmes.plan.submitted").count() == 1


@pytest.mark.parametrize("who", ["mentor_user", "lead", "other_user"])
def test_only_the_participant_submits(w, who):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError):
        work.submit_plan(actor=getattr(w, who), plan=plan)


def test_activity_dates_in_order(w):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError) as exc:
        work.save_activity(
            actor=w.user, plan=plan, title="X", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 1)
        )
    assert exc.value.field == "ends_on"


def test_status_moves_forward_after_submission(w):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError):
        work.set_plan_status(actor=w.user, plan=plan, status=ActionPlan.Status.DONE)
    work.submit_plan(actor=w.user, plan=plan)
    assert work.set_plan_status(actor=w.user, plan=plan, status="under_way").status == "under_way"
    assert work.set_plan_status(actor=w.user, plan=plan, status="done").status == "done"
    with pytest.raises(DomainError):
        work.set_plan_status(actor=w.user, plan=plan, status="draft")


def test_resources_and_their_sources(w):
    plan = plan_with_activity(w)
    r = work.add_resource(
        actor=w.user,
        plan=plan,
        kind="money",
        description="Paint",
        amount=300,
        source="contest",
        source_note="Social Weekend",
    )
    assert r.public_id and PlanResource.objects.count() == 1
    with pytest.raises(DomainError):
        work.add_resource(actor=w.user, plan=plan, kind="money", description="X", amount=-1, source="sponsor")
    with pytest.raises(DomainError):
        work.delete_resource(actor=w.mentor_user, resource=r)
    work.delete_resource(actor=w.user, resource=r)
    assert not PlanResource.objects.exists()


def _jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_updates_after_submission_with_photos_stripped_and_private(w, settings):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError):
        work.add_update(actor=w.user, plan=plan, text="Started")
    work.submit_plan(actor=w.user, plan=plan)
    update = work.add_update(actor=w.user, plan=plan, text="Started", photo=validate_image(_jpeg_with_exif()))
    assert str(settings.PRIVATE_MEDIA_ROOT) in update.photo.path
    with Image.open(update.photo.path) as stored:
        assert not stored.getexif()


def test_mentor_and_organisers_comment_and_the_participant_is_emailed_in_their_language(
    w, django_capture_on_commit_callbacks
):
    plan = plan_with_activity(w)
    person = w.participant.person
    person.preferred_language = "ru"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        work.add_comment(actor=w.mentor_user, plan=plan, text="Good start")
        work.add_comment(actor=w.lead, plan=plan, text="Budget?")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == [person.email]
    assert "Good start" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["user", "other_user", "other_mentor_user"])
def test_others_cannot_comment(w, who):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError):
        work.add_comment(actor=getattr(w, who), plan=plan, text="Hi")


def test_an_organiser_makes_an_activity_a_draft_event_linked_back(w):
    plan = plan_with_activity(w)
    activity = plan.activities.get()
    event = work.activity_to_event(actor=w.lead, activity=activity)
    activity.refresh_from_db()
    assert activity.event == event and event.status == Event.Status.DRAFT
    assert (
        event.organisation == w.cohort.programme.organisation and event.community == w.participant.community
    )
    with pytest.raises(DomainError, match="already"):
        work.activity_to_event(actor=w.lead, activity=activity)


@pytest.mark.parametrize("who", ["user", "mentor_user"])
def test_participant_and_mentor_cannot_create_events(w, who):
    plan = plan_with_activity(w)
    with pytest.raises(DomainError):
        work.activity_to_event(actor=getattr(w, who), activity=plan.activities.get())
    assert not Event.objects.exists()


# --- Alumni and figures ---------------------------------------------------------------------------------


def test_alumni_directory_lists_only_opted_in_people_who_completed(w):
    completed_user = w.user
    Participant.objects.filter(pk=w.participant.pk).update(status=Participant.Status.COMPLETED)
    work.save_alumni_profile(actor=completed_user, listed=True, works_at="Village council", works_on="Sport")
    work.save_alumni_profile(actor=w.other_user, listed=True)  # active, not completed
    not_listed = UserFactory()
    ParticipantFactory(cohort=w.cohort, person=not_listed.person, status=Participant.Status.COMPLETED)
    work.save_alumni_profile(actor=not_listed, listed=False)
    profiles = list(selectors.alumni_directory(w.cohort.programme))
    assert [p.person for p in profiles] == [completed_user.person]
    assert [p.cohort for p in profiles[0].person.alumni_participations] == [w.cohort]


def test_alumni_profile_only_for_participants():
    with pytest.raises(DomainError):
        work.save_alumni_profile(actor=UserFactory(), listed=True)


def test_programme_figures_count_distinct_people_over_years():
    programme = ProgrammeFactory()
    c1, c2, c3 = (CohortFactory(programme=programme, year=y) for y in (2014, 2015, 2016))
    twice = UserFactory().person
    ParticipantFactory(cohort=c1, person=twice, status=Participant.Status.COMPLETED)
    ParticipantFactory(cohort=c3, person=twice, status=Participant.Status.COMPLETED)
    ParticipantFactory(cohort=c2, status=Participant.Status.COMPLETED)
    ParticipantFactory(cohort=c2, status=Participant.Status.ACTIVE)
    ParticipantFactory(cohort=c3, status=Participant.Status.LEFT)
    figures = selectors.programme_figures(programme)
    assert figures["leaders"] == 2 and figures["years"] == 3
    assert selectors.programme_figures(ProgrammeFactory())["years"] == 0


def test_community_page_shows_only_public_work(w):
    a, _ = assessment_with_needs(w, 1)
    plan = plan_with_activity(w, is_public=True)
    community = w.participant.community
    assert selectors.community_work_section(community) is None
    work.update_assessment(actor=w.user, assessment=a, is_public=True)
    work.submit_plan(actor=w.user, plan=plan)
    items = selectors.community_work_section(community)["items"]
    assert [i["object"] for i in items] == [a, plan]


# --- Personal data --------------------------------------------------------------------------------------


def test_export_and_erasure(w):
    a, _ = assessment_with_needs(w, 1)
    draft = work.create_plan(actor=w.user, participant=w.participant, title="Draft", goals="G")
    submitted = plan_with_activity(w, is_public=True)
    work.submit_plan(actor=w.user, plan=submitted)
    work.add_comment(actor=w.mentor_user, plan=submitted, text="Nice")
    work.save_alumni_profile(actor=w.user, listed=True, works_at="School")
    data = work.export_community_work(w.user.person)
    assert data["needs_assessments"][0]["title"] == "Bashni needs"
    assert {p["title"] for p in data["action_plans"]} == {"Draft", "Plan"}
    assert data["alumni_profile"]["works_at"] == "School"
    assert work.export_community_work(w.mentor_user.person)["comments_on_plans"][0]["text"] == "Nice"
    people_services.erase_account(user=w.user)
    assert not AlumniProfile.objects.exists()
    assert not ActionPlan.objects.filter(pk=draft.pk).exists()
    submitted.refresh_from_db()
    assert submitted.is_public and submitted.participant.person.display_name == "Former participant"
