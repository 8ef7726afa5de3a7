"""Donor projects: who may create and change them, the rules their values keep, the activities they
may group, and the audit trail."""

import datetime as dt

import pytest

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.events.tests.factories import EventFactory
from hramada.initiatives.tests.factories import organiser
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.places.tests.factories import CountryFactory
from hramada.programmes.tests.factories import PartnerFactory, ProgrammeFactory
from hramada.reports import services

from .factories import DonorFactory, DonorProjectFactory

pytestmark = pytest.mark.django_db


def _values(**kwargs):
    return {
        "donor": DonorFactory(),
        "title_en": "Empowered Women",
        "starts_on": dt.date(2017, 1, 1),
        "ends_on": dt.date(2018, 12, 31),
    } | kwargs


def test_a_manager_creates_a_project_and_it_is_audited():
    org = OrganisationFactory()
    manager = organiser(member_of(org, Role.MANAGER))
    project = services.create_donor_project(
        actor=manager,
        organisation=org,
        countries=[CountryFactory()],
        **_values(budget_amount=1000, budget_currency="eur"),
    )
    assert project.budget_currency == "EUR"
    assert list(project.countries.values_list("code", flat=True)) == ["BY"]
    assert AuditEntry.objects.filter(action="reports.donor_project.created").count() == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EXPERT, None])
def test_others_cannot_create_one(role):
    org = OrganisationFactory()
    user = organiser(member_of(org, role) if role else member_of(OrganisationFactory(), Role.MANAGER))
    with pytest.raises(DomainError):
        services.create_donor_project(actor=user, organisation=org, **_values())


def test_a_manager_without_the_second_factor_cannot():
    """Red without ``has_second_factor`` in the rules (tried once)."""
    org = OrganisationFactory()
    with pytest.raises(DomainError):
        services.create_donor_project(actor=member_of(org, Role.MANAGER), organisation=org, **_values())


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"donor": "ngo"}, "donor"),
        ({"ends_on": dt.date(2016, 1, 1)}, "ends_on"),
        ({"budget_amount": 10, "budget_currency": "XXQ"}, "budget_currency"),
        ({"budget_amount": 10, "budget_currency": ""}, "budget_currency"),
        ({"title_en": ""}, "title_en"),
        ({"iati_identifier": "BY-1-X"}, "reporting_org_ref"),
        ({"iati_identifier": "XX-9-X", "reporting_org_ref": "BY-1"}, "iati_identifier"),
    ],
)
def test_the_rules_a_project_keeps(values, field):
    org = OrganisationFactory()
    if values.get("donor") == "ngo":
        values["donor"] = OrganisationFactory()
    with pytest.raises(DomainError) as exc:
        services.create_donor_project(
            actor=organiser(member_of(org, Role.OWNER)), organisation=org, **_values(**values)
        )
    assert exc.value.field == field


def test_an_iati_identifier_is_unique():
    DonorProjectFactory(reporting_org_ref="BY-1", iati_identifier="BY-1-A")
    org = OrganisationFactory()
    with pytest.raises(DomainError) as exc:
        services.create_donor_project(
            actor=organiser(member_of(org, Role.OWNER)),
            organisation=org,
            **_values(reporting_org_ref="BY-1", iati_identifier="BY-1-A"),
        )
    assert exc.value.field == "iati_identifier"


def test_update_records_what_changed():
    project = DonorProjectFactory()
    manager = organiser(member_of(project.organisation, Role.MANAGER))
    services.update_donor_project(
        actor=manager, project=project, grant_reference="ENI/1", countries=[CountryFactory()]
    )
    entry = AuditEntry.objects.get(action="reports.donor_project.updated")
    assert entry.data["fields"] == ["countries", "grant_reference"]
    with pytest.raises(DomainError):
        services.update_donor_project(
            actor=organiser(member_of(project.organisation, Role.MEMBER)),
            project=project,
            grant_reference="x",
        )


def test_activities_must_be_the_lead_organisations():
    project = DonorProjectFactory()
    manager = organiser(member_of(project.organisation, Role.MANAGER))
    mine = EventFactory(organisation=project.organisation)
    partnered = ProgrammeFactory()
    PartnerFactory(programme=partnered, organisation=project.organisation)
    services.set_activities(actor=manager, project=project, events=[mine], programmes=[partnered])
    assert list(project.events.all()) == [mine]
    assert list(project.programmes.all()) == [partnered]
    assert AuditEntry.objects.filter(action="reports.donor_project.activities_set").exists()
    with pytest.raises(DomainError):
        services.set_activities(actor=manager, project=project, events=[EventFactory()])
    assert list(project.events.all()) == [mine]
