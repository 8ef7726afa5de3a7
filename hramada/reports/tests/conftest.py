"""The donor project the page tests share: one event of the lead organisation, 8 people checked in
(7 women who gave their gender with consent), all in one settlement."""

import pytest

from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CountryFactory, RegionFactory, SettlementFactory

from .factories import WOMAN, DonorProjectFactory, attended, consented


@pytest.fixture
def project():
    project = DonorProjectFactory(
        reporting_org_ref="BY-1", iati_identifier="BY-1-P", description_en="A grant."
    )
    place = SettlementFactory(region=RegionFactory(country=CountryFactory()))
    event = attended(
        consented(PersonFactory(home_settlement=place), WOMAN),
        organisation=project.organisation,
        settlement=place,
    )
    for _ in range(6):
        attended(consented(PersonFactory(home_settlement=place), WOMAN), event)
    attended(PersonFactory(home_settlement=place), event)
    project.events.add(event)
    return project
