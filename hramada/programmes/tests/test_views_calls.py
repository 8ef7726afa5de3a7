"""Pages of calls and applications: the organiser's path from a new programme to an open call, the
applicant's draft, autosave, submission and withdrawal, the application list with partner scoping,
the CSV export and the reviewer's read access."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.core.tests.helpers import enrol_totp, pass_second_factor
from hramada.core.twofactor import has_totp
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CountryFactory, RegionFactory, SettlementFactory
from hramada.programmes import calls
from hramada.programmes.models import Application, Cohort, Programme
from hramada.programmes.tests.factories import ApplicationFactory, CallCohortFactory, PartnerFactory
from hramada.questions.models import Question
from hramada.reviews.tests.factories import AssignmentFactory, ItemFactory, ReviewerFactory, RoundFactory

pytestmark = pytest.mark.django_db


def organiser_login(client, user):
    if not has_totp(user):
        enrol_totp(user)
    client.force_login(user)
    pass_second_factor(client, user)
    user.two_factor_passed = True
    return user


def test_lead_creates_a_programme_a_cohort_and_opens_the_call(client):
    org = OrganisationFactory()
    lead = organiser_login(client, member_of(org, Role.MANAGER))
    response = client.post(
        reverse("programmes:programme_new", args=[org.slug]),
        {"slug": "leaders", "title_be": "Лідары", "summary_en": "Local leaders"},
    )
    assert response.status_code == 302, response.content
    programme = Programme.objects.get(slug="leaders")
    # A draft: 404 to everyone else.
    client.logout()
    assert client.get(reverse("programmes:programme", args=["leaders"])).status_code == 404
    organiser_login(client, lead)
    assert client.get(reverse("programmes:programme", args=["leaders"])).status_code == 200
    client.post(reverse("programmes:programme_publish", args=["leaders"]))
    now = timezone.localtime()
    response = client.post(
        reverse("programmes:cohort_new", args=["leaders"]),
        {
            "slug": "y2026",
            "title_en": "2026",
            "starts_on": "2027-01-10",
            "ends_on": "2027-11-30",
            "call_opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "call_closes_at": (now + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "min_attendance_percent": "80",
            "requires_action_plan": "on",
        },
    )
    assert response.status_code == 302, response.content
    cohort = Cohort.objects.get(programme=programme, slug="y2026")
    assert cohort.application_form is not None
    assert client.get(reverse("programmes:call_manage", args=["leaders", "y2026"])).status_code == 200
    client.post(reverse("programmes:cohort_publish", args=["leaders", "y2026"]))
    cohort.refresh_from_db()
    assert cohort.published_at is not None
    client.logout()
    page = client.get(reverse("programmes:cohort", args=["leaders", "y2026"]))
    assert page.status_code == 200 and "Sign in to apply" in page.content.decode()


def test_a_bad_cohort_form_is_a_400_with_the_reason(client):
    cohort = CallCohortFactory()
    organiser_login(client, member_of(cohort.programme.organisation, Role.MANAGER))
    response = client.post(
        reverse("programmes:cohort_new", args=[cohort.programme.slug]),
        {
            "slug": "x",
            "title_en": "X",
            "starts_on": "2027-02-01",
            "ends_on": "2027-01-01",
            "min_attendance_percent": "80",
        },
    )
    assert response.status_code == 400
    assert "must end on or after" in response.content.decode()


def test_an_applicant_applies_saves_as_they_type_and_submits(client):
    cohort = CallCohortFactory()
    question = Question.objects.create(
        form=cohort.application_form, kind="text", label="Why you", required=True
    )
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("programmes:apply", args=[cohort.programme.slug, cohort.slug]))
    application = Application.objects.get(person=user.person)
    assert response.url == reverse("programmes:application", args=[application.public_id])
    settlement = SettlementFactory()
    autosave = client.post(
        reverse("programmes:application_autosave", args=[application.public_id]),
        {"settlement": settlement.pk, f"q_{question.pk}": "I lead"},
    )
    assert "Saved at" in autosave.content.decode()
    application.refresh_from_db()
    assert application.settlement == settlement
    assert application.response.answers.get().value == "I lead"
    response = client.post(
        reverse("programmes:application", args=[application.public_id]),
        {"settlement": settlement.pk, f"q_{question.pk}": "I lead", "submit": "1"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    mine = client.get(reverse("programmes:my_applications"))
    assert cohort.title in mine.content.decode()


def test_after_the_deadline_submit_is_a_clear_400_and_the_draft_stays(client):
    cohort = CallCohortFactory()
    user = UserFactory()
    application = calls.start_application(user=user, cohort=cohort)
    Cohort.objects.filter(pk=cohort.pk).update(call_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(user)
    settlement = SettlementFactory()
    response = client.post(
        reverse("programmes:application", args=[application.public_id]),
        {"settlement": settlement.pk, "submit": "1"},
    )
    assert response.status_code == 400
    assert "deadline has passed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft" and application.settlement == settlement


def test_someone_elses_application_is_a_404(client):
    application = ApplicationFactory(cohort=CallCohortFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("programmes:application", args=[application.public_id])).status_code == 404


@pytest.fixture
def world():
    cohort = CallCohortFactory()
    armenia = RegionFactory(code="AM-SH", name="Shirak", country=CountryFactory(code="AM", name="Armenia"))
    belarus = SettlementFactory()
    partner_am = PartnerFactory(programme=cohort.programme, country=armenia.country)
    am = ApplicationFactory(cohort=cohort, settlement=SettlementFactory(region=armenia), partner=partner_am)
    by = ApplicationFactory(cohort=cohort, settlement=belarus, partner=None)
    return {
        "cohort": cohort,
        "am": am,
        "by": by,
        "lead": member_of(cohort.programme.organisation, Role.MANAGER),
        "partner_am": member_of(partner_am.organisation, Role.MANAGER),
    }


def _list(cohort):
    return reverse("programmes:applications", args=[cohort.programme.slug, cohort.slug])


def test_a_partner_sees_only_its_own_countrys_applications(client, world):
    """Removing ``visible_people`` from ``cohort_applications`` turns this red (tried once)."""
    organiser_login(client, world["partner_am"])
    page = client.get(_list(world["cohort"])).content.decode()
    assert str(world["am"].person) in page and str(world["by"].person) not in page
    csv = client.get(
        reverse("programmes:applications_csv", args=[world["cohort"].programme.slug, world["cohort"].slug])
    ).content.decode()
    assert str(world["am"].person) in csv and str(world["by"].person) not in csv
    assert client.get(reverse("programmes:application", args=[world["by"].public_id])).status_code == 404
    assert client.get(reverse("programmes:application", args=[world["am"].public_id])).status_code == 200


def test_the_lead_sees_all_and_filters_by_country(client, world):
    organiser_login(client, world["lead"])
    page = client.get(_list(world["cohort"])).content.decode()
    assert str(world["am"].person) in page and str(world["by"].person) in page
    armenia = world["am"].settlement.region.country
    page = client.get(_list(world["cohort"]), {"country": armenia.pk}).content.decode()
    assert str(world["am"].person) in page and str(world["by"].person) not in page


def test_the_application_list_queries_do_not_grow(client, world):
    organiser_login(client, world["lead"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_list(world["cohort"])).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        ApplicationFactory(cohort=world["cohort"], settlement=SettlementFactory())
    assert count() == before


def test_an_assigned_reviewer_reads_the_application(client, world):
    cohort = world["cohort"]
    round_ = RoundFactory(organisation=cohort.programme.organisation, purpose="selection")
    Cohort.objects.filter(pk=cohort.pk).update(review_round=round_)
    item = ItemFactory(round=round_, subject_key=world["am"].subject_key)
    reviewer_user = UserFactory()
    AssignmentFactory(round=round_, item=item, reviewer=ReviewerFactory(round=round_, user=reviewer_user))
    client.force_login(reviewer_user)
    assert client.get(reverse("programmes:application", args=[world["am"].public_id])).status_code == 200
    assert client.get(reverse("programmes:application", args=[world["by"].public_id])).status_code == 404


def test_the_lead_opens_the_review_after_the_deadline(client, world):
    from hramada.reviews.tests.factories import CriterionFactory, RubricFactory

    cohort = world["cohort"]
    rubric = RubricFactory(organisation=cohort.programme.organisation)
    CriterionFactory(rubric=rubric)
    organiser_login(client, world["lead"])
    url = reverse("programmes:review_start", args=[cohort.programme.slug, cohort.slug])
    response = client.post(url, {"rubric": rubric.pk, "reviews_per_item": 1})
    assert response.status_code == 400 and "still open" in response.content.decode()
    Cohort.objects.filter(pk=cohort.pk).update(call_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(url, {"rubric": rubric.pk, "reviews_per_item": 1})
    cohort.refresh_from_db()
    assert response.status_code == 302 and cohort.review_round is not None
    assert response.url == reverse("reviews:round", args=[cohort.review_round.public_id])
    assert cohort.review_round.items.count() == 2


def test_the_admin_pages_open_for_staff(client, world):
    from hramada.core.tests.helpers import login_staff

    staff = UserFactory(is_staff=True, is_superuser=True)
    login_staff(client, staff)
    for model in ("programme", "cohort", "application"):
        assert client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:programmes_application_change", args=[world["am"].pk])).status_code == 200
    )
    assert client.get(reverse("admin:programmes_cohort_change", args=[world["cohort"].pk])).status_code == 200


def test_programmes_on_the_home_page_the_dashboard_and_the_organisations_menu(client, world):
    programme = world["cohort"].programme
    assert programme.title in client.get(reverse("core:home")).content.decode()
    organiser_login(client, world["lead"])
    assert programme.title in client.get(reverse("core:manage")).content.decode()
    from hramada.orgs.registry import menu_links

    links = dict(menu_links(world["lead"], programme.organisation))
    assert reverse("programmes:programme_new", args=[programme.organisation.slug]) in links.values()
