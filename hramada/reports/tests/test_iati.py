"""The donor project's IATI activity file: valid against the official 2.03 schema (vendored in
iati-schema-2.03/), and carrying what the project and its records say."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from hramada.events.tests.factories import EventFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CountryFactory, RegionFactory, SettlementFactory
from hramada.reports import iati

from .factories import WOMAN, DonorProjectFactory, attended, consented, moment

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).parent / "iati-schema-2.03" / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _project(**kwargs):
    values = {
        "title_en": "Empowered Women for Social Integration",
        "title_be": "Жанчыны з магчымасцямі",
        "title_ru": "Женщины с возможностями",
        "description_en": "Women in rural entrepreneurship.",
        "grant_reference": "ENI/2016/123",
        "reporting_org_ref": "BY-UNP-100000001",
        "donor_org_ref": "XI-IATI-EC_NEAR",
        "iati_identifier": "BY-UNP-100000001-EW-2017",
        "budget_amount": Decimal("250000.50"),
        "budget_currency": "EUR",
        "starts_on": dt.date(2020, 1, 1),
        "ends_on": dt.date(2020, 12, 31),
    }
    return DonorProjectFactory(**(values | kwargs))


def _reach(project, country_people: dict):
    for code, (region_code, n) in country_people.items():
        country = CountryFactory(code=code, name=code, name_en=code)
        place = SettlementFactory(region=RegionFactory(country=country, code=region_code))
        event = EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), settlement=place)
        for _ in range(n):
            attended(consented(PersonFactory(), WOMAN), event)
        project.events.add(event)
        project.countries.add(country)


def test_the_file_is_valid_against_the_iati_2_03_schema(schema):
    project = _project()
    _reach(project, {"BY": ("BY-MA", 6), "AM": ("AM-SH", 6), "MD": ("MD-CA", 8)})
    document = etree.fromstring(iati.activity_xml(project, now=moment(2021)))
    assert schema.validate(document), schema.error_log
    activity = document.find("iati-activity")
    assert activity.findtext("iati-identifier") == "BY-UNP-100000001-EW-2017"
    titles = {n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text for n in activity.find("title")}
    assert titles == {
        "be": "Жанчыны з магчымасцямі",
        "ru": "Женщины с возможностями",
        "en": "Empowered Women for Social Integration",
    }
    roles = [(o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")]
    assert roles == [("1", project.donor.name), ("4", project.organisation.name)]
    assert activity.find("activity-status").get("code") == "4"  # ended before "now"
    percentages = {c.get("code"): c.get("percentage") for c in activity.findall("recipient-country")}
    assert percentages == {"AM": "30", "BY": "30", "MD": "40"}  # 6, 6 and 8 of 20 people
    assert activity.find("budget/value").text == "250000.50"
    results = {
        r.findtext("title/narrative"): r.find("indicator/period/actual").get("value")
        for r in activity.findall("result")
    }
    assert results["Unique people reached"] == "20"
    assert results["Women reached"] == "20"
    assert results["People with a disability reached"] == "0"


def test_a_country_with_few_people_gets_an_equal_share(schema):
    """Percentages by people would let a small group be worked back: equal shares instead."""
    project = _project()
    _reach(project, {"BY": ("BY-MA", 9), "AM": ("AM-SH", 2), "MD": ("MD-CA", 6)})
    document = etree.fromstring(iati.activity_xml(project, now=moment(2020, 3)))
    assert schema.validate(document), schema.error_log
    percentages = [c.get("percentage") for c in document.iter("recipient-country")]
    assert sorted(percentages) == ["33", "33", "34"]
    assert document.find("iati-activity/activity-status").get("code") == "2"  # under way


def test_a_minimal_project_is_valid_too(schema):
    project = _project(budget_amount=None, budget_currency="", donor_org_ref="", title_be="", title_ru="")
    document = etree.fromstring(iati.activity_xml(project, now=moment(2019)))
    assert schema.validate(document), schema.error_log
    assert document.find("iati-activity/activity-status").get("code") == "1"  # not started


def test_without_identifiers_or_a_description_there_is_no_file():
    with pytest.raises(iati.NotPublishable):
        iati.activity_xml(_project(iati_identifier="", reporting_org_ref=""))
    with pytest.raises(iati.NotPublishable):
        iati.activity_xml(_project(description_en=""))


def test_the_schema_check_can_fail(schema):
    """The validation is real: a file without its identifier is refused by the schema."""
    project = _project()
    document = etree.fromstring(iati.activity_xml(project, now=moment(2021)))
    activity = document.find("iati-activity")
    activity.remove(activity.find("reporting-org"))
    assert not schema.validate(document)
