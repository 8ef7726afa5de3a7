"""Pages: the permission matrix (anonymous, non-member, member, manager), the confirmation summary,
the sponsor's page, the results page hidden before publication, and the CSV/XLSX exports."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from hramada.awards import selectors, services
from hramada.awards.models import Finalist, Pledge
from hramada.contests import registry
from hramada.core.tests.helpers import login_staff as login
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory

from .factories import CategoryFactory, EditionFactory, ProjectFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory()
    category = CategoryFactory(edition=edition, title_en="Help and care")
    ProjectFactory(category=category, title="=Bashni", vote_count=30)
    ProjectFactory(category=category, title="Flat-mate finder", vote_count=10)
    return edition


@pytest.fixture
def manager(edition):
    return member(edition.contest.organisation)


def url(name, edition, *args):
    return reverse(f"awards:{name}", args=[edition.contest.slug, edition.public_id, *args])


def published(edition, manager):
    category = edition.categories.get()
    services.set_finalist_rule(actor=manager, edition=edition, method="formula", finalists_per_category=1)
    [row] = selectors.proposal(edition)[0].selected
    services.confirm_finalists(actor=manager, edition=edition, category=category, projects=[row.project])
    sponsor = OrganisationFactory(name="realt.by")
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, title="Sponsor prize", amount=700
    )
    award = services.accept_pledge(actor=manager, pledge=pledge)
    services.decide_winner(actor=manager, award=award, project=row.project)
    services.publish_results(actor=manager, edition=edition)
    return row.project


PAGES = ["manage", "rule", "finalists", "awards", "publish"]
ROLES = {
    "non-member": (None, 403),
    "member": (Role.MEMBER, 403),
    "expert": (Role.EXPERT, 403),
    "manager": (Role.MANAGER, 200),
    "staff": ("staff", 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_organiser_pages_permission_matrix(client, edition, manager, role, page):
    services.set_finalist_rule(actor=manager, edition=edition, method="formula", finalists_per_category=1)
    kind, expected = ROLES[role]
    if kind == "staff":
        user = UserFactory(is_staff=True)
    elif kind is None:
        user = UserFactory()
    else:
        user = member(edition.contest.organisation, kind)
    login(client, user)
    assert client.get(url(page, edition)).status_code == expected


@pytest.mark.parametrize("page", PAGES)
def test_organiser_pages_send_anonymous_visitors_to_log_in(client, edition, page):
    response = client.get(url(page, edition))
    assert response.status_code == 302 and "login" in response["Location"]


def test_edition_manage_page_links_here():
    assert any(name == "awards:manage" for _o, _l, name in registry.edition_manage_links)


def test_rule_form_and_proposal_then_confirm_with_summary(client, edition, manager):
    login(client, manager)
    response = client.post(
        url("rule", edition),
        {
            "method": "formula",
            "finalists_per_category": 1,
            "vote_weight": "0.5",
            "expert_weight": "0.5",
            "tie_break": "votes",
        },
    )
    assert response.status_code == 302
    page = client.get(url("finalists", edition)).content.decode()
    assert "=Bashni" in page and "Finalist: combined score" in page
    category = edition.categories.get()
    other = edition.projects.get(title="Flat-mate finder")
    summary = client.post(
        url("confirm_finalists", edition, category.public_id), {"project": [other.public_id]}
    )
    assert summary.status_code == 200 and "departs from the rule" in summary.content.decode()
    assert not Finalist.objects.exists()  # the summary commits nothing
    refused = client.post(
        url("confirm_finalists", edition, category.public_id), {"project": [other.public_id], "confirm": "1"}
    )
    assert refused.status_code == 200 and not Finalist.objects.exists()
    done = client.post(
        url("confirm_finalists", edition, category.public_id),
        {"project": [other.public_id], "confirm": "1", "reason": "Bashni withdrew."},
    )
    assert done.status_code == 302
    assert Finalist.objects.get().source == "organisers"


def test_weights_not_summing_to_one_are_shown_on_the_form(client, edition, manager):
    login(client, manager)
    response = client.post(
        url("rule", edition),
        {
            "method": "formula",
            "finalists_per_category": 1,
            "vote_weight": "0.6",
            "expert_weight": "0.6",
            "tie_break": "votes",
        },
    )
    assert response.status_code == 200 and "add up to 1" in response.content.decode()


def test_decide_winner_page_lists_only_finalists(client, edition, manager):
    services.set_finalist_rule(actor=manager, edition=edition, method="formula", finalists_per_category=1)
    [row] = selectors.proposal(edition)[0].selected
    services.confirm_finalists(
        actor=manager, edition=edition, category=edition.categories.get(), projects=[row.project]
    )
    award = services.create_award(actor=manager, edition=edition, title="Main prize")
    login(client, manager)
    page = client.get(url("decide_winner", edition, award.public_id)).content.decode()
    assert "=Bashni" in page and "Flat-mate finder" not in page
    response = client.post(url("decide_winner", edition, award.public_id), {"project": row.project.public_id})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.project == row.project


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 403), (Role.MEMBER, 403), (Role.EXPERT, 403), (Role.MANAGER, 200), (Role.OWNER, 200)],
)
def test_sponsor_page_permissions(client, edition, role, expected):
    sponsor = OrganisationFactory()
    user = member(sponsor, role) if role else UserFactory()
    login(client, user)
    assert client.get(reverse("awards:sponsor_pledges", args=[sponsor.slug])).status_code == expected


def test_sponsor_declares_a_pledge_and_sees_its_status(client, edition, manager):
    sponsor = OrganisationFactory()
    login(client, member(sponsor))
    category = edition.categories.get()
    response = client.post(
        reverse("awards:sponsor_pledges", args=[sponsor.slug]),
        {
            "edition": edition.public_id,
            "category": category.public_id,
            "title_be": "Наш прыз",
            "title_en": "Our prize",
            "amount": "1200",
            "currency": "BYN",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.sponsor, pledge.category, pledge.status) == (sponsor, category, "declared")
    services.decline_pledge(actor=manager, pledge=pledge, reason="Not this year")
    page = client.get(reverse("awards:sponsor_pledges", args=[sponsor.slug])).content.decode()
    assert "Our prize" in page and "Not this year" in page
    assert (pledge.title_be, pledge.title_ru, pledge.title_en) == ("Наш прыз", "", "Our prize")


def test_pledge_accept_from_the_awards_page(client, edition, manager):
    sponsor = OrganisationFactory()
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, title="P", amount=5
    )
    login(client, manager)
    response = client.post(url("decide_pledge", edition, pledge.public_id, "accept"))
    assert response.status_code == 302
    assert edition.awards.get().sponsor == sponsor


def test_results_page_hidden_before_publication(client, edition, manager):
    for name in ("results", "results_csv", "results_xlsx"):
        assert client.get(url(name, edition)).status_code == 404
    published(edition, manager)
    for name in ("results", "results_csv", "results_xlsx"):
        assert client.get(url(name, edition)).status_code == 200


def test_results_page_shows_methodology_tally_and_awards(client, edition, manager):
    winner = published(edition, manager)
    page = client.get(url("results", edition)).content.decode()
    rule = selectors.rule_for(edition)
    assert rule.fingerprint in page
    assert "Sponsor prize" in page and "realt.by" in page and "700.00" in page
    assert winner.title in page and "Flat-mate finder" in page
    assert "voter" not in page.lower() or "voter_hash" not in page


def test_results_csv_content(client, edition, manager):
    published(edition, manager)
    response = client.get(url("results_csv", edition))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Category", "Project", "Project id", "Counted votes"]
    bashni = next(r for r in rows if r[1] == "'=Bashni")  # a formula-looking title is kept as text
    assert bashni[0] == "Help and care" and bashni[3] == "30" and bashni[10] == "formula"
    assert bashni[13] == "Sponsor prize"
    award_header = rows.index(["Award", "Category", "Winner", "Prize amount", "Currency", "Sponsor"])
    assert rows[award_header + 1] == ["Sponsor prize", "", "'=Bashni", "700.00", "BYN", "realt.by"]
    assert "voter" not in text.lower()


def test_results_xlsx_content(client, edition, manager):
    from openpyxl import load_workbook

    published(edition, manager)
    response = client.get(url("results_xlsx", edition))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Projects", "Awards", "Rules"]
    projects = list(wb["Projects"].values)
    assert projects[0][3] == "Counted votes"
    assert {row[1] for row in projects[1:]} == {"'=Bashni", "Flat-mate finder"}
    assert list(wb["Awards"].values)[1][0] == "Sponsor prize"
    assert list(wb["Rules"].values)[1][1] == selectors.rule_for(edition).fingerprint


def test_contests_learn_where_the_results_are_published(edition, manager):
    from hramada.contests import selectors as contest_selectors

    other = EditionFactory()
    assert contest_selectors.results_urls([edition, other]) == {}
    published(edition, manager)
    assert contest_selectors.results_urls([edition, other]) == {edition.pk: url("results", edition)}


def test_sponsor_pledge_form_offers_the_title_in_three_languages(client, edition):
    sponsor = OrganisationFactory()
    login(client, member(sponsor))
    page = client.get(reverse("awards:sponsor_pledges", args=[sponsor.slug])).content.decode()
    for lang in ("be", "ru", "en"):
        assert f'name="title_{lang}"' in page
    response = client.post(
        reverse("awards:sponsor_pledges", args=[sponsor.slug]),
        {"edition": edition.public_id, "amount": "10", "currency": "BYN"},
    )
    assert (
        response.status_code == 200 and "Give a title in at least one language." in response.content.decode()
    )


def test_organiser_adds_an_award_in_three_languages_shown_in_each_language(client, edition, manager):
    login(client, manager)
    page = client.get(url("awards", edition)).content.decode()
    for lang in ("be", "ru", "en"):
        assert f'name="title_{lang}"' in page
    response = client.post(
        url("awards", edition),
        {
            "title_be": "Пераможца намінацыі",
            "title_ru": "Победитель номинации",
            "title_en": "Category winner",
            "prize_amount": "1000",
            "currency": "BYN",
        },
    )
    assert response.status_code == 302
    award = edition.awards.get()
    assert (award.title_be, award.title_ru, award.title_en) == (
        "Пераможца намінацыі",
        "Победитель номинации",
        "Category winner",
    )
    response = client.post(url("awards", edition), {"prize_amount": "1", "currency": "BYN"})
    assert (
        response.status_code == 200 and "Give a title in at least one language." in response.content.decode()
    )


def test_results_page_shows_award_and_pledge_titles_in_the_visitors_language(client, edition, manager):
    category = edition.categories.get()
    services.set_finalist_rule(actor=manager, edition=edition, method="formula", finalists_per_category=1)
    [row] = selectors.proposal(edition)[0].selected
    services.confirm_finalists(actor=manager, edition=edition, category=category, projects=[row.project])
    award = services.create_award(
        actor=manager, edition=edition, title_ru="Победитель номинации", title_en="Category winner"
    )
    services.decide_winner(actor=manager, award=award, project=row.project)
    sponsor = OrganisationFactory()
    pledge = services.declare_pledge(
        actor=member(sponsor), edition=edition, sponsor=sponsor, amount=5, title_ru="Приз «Жить вместе»"
    )
    services.decline_pledge(actor=manager, pledge=pledge)  # declined pledges are not listed
    pledge = services.declare_pledge(
        actor=member(sponsor),
        edition=edition,
        sponsor=sponsor,
        amount=700,
        title_ru="Приз соседей",
        title_en="Neighbours' prize",
    )
    services.publish_results(actor=manager, edition=edition)
    english = client.get(url("results", edition)).content.decode()
    assert "Category winner" in english and "Neighbours&#x27; prize" in english
    assert "Победитель номинации" not in english
    with translation.override("ru"):
        russian_url = url("results", edition)
    russian = client.get(russian_url).content.decode()
    assert (
        "Победитель номинации" in russian and "Приз соседей" in russian and "Category winner" not in russian
    )
