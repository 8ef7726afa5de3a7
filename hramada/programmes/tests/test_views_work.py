"""Pages of the participant's community work: who sees what, the public survey link, forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.models import Country
from hramada.programmes import community_work as work
from hramada.programmes.models import ActionPlan, AlumniProfile, NeedRanking, Participant
from hramada.programmes.tests.factories import ParticipantFactory, PartnerFactory
from hramada.programmes.tests.test_community_work import assessment_with_needs, make_world, plan_with_activity
from hramada.questions.models import Question, Response

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def w():
    return make_world()


def login_as(client, w, who):
    """Log in as one of the roles; organisers with a session that passed two-factor."""
    if who == "anonymous":
        return
    if who == "lead":
        login_staff(client, member_of(w.cohort.programme.organisation, Role.MANAGER))
        return
    if who == "other_partner":
        org = OrganisationFactory()
        PartnerFactory(
            programme=w.cohort.programme,
            organisation=org,
            country=Country.objects.create(code="MD", name="Moldova"),
        )
        login_staff(client, member_of(org, Role.MANAGER))
        return
    client.force_login(getattr(w, who))


SEE = {"user": 200, "mentor_user": 200, "lead": 200}
HIDDEN = {"other_user": 404, "other_mentor_user": 404, "other_partner": 404, "anonymous": 404}


@pytest.mark.parametrize("who,status", [*SEE.items(), *HIDDEN.items()])
def test_private_needs_and_plan_pages(client, w, who, status):
    a, _ = assessment_with_needs(w, 2)
    plan = plan_with_activity(w)
    login_as(client, w, who)
    assert client.get(reverse("programmes:needs", args=[a.public_id])).status_code == status
    assert client.get(reverse("programmes:plan", args=[plan.public_id])).status_code == status


@pytest.mark.parametrize("who", list(HIDDEN))
def test_public_only_when_opted_in_and_without_comments(client, w, who):
    a, _ = assessment_with_needs(w, 2)
    plan = plan_with_activity(w, is_public=True)
    work.update_assessment(actor=w.user, assessment=a, is_public=True)
    work.submit_plan(actor=w.user, plan=plan)
    work.add_comment(actor=w.mentor_user, plan=plan, text="Private advice")
    login_as(client, w, who)
    assert client.get(reverse("programmes:needs", args=[a.public_id])).status_code == 200
    page = client.get(reverse("programmes:plan", args=[plan.public_id]))
    assert page.status_code == 200
    assert "Private advice" not in page.content.decode()


@pytest.mark.parametrize(
    "who,status",
    [("user", 200), ("mentor_user", 200), ("lead", 200), ("other_user", 404), ("anonymous", 302)],
)
def test_work_hub(client, w, who, status):
    login_as(client, w, who)
    assert client.get(reverse("programmes:work", args=[w.participant.public_id])).status_code == status


@pytest.mark.parametrize("who", ["mentor_user", "lead"])
def test_mentor_and_lead_cannot_edit(client, w, who):
    a, _ = assessment_with_needs(w, 2)
    login_as(client, w, who)
    assert client.get(reverse("programmes:needs_edit", args=[a.public_id])).status_code == 403
    assert (
        client.post(
            reverse("programmes:need_new", args=[a.public_id]), {"title": "X", "priority": 1}
        ).status_code
        == 403
    )
    assert client.get(reverse("programmes:survey_builder", args=[a.public_id])).status_code == 403


def test_participant_journey_through_the_pages(client, w):
    client.force_login(w.user)
    r = client.post(
        reverse("programmes:needs_new", args=[w.participant.public_id]),
        {"title": XSS, "community": w.participant.community.pk, "summary": "S"},
    )
    a = w.participant.assessments.get()
    assert r.status_code == 302
    for title in ("Playground", "Bus stop"):
        client.post(reverse("programmes:need_new", args=[a.public_id]), {"title": title, "priority": 1})
    r = client.post(
        reverse("programmes:survey_builder", args=[a.public_id]),
        {
            "kind": "choice",
            "label_en": "Age",
            "choices_en": "Young\nOld",
            "file_types": "pdf",
            "max_file_mb": 5,
        },
    )
    assert r.status_code == 302
    client.post(reverse("programmes:survey_state", args=[a.public_id]), {"state": "open"})
    a.refresh_from_db()
    assert a.survey_open
    page = client.get(reverse("programmes:needs", args=[a.public_id])).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    r = client.post(
        reverse("programmes:plan_new", args=[w.participant.public_id]),
        {
            "title": "Plan",
            "goals": "Goals",
            "residents_involved": 10,
            "volunteers_involved": 3,
            "needs": [n.pk for n in a.needs.all()],
        },
    )
    plan = w.participant.action_plans.get()
    assert r.status_code == 302 and plan.needs.count() == 2
    client.post(
        reverse("programmes:activity_new", args=[plan.public_id]),
        {"title": "Clean-up", "starts_on": "2026-05-01"},
    )
    client.post(
        reverse("programmes:resource_new", args=[plan.public_id]),
        {"kind": "money", "description": "Paint", "amount": "100", "currency": "BYN", "source": "sponsor"},
    )
    assert client.post(reverse("programmes:plan_submit", args=[plan.public_id])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED and plan.resources.count() == 1
    assert client.get(reverse("programmes:plan", args=[plan.public_id])).status_code == 200
    assert client.get(reverse("programmes:work", args=[w.participant.public_id])).status_code == 200


def test_a_survey_builder_offers_no_file_questions(client, w):
    a, _ = assessment_with_needs(w, 2)
    client.force_login(w.user)
    page = client.get(reverse("programmes:survey_builder", args=[a.public_id])).content.decode()
    assert 'value="file"' not in page
    r = client.post(
        reverse("programmes:survey_builder", args=[a.public_id]),
        {"kind": "file", "label_en": "CV", "file_types": "pdf", "max_file_mb": 5},
    )
    assert r.status_code == 200 and not Question.objects.exists()


# --- The public survey link --------------------------------------------------------------------------


def open_survey(w):
    a, needs = assessment_with_needs(w, 3)
    q = work.save_survey_question(
        actor=w.user, assessment=a, kind="choice", label="Age", choices="Young\nOld"
    )
    work.open_survey(actor=w.user, assessment=a)
    return a, needs, q


def answer(client, a, needs, q, ranks=(1, 2, None), **extra):
    data = {f"q_{q.pk}": "0", **extra}
    for need, rank in zip(needs, ranks, strict=False):
        data[f"rank_{need.public_id}"] = "" if rank is None else str(rank)
    return client.post(reverse("programmes:survey", args=[a.survey_token]), data, REMOTE_ADDR="203.0.113.5")


def test_a_resident_answers_without_logging_in(client, w):
    a, needs, q = open_survey(w)
    assert client.get(reverse("programmes:survey", args=[a.survey_token])).status_code == 200
    r = answer(client, a, needs, q)
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    assert Response.objects.get().person is None
    assert NeedRanking.objects.count() == 2


def test_a_bad_ranking_is_a_clear_400(client, w):
    a, needs, q = open_survey(w)
    r = answer(client, a, needs, q, ranks=(1, 1, None))
    assert r.status_code == 400 and "different number" in r.content.decode()
    assert not Response.objects.exists()


def test_a_closed_survey_says_so(client, w):
    a, needs, q = open_survey(w)
    work.close_survey(actor=w.user, assessment=a)
    assert "closed" in client.get(reverse("programmes:survey", args=[a.survey_token])).content.decode()
    assert answer(client, a, needs, q).status_code == 409
    assert not Response.objects.exists()


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client, w):
    a, needs, q = open_survey(w)
    r = answer(client, a, needs, q, website="http://spam.example")
    assert r.status_code == 200 and not Response.objects.exists()


def test_too_many_answers_from_one_network_is_429(client, w, settings):
    settings.SURVEY_ANSWERS_PER_NETWORK_HOUR = 1
    a, needs, q = open_survey(w)
    assert answer(client, a, needs, q).status_code == 200
    r = answer(client, a, needs, q)
    assert r.status_code == 429 and "Too many answers" in r.content.decode()


def test_an_unknown_survey_token_is_404(client):
    assert client.get(reverse("programmes:survey", args=["nope"])).status_code == 404


# --- Photos, events, comments ------------------------------------------------------------------------


def test_activity_to_event_button_for_the_lead_only(client, w):
    plan = plan_with_activity(w)
    activity = plan.activities.get()
    client.force_login(w.mentor_user)
    r = client.post(reverse("programmes:activity_event", args=[plan.public_id, activity.public_id]))
    assert r.status_code == 302
    activity.refresh_from_db()
    assert activity.event is None
    login_as(client, w, "lead")
    assert (
        "Make it an event" in client.get(reverse("programmes:plan", args=[plan.public_id])).content.decode()
    )
    client.post(reverse("programmes:activity_event", args=[plan.public_id, activity.public_id]))
    activity.refresh_from_db()
    assert activity.event is not None


def test_mentor_comments_through_the_page(client, w):
    plan = plan_with_activity(w)
    client.force_login(w.mentor_user)
    client.post(reverse("programmes:comment_new", args=[plan.public_id]), {"text": XSS})
    page = client.get(reverse("programmes:plan", args=[plan.public_id])).content.decode()
    assert plan.mentor_comments.count() == 1 and XSS not in page


def test_update_photo_is_sent_only_to_those_who_see_the_plan(client, w):
    from hramada.programmes.tests.test_community_work import _jpeg_with_exif

    plan = plan_with_activity(w)
    work.submit_plan(actor=w.user, plan=plan)
    client.force_login(w.user)
    r = client.post(
        reverse("programmes:update_new", args=[plan.public_id]),
        {"text": "Day one", "photo": _jpeg_with_exif()},
    )
    assert r.status_code == 302
    update = plan.updates.get()
    url = reverse("programmes:update_photo", args=[plan.public_id, update.public_id])
    assert client.get(url).status_code == 200
    client.force_login(w.other_user)
    assert client.get(url).status_code == 404


# --- Alumni and the organisers' overview --------------------------------------------------------------


def test_alumni_page_lists_opted_in_completed_people_in_constant_queries(client, w):
    Participant.objects.filter(cohort=w.cohort).update(status=Participant.Status.COMPLETED)
    work.save_alumni_profile(actor=w.user, listed=True, works_at=XSS)
    url = reverse("programmes:alumni", args=[w.cohort.programme.slug])
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert w.user.person.display_name in page and XSS not in page
    assert "2 leaders completed the programme in 1 year." in page  # both participants completed
    for _ in range(5):
        u = UserFactory()
        ParticipantFactory(cohort=w.cohort, person=u.person, status=Participant.Status.COMPLETED)
        work.save_alumni_profile(actor=u, listed=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_alumni_profile_page(client, w):
    client.force_login(w.user)
    assert client.get(reverse("programmes:alumni_profile")).status_code == 200
    client.post(reverse("programmes:alumni_profile"), {"listed": "on", "works_at": "School"})
    assert AlumniProfile.objects.get().works_at == "School"
    client.force_login(UserFactory())
    r = client.post(reverse("programmes:alumni_profile"), {"listed": "on"})
    assert r.status_code == 400 and AlumniProfile.objects.count() == 1  # not a participant: refused, said


@pytest.mark.parametrize("who,status", [("lead", 200), ("mentor_user", 302), ("user", 302)])
def test_organisers_overview(client, w, who, status):
    assessment_with_needs(w, 1)
    login_as(client, w, who)
    url = reverse("programmes:cohort_work", args=[w.cohort.programme.slug, w.cohort.slug])
    assert client.get(url).status_code == status


def test_community_page_shows_public_work(client, w):
    a, _ = assessment_with_needs(w, 1)
    work.update_assessment(actor=w.user, assessment=a, is_public=True)
    community = w.participant.community
    community.is_published = True
    community.save()
    page = client.get(reverse("places:community", args=[community.slug]))
    assert page.status_code == 200 and "Bashni needs" in page.content.decode()


def test_the_participant_deletes_an_update_and_its_photo(client, w, django_capture_on_commit_callbacks):
    from hramada.core.storage import open_stored
    from hramada.programmes.tests.test_community_work import _jpeg_with_exif

    plan = plan_with_activity(w)
    work.submit_plan(actor=w.user, plan=plan)
    client.force_login(w.user)
    client.post(
        reverse("programmes:update_new", args=[plan.public_id]),
        {"text": "Day one", "photo": _jpeg_with_exif()},
    )
    update = plan.updates.get()
    name = update.photo.name
    url = reverse("programmes:update_delete", args=[plan.public_id, update.public_id])
    client.force_login(w.mentor_user)
    assert client.post(url).status_code == 403
    client.force_login(w.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not plan.updates.exists()
    assert open_stored(name) is None


# --- Links between the pages ------------------------------------------------------------------------


def test_programme_page_states_the_alumni_figure_and_links_the_directory(client, w):
    url = reverse("programmes:programme", args=[w.cohort.programme.slug])
    alumni = reverse("programmes:alumni", args=[w.cohort.programme.slug])
    assert alumni not in client.get(url).content.decode()  # nobody has completed yet: no figure
    Participant.objects.filter(pk=w.participant.pk).update(status=Participant.Status.COMPLETED)
    page = client.get(url).content.decode()
    assert "1 leader completed the programme in 1 year." in page and alumni in page


def test_cohort_page_lists_public_submitted_plans_only(client, w):
    shown = plan_with_activity(w, is_public=True)
    work.submit_plan(actor=w.user, plan=shown)
    draft = work.create_plan(
        actor=w.user, participant=w.participant, title="Draft plan", goals="More", is_public=True
    )
    url = reverse("programmes:cohort", args=[w.cohort.programme.slug, w.cohort.slug])
    page = client.get(url).content.decode()
    assert reverse("programmes:plan", args=[shown.public_id]) in page
    assert reverse("programmes:plan", args=[draft.public_id]) not in page
    ActionPlan.objects.filter(pk=shown.pk).update(is_public=False)
    assert "Action plans" not in client.get(url).content.decode()


def test_my_programmes_links_to_own_work_and_mentees_work(client, w):
    client.force_login(w.user)
    page = client.get(reverse("programmes:my_programmes")).content.decode()
    assert reverse("programmes:work", args=[w.participant.public_id]) in page
    client.force_login(w.mentor_user)
    page = client.get(reverse("programmes:my_programmes")).content.decode()
    assert reverse("programmes:work", args=[w.participant.public_id]) in page


def test_cohort_management_page_links_call_selection_and_community_work(client, w):
    login_as(client, w, "lead")
    args = [w.cohort.programme.slug, w.cohort.slug]
    page = client.get(reverse("programmes:cohort_manage", args=args)).content.decode()
    for name in ("call_manage", "selection", "cohort_work", "cohort"):
        assert reverse(f"programmes:{name}", args=args) in page


# --- A need cites a local issue ---------------------------------------------------------------------


def test_a_need_cites_a_published_local_issue_by_its_address(client, w):
    from hramada.local_issues.tests.factories import IssueFactory

    a, (need,) = assessment_with_needs(w, 1)
    issue = IssueFactory(community=w.participant.community, title="No bus on Sundays")
    hidden = IssueFactory(community=w.participant.community, published_at=None, status="waiting")
    client.force_login(w.user)
    url = reverse("programmes:need_edit", args=[a.public_id, need.public_id])
    data = {"title": need.title, "priority": 1}
    refused = client.post(url, {**data, "local_issue_key": hidden.public_id})
    assert refused.status_code == 400 and "No published local issue" in refused.content.decode()
    pasted = f"https://hramada.example.org/be/issues/{issue.public_id}/"
    assert client.post(url, {**data, "local_issue_key": pasted}).status_code == 302
    need.refresh_from_db()
    assert need.local_issue_key == issue.public_id
    page = client.get(reverse("programmes:needs", args=[a.public_id])).content.decode()
    assert reverse("local_issues:detail", args=[issue.public_id]) in page and "No bus on Sundays" in page


def test_plan_page_with_the_update_and_comment_forms_has_unique_ids(client, w):
    """Both forms have a "text" field; the page is for someone who may post an update and comment, and
    each label must lead to its own box (a repeated id sent a screen reader to the wrong one)."""
    from lxml import html

    plan = plan_with_activity(w)
    work.submit_plan(actor=w.user, plan=plan)
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))
    doc = html.fromstring(client.get(reverse("programmes:plan", args=[plan.public_id])).content)
    assert doc.xpath("//textarea[@name='text']"), "the page has no update or comment box"
    boxes = doc.xpath("//form[.//textarea[@name='text']]")
    assert len(boxes) == 2, "expected both the update and the comment form"
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for form in boxes:
        box = form.xpath(".//textarea[@name='text']")[0]
        assert form.xpath(f".//label[@for='{box.get('id')}']")
