"""The admin site: every awards model has a changelist; frozen, confirmed and published data cannot be
changed there (a frozen rule's formula, a publication, confirmed finalists, a decided winner)."""

import pytest
from django.urls import reverse

from hramada.awards import selectors, services
from hramada.awards.models import Award, Finalist, FinalistRule, Pledge, Publication, ReviewStage
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews.tests.factories import CriterionFactory, RubricFactory

from .factories import CategoryFactory, EditionFactory, ProjectFactory, member

pytestmark = pytest.mark.django_db

MODELS = [ReviewStage, FinalistRule, Finalist, Award, Pledge, Publication]


@pytest.fixture
def admin_client(client):
    login_staff(client, UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def published():
    """An edition with every kind of awards data, its results published."""
    edition = EditionFactory()
    manager = member(edition.contest.organisation)
    category = CategoryFactory(edition=edition)
    winner = ProjectFactory(category=category, title="Bashni", vote_count=5)
    rubric = RubricFactory(organisation=edition.contest.organisation)
    CriterionFactory(rubric=rubric)
    services.start_expert_review(actor=manager, edition=edition, rubric=rubric)
    services.set_finalist_rule(actor=manager, edition=edition, method="formula", finalists_per_category=1)
    services.confirm_finalists(actor=manager, edition=edition, category=category, projects=[winner])
    sponsor = OrganisationFactory(name="realt.by")
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, title="Sponsor prize", amount=700
    )
    award = services.accept_pledge(actor=manager, pledge=pledge)
    services.decide_winner(actor=manager, award=award, project=winner)
    services.publish_results(actor=manager, edition=edition)
    return edition


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:awards_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_load_for_a_superuser(admin_client, published, model):
    response = admin_client.get(admin_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert admin_client.get(admin_url(model) + "?q=Bashni").status_code == 200  # search works


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_published_data_is_read_only(admin_client, published, model):
    obj = model.objects.get()
    page = admin_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_frozen_rules_formula_and_fingerprint_cannot_change(admin_client, published):
    rule = FinalistRule.objects.get()
    assert rule.is_frozen
    page = admin_client.get(admin_url(FinalistRule, "change", rule.pk)).content.decode()
    for field in ("method", "vote_weight", "expert_weight", "finalists_per_category", "fingerprint"):
        assert f'name="{field}"' not in page, field
    assert rule.fingerprint in page  # shown, read-only
    response = admin_client.post(
        admin_url(FinalistRule, "change", rule.pk),
        {"method": "formula", "vote_weight": "1", "expert_weight": "0", "finalists_per_category": "9"},
    )
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.vote_weight == FinalistRule._meta.get_field("vote_weight").default
    assert rule.fingerprint == selectors.rule_fingerprint(rule)


def test_a_rule_not_yet_frozen_can_be_edited_and_the_change_is_audited(admin_client):
    edition = EditionFactory()
    rule = services.set_finalist_rule(
        actor=member(edition.contest.organisation),
        edition=edition,
        method="formula",
        finalists_per_category=2,
    )
    page = admin_client.get(admin_url(FinalistRule, "change", rule.pk)).content.decode()
    assert (
        'name="vote_weight"' in page and 'name="fingerprint"' not in page and 'name="frozen_at"' not in page
    )
    data = {
        "method": "formula",
        "vote_weight": "0.3",
        "expert_weight": "0.7",
        "finalists_per_category": "3",
        "use_normalised": "on",
        "tie_break": "votes",
    }
    response = admin_client.post(admin_url(FinalistRule, "change", rule.pk), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (str(rule.vote_weight), rule.finalists_per_category, rule.frozen_at) == ("0.300", 3, None)
    entry = AuditEntry.objects.get(action="admin.awards.finalistrule.changed")
    assert entry.scope_id == str(edition.contest.organisation_id)


def test_an_undecided_award_can_be_renamed_but_its_winner_is_never_set_here(admin_client):
    edition = EditionFactory()
    award = services.create_award(actor=member(edition.contest.organisation), edition=edition, title="Prize")
    page = admin_client.get(admin_url(Award, "change", award.pk)).content.decode()
    assert all(f'name="title_{lang}"' in page for lang in ("be", "ru", "en"))  # renamed in each language
    assert 'name="project"' not in page and 'name="decided_at"' not in page
    assert (
        admin_client.get(admin_url(Award, "add")).status_code == 403
    )  # awards are added on the organiser pages
