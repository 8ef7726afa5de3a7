"""Undoing a category's confirmed finalists: allowed while the jury has not scored them and no award went
to one of them; a reason, an audit entry, a summary page first, an optional e-mail to the teams."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hramada.awards import selectors, services
from hramada.awards.models import Finalist
from hramada.contests.models import ProjectMember
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff as login
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews import services as review_services
from hramada.reviews.models import Assignment
from hramada.reviews.tests.factories import CriterionFactory, RubricFactory

from .factories import CategoryFactory, EditionFactory, ProjectFactory, member

pytestmark = pytest.mark.django_db
REASON = "C's team was screened eligible only after we confirmed."


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def manager(edition):
    return member(edition.contest.organisation)


def project(category, title, votes):
    return ProjectFactory(
        category=category, title=title, vote_count=votes, submitted_at=timezone.now() - timedelta(days=9)
    )


@pytest.fixture
def confirmed(edition, manager):
    """Category "Help and care" with finalists A and B (not C); another category with finalist X."""
    care = CategoryFactory(edition=edition, title_en="Help and care")
    a, b, c = project(care, "A", 9), project(care, "B", 5), project(care, "C", 1)
    other = CategoryFactory(edition=edition, title_en="Ecology")
    x = project(other, "X", 3)
    services.set_finalist_rule(
        actor=manager, edition=edition, method="formula", finalists_per_category=2, use_normalised=False
    )
    services.confirm_finalists(actor=manager, edition=edition, category=care, projects=[a, b])
    services.confirm_finalists(actor=manager, edition=edition, category=other, projects=[x])
    return {"care": care, "other": other, "a": a, "b": b, "c": c, "x": x}


def start_jury(edition, manager):
    rubric = RubricFactory(organisation=edition.contest.organisation)
    CriterionFactory(rubric=rubric)
    jury = services.start_jury(actor=manager, edition=edition, rubric=rubric, reviews_per_item=1)
    juror = UserFactory()
    reviewer = review_services.add_reviewer(actor=manager, round=jury.round, user=juror)
    return jury, reviewer


def jury_item(jury, project):
    return jury.round.items.get(subject_key=selectors.subject_key(project))


def undo(edition, manager, category, **kwargs):
    return services.undo_finalists(
        actor=manager, edition=edition, category=category, reason=kwargs.pop("reason", REASON), **kwargs
    )


# --- The service ---------------------------------------------------------------------------------------


def test_undo_removes_the_categorys_finalists_and_jury_items_and_is_audited(
    edition, manager, confirmed, django_capture_on_commit_callbacks
):
    care = confirmed["care"]
    jury, juror = start_jury(edition, manager)
    review_services.assign(
        actor=manager, round=jury.round, reviewer=juror, item=jury_item(jury, confirmed["a"])
    )
    rule = selectors.rule_for(edition)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert undo(edition, manager, care) == 2
    assert not Finalist.objects.filter(category=care).exists()
    assert [f.project for f in Finalist.objects.all()] == [confirmed["x"]], "other categories keep theirs"
    assert {i.subject_key for i in jury.round.items.all()} == {selectors.subject_key(confirmed["x"])}
    assert not Assignment.objects.filter(round=jury.round).exists(), "the juror's pending work goes too"
    after = selectors.rule_for(edition)
    assert after.is_frozen and after.fingerprint == rule.fingerprint, "the rule stays frozen"
    entry = AuditEntry.objects.get(action="awards.finalists.undone")
    assert entry.actor == manager
    assert entry.data == {
        "finalists": [confirmed["a"].public_id, confirmed["b"].public_id],
        "reason": REASON,
        "jury_items_removed": 2,
        "teams_notified": False,
        "rule_fingerprint": rule.fingerprint,
    }
    assert mail.outbox == [], "no e-mail to the teams unless the organisers ask for it"
    # The category can be confirmed again, under the same frozen rule; the jury round gets its items back.
    services.confirm_finalists(
        actor=manager, edition=edition, category=care, projects=[confirmed["a"], confirmed["c"]], reason="C"
    )
    assert jury.round.items.count() == 3


def test_undo_needs_a_reason(edition, manager, confirmed):
    with pytest.raises(DomainError, match="reason") as refused:
        undo(edition, manager, confirmed["care"], reason="  ")
    assert refused.value.field == "reason"
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2


def test_undo_refused_once_the_jury_scored_a_finalist_of_the_category(edition, manager, confirmed):
    jury, juror = start_jury(edition, manager)
    assignment = review_services.assign(
        actor=manager, round=jury.round, reviewer=juror, item=jury_item(jury, confirmed["b"])
    )
    review_services.submit_review(
        user=juror.user, assignment=assignment, scores={jury.round.rubric.criteria.get().pk: 7}
    )
    message = "The jury has already scored finalists of this category (B)"
    assert selectors.undo_refusal(edition, confirmed["care"]).startswith(message)
    with pytest.raises(DomainError, match=r"jury has already scored finalists of this category \(B\)"):
        undo(edition, manager, confirmed["care"])
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2
    assert jury.round.items.count() == 3
    assert undo(edition, manager, confirmed["other"]) == 1, "a category the jury has not scored can be undone"


def test_undo_refused_once_an_award_went_to_a_finalist_of_the_category(edition, manager, confirmed):
    award = services.create_award(actor=manager, edition=edition, title="Audience prize")  # any category
    services.decide_winner(actor=manager, award=award, project=confirmed["a"])
    with pytest.raises(DomainError, match="“Audience prize” has already been given to “A”"):
        undo(edition, manager, confirmed["care"])
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2
    assert selectors.undo_refusal(edition, confirmed["other"]) is None


def test_undo_refused_after_publication(edition, manager, confirmed):
    award = services.create_award(actor=manager, edition=edition, title="Ecology prize")
    services.decide_winner(actor=manager, award=award, project=confirmed["x"])
    services.publish_results(actor=manager, edition=edition)
    with pytest.raises(DomainError, match="published"):
        undo(edition, manager, confirmed["care"])


def test_undo_refused_without_confirmed_finalists_or_for_another_editions_category(
    edition, manager, confirmed
):
    empty = CategoryFactory(edition=edition)
    with pytest.raises(DomainError, match="nothing to undo"):
        undo(edition, manager, empty)
    with pytest.raises(DomainError, match="another edition"):
        undo(edition, manager, CategoryFactory())


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.EXPERT, "other organisation"])
def test_only_the_editions_organisers_undo(edition, manager, confirmed, role):
    if role == "other organisation":
        actor = member(OrganisationFactory(), Role.OWNER)
    else:
        actor = member(edition.contest.organisation, role) if role else UserFactory()
    with pytest.raises(DomainError, match="organisers"):
        undo(edition, actor, confirmed["care"])
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2


def team_member(project, language):
    user = UserFactory()
    user.person.preferred_language = language
    user.person.save()
    ProjectMember.objects.create(
        project=project, user=user, email=user.email, role="member", accepted_at=timezone.now()
    )
    return user


def test_teams_can_be_told_by_email_in_their_language(
    edition, manager, confirmed, django_capture_on_commit_callbacks
):
    english, russian = team_member(confirmed["a"], "en"), team_member(confirmed["b"], "ru")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        undo(edition, manager, confirmed["care"], notify_teams=True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([english.email, russian.email])
    [to_english] = [m for m in mail.outbox if m.to == [english.email]]
    assert "“A” is no longer a finalist" in to_english.subject
    assert "Help and care" in to_english.body
    assert f"/en/projects/{confirmed['a'].public_id}/" in to_english.body
    [to_russian] = [m for m in mail.outbox if m.to == [russian.email]]
    assert f"/ru/projects/{confirmed['b'].public_id}/" in to_russian.body  # the link in their language
    assert AuditEntry.objects.get(action="awards.finalists.undone").data["teams_notified"] is True


# --- The organiser pages --------------------------------------------------------------------------------


def url(name, edition, *args):
    return reverse(f"awards:{name}", args=[edition.contest.slug, edition.public_id, *args])


def test_finalists_page_offers_the_undo_for_confirmed_categories(client, edition, manager, confirmed):
    login(client, manager)
    page = client.get(url("finalists", edition)).content.decode()
    assert url("undo_finalists", edition, confirmed["care"].public_id) in page
    assert url("undo_finalists", edition, confirmed["other"].public_id) in page


def test_undo_asks_on_a_summary_page_then_undoes(client, edition, manager, confirmed):
    login(client, manager)
    target = url("undo_finalists", edition, confirmed["care"].public_id)
    summary = client.get(target)
    page = summary.content.decode()
    assert summary.status_code == 200
    assert "A" in page and "B" in page and "already e-mailed" in page and "stays frozen" in page
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2, "the summary changes nothing"
    no_reason = client.post(target, {"reason": ""})
    assert no_reason.status_code == 200 and "This field is required" in no_reason.content.decode()
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2
    done = client.post(target, {"reason": REASON}, follow=True)
    assert done.redirect_chain[-1][0] == url("finalists", edition)
    assert "no longer confirmed" in done.content.decode()
    assert not Finalist.objects.filter(category=confirmed["care"]).exists()
    assert client.get(target).status_code == 404, "nothing left to undo"


def test_undo_page_explains_a_refusal_and_offers_no_button(client, edition, manager, confirmed):
    award = services.create_award(
        actor=manager, edition=edition, title="Main prize", category=confirmed["care"]
    )
    services.decide_winner(actor=manager, award=award, project=confirmed["b"])
    login(client, manager)
    target = url("undo_finalists", edition, confirmed["care"].public_id)
    page = client.get(target).content.decode()
    assert "has already been given to" in page and 'name="reason"' not in page
    refused = client.post(target, {"reason": REASON})
    assert refused.status_code == 200 and "has already been given to" in refused.content.decode()
    assert Finalist.objects.filter(category=confirmed["care"]).count() == 2


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 403), (Role.MEMBER, 403), (Role.EXPERT, 403), ("other organisation", 403), (Role.MANAGER, 200)],
)
def test_undo_page_permissions(client, edition, manager, confirmed, role, expected):
    if role == "other organisation":
        user = member(OrganisationFactory(), Role.OWNER)
    else:
        user = member(edition.contest.organisation, role) if role else UserFactory()
    login(client, user)
    target = url("undo_finalists", edition, confirmed["care"].public_id)
    assert client.get(target).status_code == expected
    response = client.post(target, {"reason": REASON})
    assert response.status_code == (403 if expected == 403 else 302)
    assert Finalist.objects.filter(category=confirmed["care"]).exists() == (expected == 403)


def test_undo_page_sends_anonymous_visitors_to_log_in(client, edition, confirmed):
    response = client.get(url("undo_finalists", edition, confirmed["care"].public_id))
    assert response.status_code == 302 and "login" in response["Location"]
