from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.orgs.tests.factories import member_of as member
from hramada.people.tests.factories import UserFactory
from hramada.reviews import services
from hramada.reviews.models import Assignment, Conflict, Item, Reviewer, Round, Rubric, Score

from .factories import AssignmentFactory, ConflictFactory, ItemFactory, ReviewerFactory, RoundFactory

pytestmark = pytest.mark.django_db


def login(client, user, totp=True):
    if totp:
        login_staff(client, user)
    else:
        client.force_login(user)
    return user


@pytest.fixture
def round_():
    return RoundFactory(reviews_per_item=2)


@pytest.fixture
def manager(client, round_):
    return login(client, member(round_.organisation, Role.MANAGER))


def rurl(name, round_, *args):
    return reverse(f"reviews:{name}", args=[round_.public_id, *args])


ROUND_PAGES = ["round", "reviewers", "assignments", "auto_assign", "progress", "results", "results_csv"]
ROLES = {
    "non-member": (None, 403),
    "member": (Role.MEMBER, 403),
    "expert": (Role.EXPERT, 403),
    "reviewer in the round": ("reviewer", 403),
    "manager": (Role.MANAGER, 200),
    "owner": (Role.OWNER, 200),
    "platform staff": ("staff", 200),
}


@pytest.mark.parametrize("who", list(ROLES))
def test_organiser_pages_permission_matrix(client, round_, who):
    role, expected = ROLES[who]
    if role == "staff":
        user = UserFactory(is_staff=True)
    elif role == "reviewer":
        user = ReviewerFactory(round=round_).user
    elif role is None:
        user = UserFactory()
    else:
        user = member(round_.organisation, role)
    login(client, user)
    org = round_.organisation.slug
    pages = [rurl(name, round_) for name in ROUND_PAGES] + [
        reverse("reviews:org_rounds", args=[org]),
        reverse("reviews:rubric_new", args=[org]),
        reverse("reviews:round_new", args=[org]),
    ]
    statuses = {page: client.get(page).status_code for page in pages}
    assert set(statuses.values()) == {expected}, statuses
    posts = [rurl("assignment_add", round_), rurl("conflict_add", round_)]
    for page in posts:
        assert client.post(page, {}).status_code == (403 if expected == 403 else 302)


def test_anonymous_is_sent_to_login(client, round_):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    pages = [rurl(name, round_) for name in ROUND_PAGES] + [
        reverse("reviews:my_reviews"),
        reverse("reviews:review", args=[assignment.public_id]),
        reverse("reviews:declare_conflict", args=[assignment.public_id]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], page


def test_manage_pages_need_two_factor_but_reviewer_pages_do_not(client, round_):
    assignment = AssignmentFactory(reviewer=ReviewerFactory(round=round_))
    login(client, assignment.reviewer.user, totp=False)
    assert client.get(reverse("reviews:my_reviews")).status_code == 200
    assert client.get(reverse("reviews:review", args=[assignment.public_id])).status_code == 200
    boss = login(client, member(round_.organisation, Role.MANAGER), totp=False)
    response = client.get(rurl("round", round_))
    assert response.status_code == 302 and "/accounts/login/" not in response["Location"]
    assert boss


def test_manager_of_another_organisation_is_refused(client, round_):
    login(client, member(OrganisationFactory(), Role.OWNER))
    assert client.get(rurl("results", round_)).status_code == 403


# --- Organiser forms -------------------------------------------------------------------------------------


def test_create_rubric_then_round(client):
    org = OrganisationFactory()
    login(client, member(org, Role.MANAGER))
    assert client.get(reverse("reviews:round_new", args=[org.slug]))["Location"].endswith(
        reverse("reviews:rubric_new", args=[org.slug])
    )
    data = {
        "title": "Social Weekend 2015",
        "description": "",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "30",
        "criteria-0-title": "Social impact",
        "criteria-0-weight": "2",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "10",
        "criteria-1-title": "Team",
        "criteria-1-weight": "1",
        "criteria-1-scale_min": "1",
        "criteria-1-scale_max": "5",
        "criteria-2-title": "",
        "criteria-2-weight": "1",
        "criteria-2-scale_min": "0",
        "criteria-2-scale_max": "10",
    }
    page = client.get(reverse("reviews:rubric_new", args=[org.slug]))
    assert page.status_code == 200 and b"criteria-4-title" in page.content
    bad = client.post(reverse("reviews:rubric_new", args=[org.slug]), data | {"criteria-1-scale_max": "1"})
    assert bad.status_code == 200 and b"lower to a higher" in bad.content
    response = client.post(reverse("reviews:rubric_new", args=[org.slug]), data)
    assert response.status_code == 302
    rubric = Rubric.objects.get(organisation=org)
    assert [c.title for c in rubric.criteria.all()] == ["Social impact", "Team"]
    response = client.post(
        reverse("reviews:round_new", args=[org.slug]),
        {"title": "Expert review", "rubric": rubric.pk, "purpose": "expert_review", "reviews_per_item": "3"},
    )
    round_ = Round.objects.get(organisation=org)
    assert response["Location"] == rurl("round", round_)
    assert b"Social impact" in client.get(rurl("round", round_)).content


def test_add_item_reviewer_conflict_and_manual_assignment(client, round_, manager):
    applicant = OrganisationFactory()
    response = client.post(
        rurl("round", round_), {"title": "Bashni", "url": "/p/1/", "organisation": applicant.slug}
    )
    assert response.status_code == 302
    item = Item.objects.get(round=round_)
    assert item.organisation == applicant and item.subject_key.startswith("manual:")
    expert = UserFactory(email="Expert@Example.org")
    page = client.post(rurl("reviewers", round_), {"email": "nobody@example.org"})
    assert b"Ask the reviewer to sign up first" in page.content
    client.post(rurl("reviewers", round_), {"email": "expert@example.org"})
    reviewer = Reviewer.objects.get(round=round_)
    assert reviewer.user == expert
    again = client.post(rurl("reviewers", round_), {"email": "expert@example.org"})
    assert b"already a reviewer" in again.content
    insider = UserFactory()
    Membership.objects.create(organisation=applicant, person=insider.person)
    insider_reviewer = services.add_reviewer(actor=manager, round=round_, user=insider)
    response = client.post(
        rurl("assignment_add", round_),
        {"reviewer": insider_reviewer.public_id, "item": item.public_id},
        follow=True,
    )
    assert (
        b"applicant&#x27;s organisation" in response.content
        or b"applicant's organisation" in response.content
    )
    assert not Assignment.objects.exists()
    client.post(
        rurl("conflict_add", round_),
        {"reviewer": reviewer.public_id, "item": item.public_id, "reason": "Mentor"},
    )
    assert Conflict.objects.filter(reviewer=reviewer, item=item).exists()
    response = client.post(
        rurl("assignment_add", round_), {"reviewer": reviewer.public_id, "item": item.public_id}, follow=True
    )
    assert b"conflict of interest" in response.content
    conflict = Conflict.objects.get()
    client.post(rurl("conflict_remove", round_, conflict.public_id))
    client.post(rurl("assignment_add", round_), {"reviewer": reviewer.public_id, "item": item.public_id})
    assignment = Assignment.objects.get()
    assert assignment.manual
    client.post(rurl("assignment_remove", round_, assignment.public_id))
    assert not Assignment.objects.exists()
    client.post(rurl("reviewer_remove", round_, reviewer.public_id))
    assert not Reviewer.objects.filter(pk=reviewer.pk).exists()


def test_auto_assign_preview_then_confirm(client, round_, manager):
    ReviewerFactory.create_batch(3, round=round_)
    ItemFactory.create_batch(3, round=round_)
    page = client.get(rurl("auto_assign", round_))
    assert b"6 new assignments for 3 items" in page.content
    assert not Assignment.objects.exists(), "the preview writes nothing"
    token = page.context["token"]
    response = client.post(rurl("auto_assign", round_), {"plan": token})
    assert response["Location"] == rurl("progress", round_)
    assert Assignment.objects.count() == 6


def test_auto_assign_refuses_a_stale_or_altered_plan(client, round_, manager):
    ReviewerFactory.create_batch(2, round=round_)
    ItemFactory.create_batch(2, round=round_)
    token = client.get(rurl("auto_assign", round_)).context["token"]
    ReviewerFactory(round=round_)
    response = client.post(rurl("auto_assign", round_), {"plan": token}, follow=True)
    assert b"changed since this plan" in response.content and not Assignment.objects.exists()
    response = client.post(rurl("auto_assign", round_), {"plan": token + "x"}, follow=True)
    assert b"expired or was altered" in response.content and not Assignment.objects.exists()


def test_progress_filter_results_and_csv(client, round_, manager):
    r1, r2 = ReviewerFactory(round=round_), ReviewerFactory(round=round_)
    item = ItemFactory(round=round_, title="=HYPERLINK()")
    done = AssignmentFactory(reviewer=r1, item=item)
    AssignmentFactory(reviewer=r2, item=item)
    services.submit_review(user=r1.user, assignment=done, scores={round_.rubric.criteria.get().pk: 7})
    page = client.get(rurl("progress", round_) + "?status=pending")
    assert [p.reviewer for p in page.context["page"].object_list] == [r2]
    results = client.get(rurl("results", round_))
    assert b"70.00" in results.content
    csv_text = client.get(rurl("results_csv", round_)).content.decode()
    assert "raw_0_100" in csv_text and "'=HYPERLINK()" in csv_text and "70.00" in csv_text
    reviews_csv = client.get(rurl("results_csv", round_) + "?reviews=1").content.decode()
    assert str(r1) in reviews_csv and str(r2) not in reviews_csv


def test_list_pages_show_empty_states(client, round_, manager):
    assert b"No items yet" in client.get(rurl("round", round_)).content
    assert b"No reviewers yet" in client.get(rurl("reviewers", round_)).content
    assert b"nothing to assign" in client.get(rurl("auto_assign", round_)).content
    org_page = client.get(reverse("reviews:org_rounds", args=[round_.organisation.slug]))
    assert round_.title.encode() in org_page.content


# --- Reviewer pages --------------------------------------------------------------------------------------


@pytest.fixture
def assignment(round_):
    return AssignmentFactory(
        reviewer=ReviewerFactory(round=round_), item=ItemFactory(round=round_, title="Bashni")
    )


def test_my_reviews_lists_only_my_assignments_with_counts(client, assignment):
    other = AssignmentFactory()
    login(client, assignment.reviewer.user, totp=False)
    page = client.get(reverse("reviews:my_reviews"))
    assert b"Bashni" in page.content and other.item.title.encode() not in page.content
    assert page.context["counts"] == {"pending": 1, "done": 0}
    done_page = client.get(reverse("reviews:my_reviews") + "?status=done")
    assert b"You have no reviews here" in done_page.content


def test_other_users_cannot_open_an_assignment(client, assignment):
    for user in (
        UserFactory(),
        member(assignment.round.organisation, Role.MANAGER),
        UserFactory(is_staff=True),
    ):
        login(client, user)
        assert client.get(reverse("reviews:review", args=[assignment.public_id])).status_code == 404
        assert (
            client.post(
                reverse("reviews:declare_conflict", args=[assignment.public_id]), {"reason": "x"}
            ).status_code
            == 404
        )


def test_scoring_form(client, assignment):
    login(client, assignment.reviewer.user, totp=False)
    criterion = assignment.round.rubric.criteria.get()
    url = reverse("reviews:review", args=[assignment.public_id])
    page = client.get(url)
    assert f'name="criterion_{criterion.pk}"'.encode() in page.content and b'max="10"' in page.content
    bad = client.post(url, {f"criterion_{criterion.pk}": "11", "comment": ""})
    assert bad.status_code == 200 and not Score.objects.exists()
    response = client.post(url, {f"criterion_{criterion.pk}": "8", "comment": "Clear plan"})
    assert response["Location"] == reverse("reviews:my_reviews")
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.comment == "Clear plan"
    assert client.get(url).context["form"][f"criterion_{criterion.pk}"].value() == 8


def test_scoring_form_after_closing(client, assignment):
    Round.objects.filter(pk=assignment.round_id).update(closes_at=timezone.now() - timedelta(minutes=1))
    login(client, assignment.reviewer.user, totp=False)
    url = reverse("reviews:review", args=[assignment.public_id])
    assert b"not open for reviewing" in client.get(url).content
    criterion = assignment.round.rubric.criteria.get()
    response = client.post(url, {f"criterion_{criterion.pk}": "5"})
    assert b"Reviewing closed" in response.content and not Score.objects.exists()


def test_expert_declares_conflict(client, assignment):
    login(client, assignment.reviewer.user, totp=False)
    url = reverse("reviews:declare_conflict", args=[assignment.public_id])
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "I advise this team."})
    assert response["Location"] == reverse("reviews:my_reviews")
    assert Conflict.objects.get().reason == "I advise this team."
    assert not Assignment.objects.exists()


def test_conflict_factory_is_consistent():
    conflict = ConflictFactory()
    assert conflict.item.round == conflict.reviewer.round


def test_organiser_dashboard_lists_my_rounds_only(client, round_, manager):
    other = RoundFactory(title="Someone else's review")
    page = client.get(reverse("core:manage")).content.decode()
    assert rurl("round", round_) in page and rurl("round", other) not in page


def test_results_page_query_count_does_not_grow_with_reviews(
    client, round_, manager, django_assert_max_num_queries
):
    criterion = round_.rubric.criteria.get()
    for _n in range(6):
        reviewer = ReviewerFactory(round=round_)
        for item in ItemFactory.create_batch(2, round=round_):
            a = AssignmentFactory(reviewer=reviewer, item=item)
            services.submit_review(user=reviewer.user, assignment=a, scores={criterion.pk: 5})
    with django_assert_max_num_queries(20):
        assert client.get(rurl("results", round_)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(rurl("assignments", round_)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(rurl("progress", round_)).status_code == 200


def test_auto_assign_preview_explains_items_left_short(client, round_, manager):
    applicant = OrganisationFactory()
    ReviewerFactory(round=round_)
    ReviewerFactory(round=round_, organisation=applicant)
    ItemFactory(round=round_, title="Crisis psychology", organisation=applicant)
    page = client.get(rurl("auto_assign", round_)).content.decode()
    assert "1 item will still have too few reviews" in page
    assert "Crisis psychology" in page and "from the applicant" in page


def test_small_round_actions_show_refusals_and_form_errors_and_refuse_get(client, round_, manager):
    """Removing a reviewer, recording or lifting a conflict, assigning and taking back share one shape:
    POST only, the service's refusal or the form's errors as a message, back to the list page."""
    reviewer = ReviewerFactory(round=round_)
    done = AssignmentFactory(reviewer=reviewer, item=ItemFactory(round=round_))
    services.submit_review(user=reviewer.user, assignment=done, scores={round_.rubric.criteria.get().pk: 4})
    actions = [
        (rurl("reviewer_remove", round_, reviewer.public_id), {}, "reviewers", "already submitted reviews"),
        (rurl("assignment_remove", round_, done.public_id), {}, "assignments", "already been submitted"),
        (rurl("assignment_add", round_), {"reviewer": "nobody"}, "assignments", "valid choice"),
        (rurl("conflict_add", round_), {"reviewer": reviewer.public_id}, "reviewers", "required"),
    ]
    for url, data, back, message in actions:
        assert client.get(url).status_code == 405
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == rurl(back, round_)
        page = client.get(response["Location"]).content.decode()
        assert message in page, url
    assert Reviewer.objects.filter(pk=reviewer.pk).exists() and Assignment.objects.filter(pk=done.pk).exists()
