"""Every rule and refusal of the initiatives services."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hramada.awards.tests.factories import AwardFactory
from hramada.contests.models import ProjectMember
from hramada.contests.tests.factories import ProjectFactory
from hramada.core import personal_data
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.storage import private_root
from hramada.core.tests.helpers import minimal_pdf
from hramada.events.tests.factories import EventFactory, registered
from hramada.initiatives import selectors, services
from hramada.initiatives.models import Initiative, InitiativeOrganiser, Shift, ShiftSignup
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import PersonFactory, UserFactory
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


@pytest.fixture
def manager(initiative):
    return organiser(member_of(initiative.organisation, Role.MANAGER))


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return out.getvalue()


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- Creating and editing ---------------------------------------------------------------------------------


def test_an_organisation_manager_creates_an_initiative_audited():
    org = OrganisationFactory()
    user = organiser(member_of(org, Role.MANAGER))
    community = CommunityFactory()
    initiative = services.create_initiative(
        actor=user,
        organisation=org,
        community=community,
        title_be="Спартыўны рэгіён",
        title_en="Sport Region",
    )
    assert initiative.organisation == org and initiative.community == community
    assert initiative.slug == "sport-region" and initiative.published_at is None
    assert actions() == ["initiatives.initiative.created"]


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EXPERT])
def test_others_cannot_create_an_initiative_for_an_organisation(role):
    org = OrganisationFactory()
    user = organiser(member_of(org, role) if role else UserFactory())
    with pytest.raises(DomainError):
        services.create_initiative(actor=user, organisation=org, community=CommunityFactory(), title_en="X")
    other_manager = organiser(member_of(OrganisationFactory(), Role.MANAGER))
    with pytest.raises(DomainError):
        services.create_initiative(
            actor=other_manager, organisation=org, community=CommunityFactory(), title_en="X"
        )
    assert not Initiative.objects.exists()


def test_only_staff_create_an_initiative_without_an_organisation():
    with pytest.raises(DomainError):
        services.create_initiative(actor=organiser(UserFactory()), community=CommunityFactory(), title_en="X")
    staff = organiser(UserFactory(is_staff=True))
    assert (
        services.create_initiative(actor=staff, community=CommunityFactory(), title_en="X").organisation
        is None
    )


def test_an_initiative_needs_a_title_and_a_community_and_ends_after_it_starts(manager, initiative):
    org = initiative.organisation
    with pytest.raises(DomainError, match="title"):
        services.create_initiative(actor=manager, organisation=org, community=CommunityFactory())
    with pytest.raises(DomainError, match="community"):
        services.create_initiative(actor=manager, organisation=org, title_en="X")
    with pytest.raises(DomainError, match="end before"):
        services.update_initiative(
            actor=manager,
            initiative=initiative,
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )


def test_editing_one_language_keeps_the_others(manager, initiative):
    services.update_initiative(actor=manager, initiative=initiative, title_be="Спорт", story_ru="История")
    initiative.refresh_from_db()
    assert (initiative.title_be, initiative.title_en, initiative.story_ru) == (
        "Спорт",
        initiative.title_en,
        "История",
    )
    assert actions()[-1] == "initiatives.initiative.updated"


def test_managing_needs_the_second_factor_of_the_session(initiative):
    """Red without ``passed_two_factor`` in ``is_initiative_organiser`` (tried once)."""
    user = member_of(initiative.organisation, Role.MANAGER)  # not marked as having passed two-factor
    with pytest.raises(DomainError):
        services.update_initiative(actor=user, initiative=initiative, title_en="New")
    assert (
        services.update_initiative(actor=organiser(user), initiative=initiative, title_en="New").title_en
        == "New"
    )


def test_a_named_organiser_manages_an_initiative_and_stops_when_removed(manager, initiative):
    volunteer = organiser(UserFactory())
    with pytest.raises(DomainError):
        services.update_initiative(actor=volunteer, initiative=initiative, title_en="Mine")
    role = services.add_organiser(actor=manager, initiative=initiative, person=volunteer.person, role="coach")
    assert (
        services.update_initiative(actor=volunteer, initiative=initiative, title_en="Mine").title_en == "Mine"
    )
    with pytest.raises(DomainError, match="already an organiser"):
        services.add_organiser(actor=manager, initiative=initiative, person=volunteer.person)
    services.remove_organiser(actor=manager, organiser=role)
    with pytest.raises(DomainError):
        services.update_initiative(actor=volunteer, initiative=initiative, title_en="Again")
    assert "initiatives.organiser.added" in actions() and "initiatives.organiser.removed" in actions()


def test_publishing_needs_a_summary_and_is_audited(manager):
    initiative = InitiativeFactory(
        organisation=manager.person.memberships.get().organisation, published_at=None, summary_en=""
    )
    with pytest.raises(DomainError, match="summary"):
        services.publish(actor=manager, initiative=initiative)
    services.update_initiative(actor=manager, initiative=initiative, summary_en="Sport for all")
    assert services.publish(actor=manager, initiative=initiative).published_at is not None
    assert services.publish(actor=manager, initiative=initiative, published=False).published_at is None
    assert actions()[-2:] == ["initiatives.initiative.published", "initiatives.initiative.unpublished"]


def test_partners_exclude_the_organisation_itself(manager, initiative):
    partner = OrganisationFactory()
    services.set_partners(actor=manager, initiative=initiative, partners=[partner, initiative.organisation])
    assert list(initiative.partners.all()) == [partner]


# --- Activities ----------------------------------------------------------------------------------------------


def test_link_an_event_of_the_organisation_once(manager, initiative):
    event = EventFactory(organisation=initiative.organisation)
    services.link_event(actor=manager, initiative=initiative, event=event, kind="screening")
    with pytest.raises(DomainError, match="already"):
        services.link_event(actor=manager, initiative=initiative, event=event)
    with pytest.raises(DomainError, match="organisation"):
        services.link_event(actor=manager, initiative=initiative, event=EventFactory())


def test_create_an_activity_makes_a_published_event_in_the_community(manager, initiative):
    start = timezone.now() + timedelta(days=10)
    activity = services.create_activity(
        actor=manager,
        initiative=initiative,
        kind="marathon",
        title_en="Final marathon",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    event = activity.event
    assert event.organisation == initiative.organisation and event.community == initiative.community
    assert event.status == "published" and activity.kind == "marathon"
    assert {"events.event.created", "initiatives.activity.linked"} <= set(actions())


def test_a_named_organiser_who_is_not_an_organisation_manager_cannot_create_events(manager, initiative):
    person_user = organiser(UserFactory())
    services.add_organiser(actor=manager, initiative=initiative, person=person_user.person)
    start = timezone.now() + timedelta(days=10)
    with pytest.raises(DomainError):
        services.create_activity(
            actor=person_user,
            initiative=initiative,
            kind="meeting",
            title_en="M",
            starts_at=start,
            ends_at=start,
        )


# --- People reached ------------------------------------------------------------------------------------------


def test_people_reached_counts_each_checked_in_person_once_and_volunteers_apart(manager, initiative):
    from hramada.events import services as events

    first, second = ActivityFactory(initiative=initiative), ActivityFactory(initiative=initiative)
    staff = UserFactory(is_staff=True)
    both = PersonFactory()
    for activity in (first, second):
        registered(activity.event, both)
    only_second = registered(second.event)
    registered(first.event)  # registered but never checked in: not reached
    for n, (activity, person) in enumerate([(first, both), (second, both), (second, only_second)]):
        registration = activity.event.registrations.get(person=person)
        events.check_in(
            actor=staff, event=activity.event, ticket_code=registration.ticket_code, client_id=f"c{n}"
        )
    other_event = EventFactory()  # not the initiative's
    registration = other_event.registrations.get(person=registered(other_event))
    events.check_in(actor=staff, event=other_event, ticket_code=registration.ticket_code, client_id="x")
    shift = ShiftFactory(role=RoleFactory(initiative=initiative), capacity=3)
    signups = [services.sign_up(actor=UserFactory(), shift=shift) for _ in range(2)]
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    signups[0].shift.refresh_from_db()
    services.record_hours(actor=manager, signup=signups[0], hours=Decimal("2.5"))
    reached = selectors.people_reached(initiative)
    assert reached == {"attended": 2, "volunteers": 1, "hours": Decimal("2.5")}


# --- Budget --------------------------------------------------------------------------------------------------


def test_budget_totals_per_line_and_overall(manager, initiative):
    venue = services.add_budget_line(
        actor=manager, initiative=initiative, title="Venue", planned=Decimal(300)
    )
    prizes = services.add_budget_line(
        actor=manager, initiative=initiative, title="Prizes", planned=Decimal(200)
    )
    today = timezone.localdate()
    services.record_expense(actor=manager, line=venue, amount=Decimal(120), spent_on=today, note="Hall")
    services.record_expense(actor=manager, line=venue, amount=Decimal("30.50"), spent_on=today, note="Chairs")
    budget = selectors.budget(initiative)
    by_title = {line.title: line for line in budget.lines}
    assert by_title["Venue"].spent == Decimal("150.50") and by_title["Venue"].left == Decimal("149.50")
    assert by_title["Prizes"].spent == 0 and by_title["Prizes"].left == 200
    assert (budget.planned, budget.spent, budget.left, budget.currency) == (
        500,
        Decimal("150.50"),
        Decimal("349.50"),
        "BYN",
    )
    assert prizes.currency == "BYN"
    assert actions().count("initiatives.expense.recorded") == 2


def test_budget_refusals(manager, initiative):
    with pytest.raises(DomainError, match="negative"):
        services.add_budget_line(actor=manager, initiative=initiative, title="X", planned=Decimal(-1))
    line = BudgetLineFactory(initiative=initiative)
    with pytest.raises(DomainError, match="more than zero"):
        services.record_expense(
            actor=manager, line=line, amount=Decimal(0), spent_on=timezone.localdate(), note="x"
        )
    stranger = organiser(member_of(OrganisationFactory(), Role.MANAGER))
    with pytest.raises(DomainError):
        services.record_expense(
            actor=stranger, line=line, amount=Decimal(5), spent_on=timezone.localdate(), note="x"
        )
    assert not line.expenses.exists()


def test_a_receipt_is_stored_privately_and_checked(manager, initiative):
    line = BudgetLineFactory(initiative=initiative)
    pdf = SimpleUploadedFile("receipt.pdf", minimal_pdf(), content_type="application/pdf")
    expense = services.record_expense(
        actor=manager, line=line, amount=Decimal(10), spent_on=timezone.localdate(), note="Balls", receipt=pdf
    )
    assert expense.receipt.name.endswith(".pdf")
    assert expense.receipt.path.startswith(private_root())
    bad = minimal_pdf(catalog="/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    with pytest.raises(DomainError, match="scripts"):
        services.record_expense(
            actor=manager,
            line=line,
            amount=Decimal(10),
            spent_on=timezone.localdate(),
            note="x",
            receipt=SimpleUploadedFile("r.pdf", bad),
        )
    with pytest.raises(DomainError, match="image"):
        services.record_expense(
            actor=manager,
            line=line,
            amount=Decimal(10),
            spent_on=timezone.localdate(),
            note="x",
            receipt=SimpleUploadedFile("r.exe", b"MZ not a receipt"),
        )
    photo = services.record_expense(
        actor=manager,
        line=line,
        amount=Decimal(3),
        spent_on=timezone.localdate(),
        note="Water",
        receipt=SimpleUploadedFile("r.txt", png_bytes()),
    )
    assert photo.receipt.name.endswith(".png")
    assert line.expenses.count() == 2


def test_story_update_photo_is_re_encoded(manager, initiative):
    update = services.post_update(
        actor=manager,
        initiative=initiative,
        text="The marathon!",
        photo=SimpleUploadedFile("a.png", png_bytes()),
    )
    assert update.photo.name.endswith(".png")
    with pytest.raises(DomainError):
        services.post_update(actor=manager, initiative=initiative, text="  ")
    with pytest.raises(DomainError):
        services.post_update(actor=organiser(UserFactory()), initiative=initiative, text="Spam")


# --- Volunteers ----------------------------------------------------------------------------------------------


@pytest.fixture
def shift(initiative):
    return ShiftFactory(role=RoleFactory(initiative=initiative), capacity=2)


def volunteer():
    return UserFactory()


def test_shifts_end_after_they_start_and_need_a_volunteer(manager, initiative):
    role = services.add_role(actor=manager, initiative=initiative, title_en="Steward")
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(DomainError, match="end after"):
        services.add_shift(actor=manager, role=role, starts_at=start, ends_at=start, capacity=2)
    with pytest.raises(DomainError, match="at least one"):
        services.add_shift(
            actor=manager, role=role, starts_at=start, ends_at=start + timedelta(hours=1), capacity=0
        )
    services.add_shift(
        actor=manager, role=role, starts_at=start, ends_at=start + timedelta(hours=1), capacity=3
    )
    assert actions()[-2:] == ["initiatives.role.added", "initiatives.shift.added"]


def test_sign_up_until_the_shift_is_full_then_a_clear_refusal_and_nothing_lost(shift):
    first, second, third = volunteer(), volunteer(), volunteer()
    services.sign_up(actor=first, shift=shift)
    services.sign_up(actor=second, shift=shift)
    with pytest.raises(DomainError, match="This shift is full"):
        services.sign_up(actor=third, shift=shift)
    shift.refresh_from_db()
    assert shift.signed_up_count == 2 and shift.signups.count() == 2
    # One cancels: the place is free again, and the third gets it.
    services.cancel_signup(actor=first, signup=shift.signups.get(person=first.person))
    shift.refresh_from_db()
    assert shift.signed_up_count == 1
    services.sign_up(actor=third, shift=shift)
    shift.refresh_from_db()
    assert shift.signed_up_count == 2


def test_one_active_sign_up_per_person_and_shift(shift):
    person = volunteer()
    signup = services.sign_up(actor=person, shift=shift)
    with pytest.raises(DomainError, match="already signed up"):
        services.sign_up(actor=person, shift=shift)
    services.cancel_signup(actor=person, signup=signup)
    services.sign_up(actor=person, shift=shift)  # again after cancelling
    assert shift.signups.filter(person=person.person).count() == 2


def test_the_constraint_guards_the_count_when_the_code_lets_one_through(shift, monkeypatch):
    """The database refuses a count above the capacity (``shift_not_overbooked``): when the code is
    made to believe the shift has room (the locked row read with a larger capacity), a third
    sign-up still fails with the "full" message and leaves nothing behind."""
    services.sign_up(actor=volunteer(), shift=shift)
    services.sign_up(actor=volunteer(), shift=shift)
    real_lock = services._lock_shift

    def lock_with_wrong_capacity(pk):
        locked = real_lock(pk)
        locked.capacity = 99
        return locked

    monkeypatch.setattr(services, "_lock_shift", lock_with_wrong_capacity)
    with pytest.raises(DomainError, match="This shift is full"):
        services.sign_up(actor=volunteer(), shift=shift)
    shift.refresh_from_db()
    assert shift.signups.count() == 2 and shift.signed_up_count == 2


def test_sign_up_refusals(shift):
    with pytest.raises(DomainError, match="Sign in"):
        from django.contrib.auth.models import AnonymousUser

        services.sign_up(actor=AnonymousUser(), shift=shift)
    draft_shift = ShiftFactory(role=RoleFactory(initiative=InitiativeFactory(published_at=None)))
    with pytest.raises(DomainError, match="not open"):
        services.sign_up(actor=volunteer(), shift=draft_shift)
    with (
        time_machine.travel(shift.starts_at + timedelta(minutes=1)),
        pytest.raises(DomainError, match="already started"),
    ):
        services.sign_up(actor=volunteer(), shift=shift)
    assert not ShiftSignup.objects.exists()


def test_cancelling_is_for_the_volunteer_before_the_start_or_the_organisers(shift, manager):
    person = volunteer()
    signup = services.sign_up(actor=person, shift=shift)
    with pytest.raises(DomainError, match="Only the volunteer"):
        services.cancel_signup(actor=volunteer(), signup=signup)
    with time_machine.travel(shift.starts_at + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="started"):
            services.cancel_signup(actor=person, signup=signup)
        services.cancel_signup(actor=manager, signup=signup)
    with pytest.raises(DomainError, match="already cancelled"):
        services.cancel_signup(actor=person, signup=signup)
    assert actions()[-1] == "initiatives.signup.cancelled"  # by an organiser: audited


def test_hours_are_recorded_by_organisers_after_the_start(shift, manager):
    person = volunteer()
    signup = services.sign_up(actor=person, shift=shift)
    with pytest.raises(DomainError, match="once the shift has started"):
        services.record_hours(actor=manager, signup=signup, hours=2)
    with time_machine.travel(shift.ends_at):
        with pytest.raises(DomainError):
            services.record_hours(actor=organiser(person), signup=signup, hours=2)
        with pytest.raises(DomainError, match="0 to 24"):
            services.record_hours(actor=manager, signup=signup, hours=25)
        services.record_hours(actor=manager, signup=signup, hours=Decimal("1.75"))
    signup.refresh_from_db()
    assert signup.hours == Decimal("1.75") and signup.hours_recorded_by == manager
    entry = AuditEntry.objects.get(action="initiatives.hours.recorded")
    assert entry.data["hours"] == "1.75"


def test_capacity_cannot_go_below_the_sign_ups(shift, manager):
    services.sign_up(actor=volunteer(), shift=shift)
    services.sign_up(actor=volunteer(), shift=shift)
    with pytest.raises(DomainError, match="cannot have fewer"):
        services.change_capacity(actor=manager, shift=shift, capacity=1)
    assert services.change_capacity(actor=manager, shift=shift, capacity=5).capacity == 5


def test_reminders_go_once_the_day_before_in_each_volunteers_language(
    shift, django_capture_on_commit_callbacks
):
    be, en, gone = volunteer(), volunteer(), volunteer()
    be.person.preferred_language, en.person.preferred_language = "be", "en"
    be.person.save(update_fields=["preferred_language"])
    en.person.save(update_fields=["preferred_language"])
    Shift.objects.filter(pk=shift.pk).update(capacity=3)
    for u in (be, en, gone):
        services.sign_up(actor=u, shift=shift)
    services.cancel_signup(actor=gone, signup=shift.signups.get(person=gone.person))
    # Three days before: not yet.
    assert services.remind_volunteers() == 0 and not mail.outbox
    with (
        time_machine.travel(shift.starts_at - timedelta(hours=20)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.remind_volunteers() == 1
        assert services.remind_volunteers() == 0  # idempotent
    assert sorted(m.to[0] for m in mail.outbox) == sorted([be.email, en.email])
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "A reminder: you volunteer" in by_to[en.email].body
    assert by_to[be.email].body.startswith("Добры дзень")  # in Belarusian
    shift.refresh_from_db()
    assert shift.reminded_at is not None


# --- My volunteering ---------------------------------------------------------------------------------------


def test_my_volunteering_lists_shifts_and_hours(shift, manager):
    person = volunteer()
    signup = services.sign_up(actor=person, shift=shift)
    with time_machine.travel(shift.ends_at):
        services.record_hours(actor=manager, signup=signup, hours=2)
    mine = selectors.my_volunteering(person.person)
    assert [s.pk for s in mine["signups"]] == [signup.pk] and mine["hours"] == 2


# --- From a contest award -------------------------------------------------------------------------------------


@pytest.fixture
def award():
    project = ProjectFactory(community=CommunityFactory(), organisation=OrganisationFactory())
    return AwardFactory(
        edition=project.edition,
        project=project,
        decided_at=timezone.now(),
        sponsor=OrganisationFactory(name="RealtBy"),
    )


def test_a_contest_winner_becomes_an_initiative_in_one_step(award):
    contest_org = award.edition.contest.organisation
    user = organiser(member_of(contest_org, Role.MANAGER))
    team_user = UserFactory()
    ProjectMember.objects.create(project=award.project, user=team_user, email=team_user.email, role="lead")
    initiative = services.start_from_award(actor=user, award=award)
    assert initiative.award == award and award.initiative == initiative
    assert initiative.title_be == award.project.title and initiative.community == award.project.community
    assert initiative.organisation == contest_org
    assert "RealtBy" in initiative.funding_note and str(award.prize_amount) in initiative.funding_note
    assert set(initiative.partners.all()) == {award.project.organisation, award.sponsor}
    assert list(
        InitiativeOrganiser.objects.filter(initiative=initiative).values_list("person", flat=True)
    ) == [team_user.person.pk]
    assert actions()[-1] == "initiatives.initiative.started_from_award"
    with pytest.raises(DomainError, match="already an initiative"):
        services.start_from_award(actor=user, award=award)


def test_only_contest_organisers_start_from_a_decided_award(award):
    with pytest.raises(DomainError):
        services.start_from_award(
            actor=organiser(member_of(OrganisationFactory(), Role.MANAGER)), award=award
        )
    user = organiser(member_of(award.edition.contest.organisation, Role.MANAGER))
    undecided = AwardFactory(edition=award.edition)
    with pytest.raises(DomainError, match="no winner"):
        services.start_from_award(actor=user, award=undecided)
    assert not Initiative.objects.exists()


def test_award_links_say_start_or_now_an_initiative(award):
    user = organiser(member_of(award.edition.contest.organisation, Role.MANAGER))
    links = selectors.award_links([award], user, manage=True)
    assert links[award.pk][0][0] == "Start an initiative"
    assert selectors.award_links([award], UserFactory(), manage=False) == {}
    initiative = services.start_from_award(actor=user, award=award)
    assert selectors.award_links([award], UserFactory(), manage=False) == {}  # not published yet
    services.publish(actor=user, initiative=initiative)
    public = selectors.award_links([award], UserFactory(), manage=False)
    assert public[award.pk][0][1] == f"/en/initiatives/{initiative.slug}/"


# --- From an action plan ----------------------------------------------------------------------------------------


def make_plan(status="submitted"):
    from hramada.programmes.models import ActionPlan, Cohort, Participant, Programme

    n = Programme.objects.count()
    programme = Programme.objects.create(
        organisation=OrganisationFactory(), title="Leadership", slug=f"lead-{n}"
    )
    cohort = Cohort.objects.create(
        programme=programme,
        title="2026",
        slug=f"c-2026-{n}",
        year=2026,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 1),
    )
    user = UserFactory()
    participant = Participant.objects.create(cohort=cohort, person=user.person, community=CommunityFactory())
    plan = ActionPlan.objects.create(
        participant=participant, title="Bashni playground", goals="A playground", status=status
    )
    return plan, user


def test_a_participant_turns_their_submitted_plan_into_an_initiative():
    plan, user = make_plan()
    initiative = services.start_from_plan(actor=user, plan=plan)
    plan.refresh_from_db()
    assert plan.initiative == initiative and initiative.action_plan == plan
    assert initiative.organisation is None and initiative.community == plan.participant.community
    assert initiative.title_be == "Bashni playground"
    assert list(initiative.organisers.values_list("person", flat=True)) == [user.person.pk]
    # The participant is an organiser of their own initiative (with two-factor on organiser pages).
    assert services.can_manage(organiser(user), initiative)
    with pytest.raises(DomainError, match="already an initiative"):
        services.start_from_plan(actor=user, plan=plan)


def test_a_draft_plan_or_someone_else_cannot_start_an_initiative():
    plan, user = make_plan(status="draft")
    with pytest.raises(DomainError, match="Submit"):
        services.start_from_plan(actor=user, plan=plan)
    plan, _user = make_plan()
    with pytest.raises(DomainError):
        services.start_from_plan(actor=organiser(UserFactory()), plan=plan)
    assert not Initiative.objects.exists()


# --- Personal data ----------------------------------------------------------------------------------------------


def test_export_and_erasure(shift, manager):
    from hramada.people.services import erase_account, export_person_data

    assert "initiatives" in [s.name for s in personal_data.sections()]
    person = volunteer()
    signup = services.sign_up(actor=person, shift=shift)
    services.add_organiser(
        actor=manager, initiative=shift.role.initiative, person=person.person, role="coach"
    )
    with time_machine.travel(shift.ends_at):
        services.record_hours(actor=manager, signup=signup, hours=3)
    data = export_person_data(person.person)["initiatives"]
    assert data["organiser_of"] == [{"initiative": str(shift.role.initiative), "role": "coach"}]
    assert data["volunteer_shifts"][0]["hours"] == "3.00"
    erased = erase_account(user=person)
    assert not InitiativeOrganiser.objects.filter(person=erased).exists()
    signup.refresh_from_db()
    assert signup.hours == 3  # kept, pseudonymised with the person
    assert selectors.people_reached(shift.role.initiative)["volunteers"] == 1
