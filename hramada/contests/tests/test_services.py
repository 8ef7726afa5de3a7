from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hramada.contests import selectors, services
from hramada.contests.models import Project, Stage
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory

from .factories import CategoryFactory, ContestFactory, EditionFactory, StageFactory

pytestmark = pytest.mark.django_db

K = Stage.Kind


@pytest.fixture
def manager():
    return UserFactory()


@pytest.fixture
def contest(manager):
    contest = ContestFactory()
    Membership.objects.create(organisation=contest.organisation, person=manager.person, role=Role.MANAGER)
    return contest


@pytest.fixture
def edition(contest):
    return EditionFactory(contest=contest)


def test_manager_sets_up_a_contest_edition_categories_and_stages_all_audited(manager):
    org, partner, sponsor = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    Membership.objects.create(organisation=org, person=manager.person, role=Role.OWNER)
    contest = services.create_contest(actor=manager, organisation=org, title_en="Social Weekend")
    assert contest.slug == "social-weekend" and contest.title == "Social Weekend"
    edition = services.create_edition(
        actor=manager,
        contest=contest,
        year=2015,
        co_organisers=[partner, org],
        sponsors=[sponsor],
        title_en="6th Social Weekend, 2015",
        title_be="6-ы Social Weekend, 2015",
    )
    assert list(edition.co_organisers.all()) == [partner]  # the organiser is not its own co-organiser
    assert list(edition.sponsors.all()) == [sponsor]
    category = services.create_category(
        actor=manager, edition=edition, title_en="We build the world around us"
    )
    now = timezone.now()
    stage = services.create_stage(
        actor=manager, edition=edition, kind=K.CALL, starts_at=now, ends_at=now + timedelta(days=30)
    )
    assert category.order == 1 and stage.kind == K.CALL
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "contests.contest.created",
        "contests.edition.created",
        "contests.category.created",
        "contests.stage.created",
    } <= actions
    assert AuditEntry.objects.filter(scope_id=str(org.pk)).count() == 4


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EXPERT])
def test_only_managers_set_up_contests(role):
    user = UserFactory()
    contest = ContestFactory()
    if role:
        Membership.objects.create(organisation=contest.organisation, person=user.person, role=role)
    with pytest.raises(DomainError, match="owners and managers"):
        services.create_contest(actor=user, organisation=contest.organisation, title_en="X")
    with pytest.raises(DomainError, match="organisers"):
        services.create_edition(actor=user, contest=contest, year=2015, title_en="X")
    edition = EditionFactory(contest=contest)
    with pytest.raises(DomainError, match="organisers"):
        services.create_category(actor=user, edition=edition, title_en="X")
    now = timezone.now()
    with pytest.raises(DomainError, match="organisers"):
        services.create_stage(actor=user, edition=edition, kind=K.CALL, starts_at=now, ends_at=now)
    with pytest.raises(DomainError, match="organisers"):
        services.close_stage_early(actor=user, stage=StageFactory(edition=edition))


def test_platform_staff_may_manage_any_contest():
    staff = UserFactory(is_staff=True)
    contest = ContestFactory()
    edition = services.create_edition(actor=staff, contest=contest, year=2016, title_ru="Выпуск")
    assert edition.title == "Выпуск"


def test_titles_are_required(manager, contest):
    with pytest.raises(DomainError, match="title"):
        services.create_edition(actor=manager, contest=contest, year=2015)
    with pytest.raises(DomainError, match="year"):
        services.create_edition(actor=manager, contest=contest, year=15, title_en="X")


def test_stage_must_end_after_it_starts_and_is_one_of_each_kind(manager, edition):
    now = timezone.now()
    with pytest.raises(DomainError, match="end after it starts"):
        services.create_stage(actor=manager, edition=edition, kind=K.CALL, starts_at=now, ends_at=now)
    services.create_stage(
        actor=manager, edition=edition, kind=K.CALL, starts_at=now, ends_at=now + timedelta(days=1)
    )
    with pytest.raises(DomainError, match="already has"):
        services.create_stage(
            actor=manager, edition=edition, kind=K.CALL, starts_at=now, ends_at=now + timedelta(days=2)
        )
    # The database holds the date rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(edition=edition, kind=K.FINAL, starts_at=now, ends_at=now - timedelta(days=1))


def test_current_stage_follows_the_dates_and_an_early_close(manager, edition):
    t0 = timezone.now().replace(microsecond=0)
    day = timedelta(days=1)
    call = StageFactory(edition=edition, kind=K.CALL, starts_at=t0, ends_at=t0 + 10 * day)
    vote = StageFactory(edition=edition, kind=K.PUBLIC_VOTE, starts_at=t0 + 12 * day, ends_at=t0 + 20 * day)
    assert selectors.current_stage(edition, t0 - day) is None
    assert selectors.current_stage(edition, t0) == call
    assert selectors.current_stage(edition, t0 + 11 * day) is None  # between stages
    assert selectors.current_stage(edition, t0 + 12 * day) == vote
    assert selectors.current_stage(edition, t0 + 20 * day) is None  # the end is exclusive

    with pytest.raises(DomainError, match="open stage"):
        services.close_stage_early(actor=manager, stage=vote, now=t0 + day)
    closed = services.close_stage_early(actor=manager, stage=vote, now=t0 + 15 * day)
    assert closed.closed_early_at == t0 + 15 * day and closed.closes_at == t0 + 15 * day
    assert selectors.current_stage(edition, t0 + 14 * day) == vote
    assert selectors.current_stage(edition, t0 + 15 * day) is None
    entry = AuditEntry.objects.get(action="contests.stage.closed_early")
    assert entry.actor == manager and entry.data["kind"] == K.PUBLIC_VOTE
    with pytest.raises(DomainError, match="open stage"):
        services.close_stage_early(actor=manager, stage=closed, now=t0 + 16 * day)


def test_submit_while_the_call_is_open_then_screen(manager, edition):
    author = UserFactory()
    category = CategoryFactory(edition=edition)
    now = timezone.now()
    with pytest.raises(DomainError, match="call for projects is closed"):
        services.create_draft(user=author, category=category, title="Bashni")
    StageFactory(
        edition=edition, kind=K.CALL, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    with pytest.raises(DomainError, match="title"):
        services.create_draft(user=author, category=category, title="  ")
    project = services.create_draft(user=author, category=category, title="Bashni", summary="Towers.")
    services.update_draft(user=author, project=project, settlement=SettlementFactory())
    project = services.submit_project(user=author, project=project)
    assert project.status == Project.Status.SUBMITTED and project.edition == edition
    late = services.create_draft(user=author, category=category, title="Late", summary="x")
    services.update_draft(user=author, project=late, settlement=SettlementFactory())
    with pytest.raises(DomainError, match="closed on"):
        services.submit_project(user=author, project=late, now=now + timedelta(days=2))
    with pytest.raises(DomainError, match="organisers"):
        services.screen_project(actor=author, project=project, eligible=True)
    with pytest.raises(DomainError, match="reason"):
        services.screen_project(actor=manager, project=project, eligible=False)
    project = services.screen_project(actor=manager, project=project, eligible=True)
    assert project.status == Project.Status.ELIGIBLE
    assert list(selectors.eligible_projects(edition)) == [project]
    assert AuditEntry.objects.filter(action="contests.project.eligible").exists()


def test_vote_count_cannot_go_negative(edition):
    from .factories import ProjectFactory

    project = ProjectFactory(category=CategoryFactory(edition=edition))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(vote_count=-1)
