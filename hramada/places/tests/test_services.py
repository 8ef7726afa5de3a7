import pytest

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.people.tests.factories import PersonFactory
from hramada.places import selectors, services
from hramada.places.models import Country, District, Region, Settlement

from .factories import CommunityFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_sync_regions_creates_iso_regions_with_three_language_names_and_is_idempotent():
    services.sync_regions()
    by = Region.objects.filter(country__code="BY")
    assert sorted(by.values_list("code", flat=True)) == [
        "BY-BR",
        "BY-HM",
        "BY-HO",
        "BY-HR",
        "BY-MA",
        "BY-MI",
        "BY-VI",
    ]
    minsk = Region.objects.get(code="BY-HM")
    assert (minsk.name_en, minsk.name_be, minsk.name_ru) == ("Minsk City", "горад Мінск", "город Минск")
    assert Region.objects.filter(country__code="AM").count() == 11
    assert Region.objects.filter(country__code="MD").count() >= 30
    assert Country.objects.get(code="MD").name_ru == "Молдова"
    before = Region.objects.count()
    services.sync_regions()
    assert Region.objects.count() == before


CSV = """region_code,district_en,district_be,name_en,name_be,kind,latitude,longitude
BY-VI,Shumilino District,Шумілінскі раён,Bashni,Башні,village,55.3,29.5
BY-MA,Mstislavl District,,Hodosy,Ходасы,agro,,
XX-99,Nowhere,,Atlantis,,village,,
BY-MA,Mstislavl District,,,,village,,
BY-MA,Mstislavl District,,Ghost,,castle,,
BY-MA,Mstislavl District,,Far,,village,95,10
BY-MA,Mstislavl District,,Bad,,village,north,10
BY-HM,,,Minsk,Мінск,city,53.9,27.56
"""


def test_csv_import_saves_good_rows_and_reports_each_bad_row_by_line():
    services.sync_regions(country_codes=["BY"])
    report = services.import_settlements(actor=None, text=CSV)
    assert (report.created, report.updated) == (3, 0)
    lines = [line for line, _msg in report.errors]
    assert lines == [4, 5, 6, 7, 8]
    messages = dict(report.errors)
    assert "XX-99" in messages[4]
    assert "empty" in messages[5]
    assert "castle" in messages[6]
    assert "between -90 and 90" in messages[7]
    assert "not a number" in messages[8]
    bashni = Settlement.objects.get(name_en="Bashni")
    assert bashni.name_be == "Башні" and bashni.district.name_be == "Шумілінскі раён"
    assert bashni.kind == Settlement.Kind.VILLAGE and float(bashni.latitude) == 55.3
    assert Settlement.objects.get(name_en="Minsk").district is None
    assert AuditEntry.objects.filter(action="places.settlements.imported").count() == 1

    again = services.import_settlements(actor=None, text=CSV)
    assert (again.created, again.updated) == (0, 3)
    assert Settlement.objects.count() == 3 and District.objects.count() == 2


def test_csv_import_refuses_a_file_without_required_columns():
    report = services.import_settlements(actor=None, text="name,kind\nBashni,village\n")
    assert report.errors and "region_code" in report.errors[0][1] and "name_en" in report.errors[0][1]


def test_community_needs_a_name_and_gets_a_readable_unique_slug():
    region = RegionFactory()
    settlement = Settlement.objects.create(region=region, name="Hodosy", name_en="Hodosy", kind="agro")
    with pytest.raises(DomainError):
        services.save_community(actor=None, settlement=settlement, name_be="", name_en="")
    a = services.save_community(actor=None, settlement=settlement, name_be="Ходасы")
    b = services.save_community(actor=None, settlement=settlement, name_be="Ходасы")
    assert a.slug == "khodasy" and b.slug == "khodasy-2"


def test_leaders_show_publicly_only_with_consent_and_withdrawal_hides_them():
    community = CommunityFactory()
    shown, hidden = PersonFactory(display_name="Marina"), PersonFactory(display_name="Hidden")
    services.set_leader(actor=None, community=community, person=shown, role="leader", shown_publicly=True)
    services.set_leader(actor=None, community=community, person=hidden, role="leader", shown_publicly=False)
    assert [leader.person.display_name for leader in selectors.public_leaders(community)] == ["Marina"]
    leader = services.set_leader(actor=None, community=community, person=shown, shown_publicly=False)
    assert leader.consented_at is None
    assert list(selectors.public_leaders(community)) == []


def test_settlement_search_matches_any_language_and_needs_two_letters():
    services.sync_regions(country_codes=["BY"])
    services.import_settlements(actor=None, text=CSV)
    assert [s.name_en for s in selectors.search_settlements("Баш")] == ["Bashni"]
    assert [s.name_en for s in selectors.search_settlements("hod")] == ["Hodosy"]
    assert list(selectors.search_settlements("B")) == []


def test_changes_on_the_admin_site_are_audited(client, admin_user):
    from hramada.core.tests.helpers import login_staff

    login_staff(client, admin_user)
    region = RegionFactory()
    response = client.post(
        "/admin/places/district/add/",
        {"region": region.pk, "name_en": "Mstislavl District", "name_be": "Мсціслаўскі раён", "name_ru": ""},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = AuditEntry.objects.get(action="admin.places.district.created")
    assert (
        entry.target_label in ("Mstislavl District", "Мсціслаўскі раён") and "name_en" in entry.data["fields"]
    )
