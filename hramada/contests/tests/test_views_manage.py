"""Organiser pages: the permission matrix, set-up forms, screening with a summary, and query counts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hramada.contests import registry, submissions
from hramada.contests.models import Contest, Project, Stage
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff as login
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of as member
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory

from .factories import CategoryFactory, EditionFactory, StageFactory

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def edition():
    edition = EditionFactory()
    CategoryFactory(edition=edition)
    StageFactory(edition=edition, kind=Stage.Kind.CALL)
    return edition


@pytest.fixture
def manager(client, edition):
    return login(client, member(edition.contest.organisation, Role.MANAGER))


def eurl(name, edition, *args):
    return reverse(f"contests:{name}", args=[edition.contest.slug, edition.public_id, *args])


def submitted(edition, title="Bashni"):
    lead = UserFactory()
    project = submissions.create_draft(
        user=lead, category=edition.categories.first(), title=title, summary="s"
    )
    submissions.update_draft(user=lead, project=project, settlement=SettlementFactory())
    return submissions.submit_project(user=lead, project=project)


EDITION_PAGES = [
    "edition_manage",
    "edition_edit",
    "categories",
    "stages",
    "submission_form",
    "projects",
    "audit",
]
ROLES = {
    "non-member": (None, 403),
    "member": (Role.MEMBER, 403),
    "expert": (Role.EXPERT, 403),
    "manager": (Role.MANAGER, 200),
    "owner": (Role.OWNER, 200),
    "platform staff": ("staff", 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, edition, role):
    kind, expected = ROLES[role]
    org = edition.contest.organisation
    if kind == "staff":
        user = UserFactory(is_staff=True)
    elif kind is None:
        user = UserFactory()
    else:
        user = member(org, kind)
    login(client, user)
    project = submitted(edition)
    stage = edition.stages.first()
    urls = [eurl(name, edition) for name in EDITION_PAGES] + [
        reverse("contests:org_contests", args=[org.slug]),
        reverse("contests:contest_edit", args=[edition.contest.slug]),
        reverse("contests:edition_new", args=[edition.contest.slug]),
        eurl("stage_edit", edition, stage.public_id),
        eurl("project_review", edition, project.public_id),
    ]
    for url in urls:
        assert client.get(url).status_code == expected, url


def test_anonymous_is_sent_to_log_in(client, edition):
    response = client.get(eurl("edition_manage", edition))
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_contest_and_edition_with_translated_titles(client, manager, edition):
    org = edition.contest.organisation
    response = client.post(
        reverse("contests:org_contests", args=[org.slug]), {"title_be": "Сацыяльны ўікэнд"}
    )
    contest = Contest.objects.exclude(pk=edition.contest.pk).get()
    assert response.status_code == 302 and contest.title_be == "Сацыяльны ўікэнд"
    response = client.post(
        reverse("contests:edition_new", args=[contest.slug]),
        {"title_en": "1st edition", "title_ru": "1-й выпуск", "year": "2026"},
    )
    new = contest.editions.get()
    assert response.status_code == 302 and response["Location"] == eurl("edition_manage", new)
    assert new.title_ru == "1-й выпуск" and new.year == 2026
    # Missing title: the page comes back with the typed data and an error.
    response = client.post(reverse("contests:edition_new", args=[contest.slug]), {"year": "2027"})
    assert response.status_code == 200 and b"at least one language" in response.content
    assert b'value="2027"' in response.content


def test_overview_shows_counts_stages_and_registered_links(client, manager, edition):
    submitted(edition)
    registry.register_edition_manage_link(99, "Test link", "contests:audit")
    try:
        page = client.get(eurl("edition_manage", edition)).content.decode()
    finally:
        registry.edition_manage_links[:] = [x for x in registry.edition_manage_links if x[1] != "Test link"]
    assert "Test link" in page and eurl("audit", edition) in page
    assert f'{eurl("projects", edition)}?status=submitted">1<' in page
    assert "Call for projects" in page


def test_categories_add_edit_and_move(client, manager, edition):
    first = edition.categories.get()
    client.post(eurl("categories", edition), {"new-title_en": "Second"})
    second = edition.categories.get(title_en="Second")
    client.post(eurl("category_move", edition, second.public_id), {"direction": "up"})
    assert list(edition.categories.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(eurl("category_edit", edition, first.public_id), {f"c{first.pk}-title_be": "Першая"})
    first.refresh_from_db()
    assert first.title_be == "Першая"


def test_stage_dates_edit_and_close_early_are_audited(client, manager, edition):
    call = edition.stages.get()
    start = timezone.localtime(call.starts_at).replace(second=0, microsecond=0)
    end = start + timedelta(days=20)
    response = client.post(
        eurl("stage_edit", edition, call.public_id),
        {"starts_at": start.strftime(FMT), "ends_at": end.strftime(FMT)},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.ends_at == end
    client.post(eurl("stage_close", edition, call.public_id))
    call.refresh_from_db()
    assert call.closed_early_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"contests.stage.changed", "contests.stage.closed_early"} <= actions
    page = client.get(eurl("audit", edition)).content.decode()
    assert "contests.stage.closed_early" in page


def test_submission_form_created_and_opened_in_the_builder(client, manager, edition):
    response = client.post(eurl("submission_form", edition), {"create": "1"})
    edition.refresh_from_db()
    assert edition.submission_form is not None
    assert response["Location"] == reverse("questions:form_detail", args=[edition.submission_form.public_id])


def test_screening_one_project_needs_a_reason_and_emails_the_team(
    client, manager, edition, django_capture_on_commit_callbacks
):
    project = submitted(edition)
    url = eurl("project_review", edition, project.public_id)
    response = client.post(url, {"decision": "not_eligible", "reason": ""})
    assert response.status_code == 200 and b"reason" in response.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "not_eligible", "reason": "Outside the region."})
    project.refresh_from_db()
    assert project.status == Project.Status.NOT_ELIGIBLE
    assert "Outside the region." in mail.outbox[0].body


def test_bulk_screening_shows_a_summary_before_commit(client, manager, edition):
    a, b = submitted(edition, "A"), submitted(edition, "B")
    data = {"projects": [a.public_id, b.public_id], "bulk-decision": "eligible", "bulk-reason": ""}
    response = client.post(eurl("projects", edition), data)
    assert response.status_code == 200 and b"Confirm and e-mail the teams" in response.content
    assert Project.objects.filter(status=Project.Status.ELIGIBLE).count() == 0
    response = client.post(eurl("projects", edition), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert Project.objects.filter(status=Project.Status.ELIGIBLE).count() == 2


def test_screening_list_filters_and_query_count(client, manager, edition, django_assert_max_num_queries):
    other = CategoryFactory(edition=edition)
    for i in range(3):
        submitted(edition, f"P{i}")
    drafts_lead = UserFactory()
    submissions.create_draft(user=drafts_lead, category=other, title="Draft only")
    page = client.get(eurl("projects", edition)).content.decode()
    assert "P0" in page and "Draft only" not in page
    page = client.get(eurl("projects", edition) + f"?category={other.public_id}").content.decode()
    assert "P0" not in page
    with django_assert_max_num_queries(14) as before:
        client.get(eurl("projects", edition))
    for i in range(10):
        submitted(edition, f"Q{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(eurl("projects", edition))


def test_dashboard_and_organisation_menu_link(client, manager, edition):
    page = client.get(reverse("core:manage")).content.decode()
    assert "Contests you organise" in page and eurl("edition_manage", edition) in page
    org = edition.contest.organisation
    page = client.get(reverse("orgs:edit", args=[org.slug])).content.decode()
    assert reverse("contests:org_contests", args=[org.slug]) in page


def test_the_admin_site_cannot_move_an_opened_public_vote(client):
    from datetime import timedelta

    from django.utils import timezone

    from hramada.contests.models import Stage
    from hramada.core.tests.helpers import login_staff
    from hramada.people.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    login_staff(client, admin_user)
    now = timezone.now()
    stage = StageFactory(
        kind=Stage.Kind.PUBLIC_VOTE, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5)
    )
    url = reverse("admin:contests_stage_change", args=[stage.pk])
    moved = now + timedelta(days=9)
    response = client.post(
        url,
        {
            "edition": stage.edition_id,
            "kind": stage.kind,
            "starts_at_0": stage.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": stage.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": moved.strftime("%Y-%m-%d"),
            "ends_at_1": moved.strftime("%H:%M:%S"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, not a redirect
    errors = str(response.context_data["adminform"].form.non_field_errors())
    assert "fingerprint cover the voting window" in errors
    stage.refresh_from_db()
    assert stage.ends_at < moved
