"""Pages of reports: who may open which scope (anonymous, outsider, member, manager, staff), the
filter form's errors, the charts' accessibility, and the exports equal to the page's tables."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from lxml import html
from openpyxl import load_workbook

from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CountryFactory, RegionFactory
from hramada.reports.models import DonorProject

from .factories import DonorFactory

pytestmark = pytest.mark.django_db


def client_for(client, who, organisation):
    """anonymous, outsider (another organisation's manager), member, manager, staff."""
    if who == "anonymous":
        return client
    user = {
        "outsider": lambda: member_of(OrganisationFactory(), Role.MANAGER),
        "member": lambda: member_of(organisation, Role.MEMBER),
        "manager": lambda: member_of(organisation, Role.MANAGER),
        "staff": lambda: UserFactory(is_staff=True),
    }[who]()
    login_staff(client, user)
    return client


def tables_of(response) -> dict:
    """{table key: [header row, *rows]} as the page shows them."""
    doc = html.fromstring(response.content)
    out = {}
    for table in doc.xpath("//table[contains(@class,'report-table')]"):
        rows = [
            [cell.text_content().strip() for cell in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")
        ]
        out[table.get("data-table")] = rows
    return out


def test_the_public_page_shows_places_with_small_groups_suppressed(client, project):
    response = client.get(reverse("reports:indicators"), {"year": 2020})
    assert response.status_code == 200
    tables = tables_of(response)
    assert tables["summary"][1] == ["Unique people reached", "8"]
    assert tables["by_gender"][1:] == [
        ["woman", "hidden"],
        ["man", "0"],
        ["another gender", "0"],
        ["not given", "<5"],
    ]


def test_the_public_page_rejects_bad_input_with_the_form(client):
    by = CountryFactory()
    other = RegionFactory(country=CountryFactory(code="AM", name="Armenia"), code="AM-SH")
    response = client.get(
        reverse("reports:indicators"), {"year": "1200", "country": by.code, "region": other.code}
    )
    assert response.status_code == 400
    assert b"is not in the chosen country" in response.content
    assert client.get(reverse("reports:indicators"), {"year": 2020, "start": "2020-01-01"}).status_code == 400


def test_charts_are_accessible_svg_with_the_table_beneath(client, project):
    response = client.get(reverse("reports:indicators"), {"year": 2020})
    doc = html.fromstring(response.content)
    for svg in doc.xpath("//svg"):
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.get("role") == "img"
        assert svg.xpath(f".//*[@id='{title_id}']") and svg.xpath(f".//*[@id='{desc_id}']")
        section = svg.getparent().getparent()
        assert section.xpath(".//table")
    assert len(doc.xpath("//svg")) >= 4


ORG_PAGE = {"anonymous": 302, "outsider": 403, "member": 200, "manager": 200, "staff": 200}


@pytest.mark.parametrize("who", list(ORG_PAGE))
def test_an_organisations_reports_are_for_its_people(client, project, who):
    client = client_for(client, who, project.organisation)
    response = client.get(reverse("reports:org_indicators", args=[project.organisation.slug]), {"year": 2020})
    assert response.status_code == ORG_PAGE[who]
    if who == "member":
        assert tables_of(response)["summary"][1] == ["Unique people reached", "8"]
        assert b"New donor project" not in response.content  # members see, managers add


@pytest.mark.parametrize("who", list(ORG_PAGE))
def test_a_donor_projects_page_and_files(client, project, who):
    client = client_for(client, who, project.organisation)
    for name in ("reports:project", "reports:project_iati"):
        assert client.get(reverse(name, args=[project.public_id])).status_code == ORG_PAGE[who], name
    response = client.get(reverse("reports:project_export", args=[project.public_id, "csv"]))
    assert response.status_code == ORG_PAGE[who]


MANAGE = {"anonymous": 302, "outsider": 403, "member": 403, "manager": 200, "staff": 200}


@pytest.mark.parametrize("who", list(MANAGE))
def test_only_managers_change_a_donor_project(client, project, who):
    client = client_for(client, who, project.organisation)
    for name in ("reports:project_edit", "reports:activities"):
        assert client.get(reverse(name, args=[project.public_id])).status_code == MANAGE[who], name
    assert (
        client.get(reverse("reports:project_new", args=[project.organisation.slug])).status_code
        == MANAGE[who]
    )


def test_a_manager_creates_a_project_through_the_form(client):
    org = OrganisationFactory()
    client_for(client, "manager", org)
    donor = DonorFactory()
    url = reverse("reports:project_new", args=[org.slug])
    data = {
        "title_en": "Grant",
        "donor": donor.pk,
        "starts_on": "2020-01-01",
        "ends_on": "2019-01-01",
        "countries": [CountryFactory().pk],
    }
    response = client.post(url, data)
    assert response.status_code == 400 and not DonorProject.objects.exists()
    response = client.post(
        url, data | {"ends_on": "2020-12-31", "budget_amount": "100", "budget_currency": "EUR"}
    )
    project = DonorProject.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("reports:activities", args=[project.public_id])
    )


def test_the_csv_and_xlsx_equal_the_pages_tables(client, project):
    client_for(client, "member", project.organisation)
    query = {"year": 2020}
    page = tables_of(client.get(reverse("reports:project", args=[project.public_id]), query))
    csv_text = client.get(
        reverse("reports:project_export", args=[project.public_id, "csv"]), query
    ).content.decode()
    blocks = csv_text.split("\r\n\r\n")
    from_csv = [list(csv.reader(io.StringIO(b))) for b in blocks[1:-1]]
    assert [rows[1:] for rows in from_csv] == list(page.values())
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:project_export", args=[project.public_id, "xlsx"]), query).content
        )
    )
    sheets = [
        [[str(v) for v in row if v is not None] for row in sheet.iter_rows(min_row=2, values_only=True)]
        for sheet in book.worksheets[:-1]
    ]
    assert sheets == list(page.values())
    assert book.worksheets[-1].title == "Definitions"


def test_the_iati_file_downloads(client, project):
    client_for(client, "member", project.organisation)
    response = client.get(reverse("reports:project_iati", args=[project.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"<iati-identifier>BY-1-P</iati-identifier>" in response.content
    project.iati_identifier = ""
    project.save()
    assert client.get(reverse("reports:project_iati", args=[project.public_id])).status_code == 302


def test_the_donor_projects_period_defaults_to_its_dates(client, project):
    client_for(client, "member", project.organisation)
    project.starts_on, project.ends_on = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    project.save()
    tables = tables_of(client.get(reverse("reports:project", args=[project.public_id])))
    assert tables["summary"][1] == ["Unique people reached", "0"]
