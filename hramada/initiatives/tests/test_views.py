"""Pages of initiatives: who may open what (a role matrix), forms, public pages, query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.awards.tests.factories import AwardFactory, PublicationFactory
from hramada.contests.tests.factories import ProjectFactory
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff, minimal_pdf
from hramada.initiatives import services
from hramada.initiatives.models import Initiative, ShiftSignup
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory

from .factories import (
    ActivityFactory,
    BudgetLineFactory,
    InitiativeFactory,
    RoleFactory,
    ShiftFactory,
    organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    return InitiativeFactory()


def user_for(who, initiative):
    """anonymous, volunteer, initiative organiser (named), organisation manager, other organisation's
    manager, staff."""
    if who == "anonymous":
        return None
    if who == "volunteer":
        return UserFactory()
    if who == "initiative organiser":
        user = UserFactory()
        services.add_organiser(
            actor=organiser(UserFactory(is_staff=True)), initiative=initiative, person=user.person
        )
        return user
    if who == "organisation manager":
        return member_of(initiative.organisation, Role.MANAGER)
    if who == "other organisation's manager":
        return member_of(OrganisationFactory(), Role.MANAGER)
    return UserFactory(is_staff=True)


ROLES = {
    "anonymous": 302,
    "volunteer": 403,
    "other organisation's manager": 403,
    "initiative organiser": 200,
    "organisation manager": 200,
    "staff": 200,
}
PAGES = ["manage", "edit", "activities", "budget", "updates", "volunteers"]


@pytest.mark.parametrize("who", list(ROLES))
def test_organiser_pages_role_matrix(client, initiative, who):
    user = user_for(who, initiative)
    if user is not None:
        login_staff(client, user)
    for page in PAGES:
        response = client.get(reverse(f"initiatives:{page}", args=[initiative.slug]))
        assert response.status_code == ROLES[who], (page, who)


@pytest.mark.parametrize("who", list(ROLES))
def test_organiser_actions_role_matrix(client, initiative, who):
    user = user_for(who, initiative)
    if user is not None:
        login_staff(client, user)
    response = client.post(reverse("initiatives:publish", args=[initiative.slug]), {"published": "0"})
    assert response.status_code == (302 if ROLES[who] != 403 else 403)
    initiative.refresh_from_db()
    hidden = initiative.published_at is None
    assert hidden == (ROLES[who] == 200), who


def test_organiser_pages_ask_for_the_second_factor(client, initiative):
    user = member_of(initiative.organisation, Role.MANAGER)
    client.force_login(user)  # a password login without the code
    response = client.get(reverse("initiatives:manage", args=[initiative.slug]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("volunteer", 403),
        ("other organisation's manager", 403),
        ("organisation manager", 200),
        ("staff", 200),
    ],
)
def test_creating_from_the_organisation_menu(client, initiative, who, expected):
    login_staff(client, user_for(who, initiative))
    org = initiative.organisation
    assert client.get(reverse("initiatives:org_list", args=[org.slug])).status_code == expected
    response = client.post(
        reverse("initiatives:new", args=[org.slug]),
        {"title_en": "Sport Region", "community": initiative.community.pk, "summary_en": "Sport"},
    )
    if expected == 200:
        created = Initiative.objects.get(title_en="Sport Region")
        assert response.status_code == 302 and response["Location"].endswith(
            f"/manage/initiatives/{created.slug}/"
        )
    else:
        assert response.status_code == 403 and not Initiative.objects.filter(title_en="Sport Region").exists()


def test_form_errors_are_a_400_with_the_message(client, initiative):
    login_staff(client, member_of(initiative.organisation, Role.MANAGER))
    response = client.post(
        reverse("initiatives:new", args=[initiative.organisation.slug]),
        {"community": initiative.community.pk},
    )
    assert response.status_code == 400 and b"Give the initiative a title" in response.content
    response = client.post(
        reverse("initiatives:volunteers", args=[initiative.slug]),
        {
            "action": "shift",
            "role": RoleFactory(initiative=initiative).pk,
            "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T09:00",
            "capacity": 2,
        },
    )
    assert response.status_code == 400 and b"The shift must end after it starts" in response.content


# --- Public pages ----------------------------------------------------------------------------------------


def test_public_list_filters_and_empty_states(client):
    assert b"No initiatives yet" in client.get(reverse("initiatives:list")).content
    here = InitiativeFactory(title_en="Sport Region")
    InitiativeFactory(title_en="Hidden", published_at=None)
    response = client.get(reverse("initiatives:list"))
    assert b"Sport Region" in response.content and b"Hidden" not in response.content
    response = client.get(reverse("initiatives:list"), {"community": here.community.slug})
    assert b"Sport Region" in response.content
    response = client.get(reverse("initiatives:list"), {"community": CommunityFactory().slug, "year": "1990"})
    assert b"Sport Region" not in response.content


def test_public_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(3):
        InitiativeFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("initiatives:list"))
    for _ in range(8):
        InitiativeFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("initiatives:list"))
    assert len(many) == len(few)


def test_a_draft_is_hidden_from_everyone_but_its_organisers(client):
    draft = InitiativeFactory(published_at=None)
    url = reverse("initiatives:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    login_staff(client, member_of(draft.organisation, Role.MANAGER))
    assert client.get(url).status_code == 200


def test_initiative_page_shows_story_budget_shifts_and_reached(client, initiative):
    line = BudgetLineFactory(initiative=initiative, title="Prizes", planned=Decimal(400))
    manager = organiser(member_of(initiative.organisation, Role.MANAGER))
    services.record_expense(
        actor=manager, line=line, amount=Decimal(150), spent_on=timezone.localdate(), note="Cups"
    )
    ActivityFactory(initiative=initiative)
    shift = ShiftFactory(role=RoleFactory(initiative=initiative, title_en="Steward"), capacity=2)
    response = client.get(reverse("initiatives:detail", args=[initiative.slug]))
    body = response.content.decode()
    assert "Prizes" in body and "400.00 BYN" in body and "250.00 BYN" in body
    assert "Cups" not in body  # expenses and receipts are private
    assert "Steward" in body and "2 places left" in body and "Sign in to volunteer" in body
    assert "0 people took part" in body
    assert reverse("initiatives:sign_up", args=[initiative.slug, shift.public_id]) not in body


def test_initiative_page_query_count_does_not_grow_with_shifts_and_lines(client, initiative):
    def add(n):
        for _ in range(n):
            ShiftFactory(role=RoleFactory(initiative=initiative))
            BudgetLineFactory(initiative=initiative)
            ActivityFactory(initiative=initiative)

    add(1)
    url = reverse("initiatives:detail", args=[initiative.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(5)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_sign_up_full_shift_cancel_and_my_volunteering(client, initiative):
    shift = ShiftFactory(role=RoleFactory(initiative=initiative), capacity=1)
    url = reverse("initiatives:sign_up", args=[initiative.slug, shift.public_id])
    assert client.post(url).status_code == 302 and not ShiftSignup.objects.exists()  # to the login
    first = UserFactory()
    client.force_login(first)
    response = client.post(url, follow=True)
    assert b"You are signed up" in response.content
    mine = client.get(reverse("initiatives:my_volunteering"))
    assert mine.status_code == 200 and initiative.title.encode() in mine.content
    assert mine["Cache-Control"].startswith("max-age=0") or "no-store" in mine["Cache-Control"]
    second = UserFactory()
    client.force_login(second)
    response = client.post(url, follow=True)
    assert b"This shift is full" in response.content and ShiftSignup.objects.count() == 1
    # Someone else's sign-up cannot be cancelled by its address.
    signup = ShiftSignup.objects.get()
    assert client.post(reverse("initiatives:cancel", args=[signup.public_id])).status_code == 404
    client.force_login(first)
    client.post(reverse("initiatives:cancel", args=[signup.public_id]))
    signup.refresh_from_db()
    assert signup.cancelled_at is not None
    client.force_login(second)
    client.post(url)
    assert ShiftSignup.objects.filter(person=second.person, cancelled_at__isnull=True).exists()


def test_my_volunteering_needs_a_login_and_has_an_empty_state(client):
    assert client.get(reverse("initiatives:my_volunteering")).status_code == 302
    client.force_login(UserFactory())
    assert b"You have not volunteered yet" in client.get(reverse("initiatives:my_volunteering")).content


# --- Receipts, hours ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(ROLES))
def test_receipts_are_sent_to_organisers_only(client, initiative, who):
    manager = organiser(member_of(initiative.organisation, Role.MANAGER))
    expense = services.record_expense(
        actor=manager,
        line=BudgetLineFactory(initiative=initiative),
        amount=Decimal(5),
        spent_on=timezone.localdate(),
        note="Balls",
        receipt=SimpleUploadedFile("r.pdf", minimal_pdf()),
    )
    user = user_for(who, initiative)
    if user is not None:
        login_staff(client, user)
    response = client.get(reverse("initiatives:receipt", args=[initiative.slug, expense.public_id]))
    assert response.status_code == ROLES[who]
    if ROLES[who] == 200:
        assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]


def test_organisers_record_hours_from_the_volunteers_page(client, initiative):
    shift = ShiftFactory(role=RoleFactory(initiative=initiative))
    signup = services.sign_up(actor=UserFactory(), shift=shift)
    ShiftFactory._meta.model.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    login_staff(client, member_of(initiative.organisation, Role.MANAGER))
    response = client.post(
        reverse("initiatives:hours", args=[initiative.slug, signup.public_id]), {"hours": "2"}
    )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.hours == 2
    assert AuditEntry.objects.filter(action="initiatives.hours.recorded").exists()
    page = client.get(reverse("initiatives:volunteers", args=[initiative.slug]))
    assert b"2 hours" in page.content


def test_volunteers_page_query_count_does_not_grow_with_sign_ups(client, initiative):
    shift = ShiftFactory(role=RoleFactory(initiative=initiative), capacity=30)
    login_staff(client, member_of(initiative.organisation, Role.MANAGER))
    url = reverse("initiatives:volunteers", args=[initiative.slug])
    services.sign_up(actor=UserFactory(), shift=shift)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        services.sign_up(actor=UserFactory(), shift=shift)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- From a contest award -------------------------------------------------------------------------------------


def test_start_an_initiative_from_the_awards_page_and_see_it_on_the_results(client):
    project = ProjectFactory(community=CommunityFactory())
    award = AwardFactory(edition=project.edition, project=project, decided_at=timezone.now())
    edition = award.edition
    manager = member_of(edition.contest.organisation, Role.MANAGER)
    login_staff(client, manager)
    awards_page = client.get(reverse("awards:awards", args=[edition.contest.slug, edition.public_id]))
    start = reverse("initiatives:from_award", args=[award.public_id])
    assert start.encode() in awards_page.content
    assert client.get(start).status_code == 200
    response = client.post(
        start,
        {"community": project.community.pk, "title_en": "Bashni brand", "funding_note": "Prize 1000 BYN"},
    )
    initiative = Initiative.objects.get(award=award)
    assert response.status_code == 302 and initiative.title_en == "Bashni brand"
    assert client.get(start)["Location"].endswith(f"/manage/initiatives/{initiative.slug}/")
    services.update_initiative(actor=organiser(manager), initiative=initiative, summary_en="A brand")
    services.publish(actor=organiser(manager), initiative=initiative)
    PublicationFactory(edition=edition)
    client.logout()
    results = client.get(reverse("awards:results", args=[edition.contest.slug, edition.public_id]))
    assert b"Now an initiative: Bashni brand" in results.content


def test_others_cannot_start_from_an_award(client):
    project = ProjectFactory(community=CommunityFactory())
    award = AwardFactory(edition=project.edition, project=project, decided_at=timezone.now())
    login_staff(client, member_of(OrganisationFactory(), Role.MANAGER))
    url = reverse("initiatives:from_award", args=[award.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"community": project.community.pk, "funding_note": "x"}).status_code == 403
    assert not Initiative.objects.exists()


# --- From an action plan ------------------------------------------------------------------------------------


def test_a_participant_starts_an_initiative_from_their_plan(client):
    from .test_services import make_plan

    plan, author = make_plan()
    url = reverse("initiatives:from_plan", args=[plan.public_id])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # someone else's plan
    client.force_login(author)
    assert client.get(url).status_code == 200
    response = client.post(url, {"community": plan.participant.community.pk, "title_en": "Playground"})
    initiative = Initiative.objects.get(action_plan=plan)
    assert response.status_code == 302 and initiative.title_en == "Playground"
    assert client.get(url)["Location"].endswith(f"/manage/initiatives/{initiative.slug}/")


def test_a_draft_plan_is_refused_with_the_reason(client):
    from .test_services import make_plan

    plan, author = make_plan(status="draft")
    client.force_login(author)
    response = client.post(
        reverse("initiatives:from_plan", args=[plan.public_id]), {"community": plan.participant.community.pk}
    )
    assert response.status_code == 400 and b"Submit the action plan" in response.content
    assert not Initiative.objects.exists()


# --- Sections on other pages -----------------------------------------------------------------------------


def test_home_community_and_dashboard_sections(client, initiative):
    assert initiative.title.encode() in client.get(reverse("core:home")).content
    community_page = client.get(reverse("places:community", args=[initiative.community.slug]))
    assert (
        b"Local initiatives here" in community_page.content
        and initiative.title.encode() in community_page.content
    )
    login_staff(client, member_of(initiative.organisation, Role.MANAGER))
    dashboard = client.get(reverse("core:manage"))
    assert b"Initiatives you run" in dashboard.content
    org_page = client.get(reverse("initiatives:org_list", args=[initiative.organisation.slug]))
    assert initiative.title.encode() in org_page.content


def test_my_volunteering_link_in_the_header_for_volunteers_only(client, initiative):
    user = UserFactory()
    client.force_login(user)
    url = reverse("initiatives:my_volunteering").encode()
    assert url not in client.get(reverse("initiatives:list")).content
    services.sign_up(actor=user, shift=ShiftFactory(role=RoleFactory(initiative=initiative)))
    assert url in client.get(reverse("initiatives:list")).content


def test_the_plan_page_links_to_starting_an_initiative_until_it_is_one(client):
    from .test_services import make_plan

    plan, author = make_plan()
    client.force_login(author)
    plan_url = reverse("programmes:plan", args=[plan.public_id])
    start = reverse("initiatives:from_plan", args=[plan.public_id]).encode()
    assert start in client.get(plan_url).content
    client.post(start.decode(), {"community": plan.participant.community.pk})
    assert Initiative.objects.filter(action_plan=plan).exists()
    assert start not in client.get(plan_url).content
