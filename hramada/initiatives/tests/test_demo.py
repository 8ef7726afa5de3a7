"""The demo loader: Sport Region with its activities, people reached, budget and a shift to come, and
the Bashni project as an initiative linked to its award; loading twice adds nothing."""

import pytest
from django.utils import timezone

from hramada.awards.tests.factories import AwardFactory
from hramada.contests.tests.factories import ProjectFactory
from hramada.initiatives import demo, selectors
from hramada.initiatives.models import Initiative
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def test_demo_initiatives():
    orgs = {"oeec": OrganisationFactory(slug="oeec"), "realtby": OrganisationFactory(slug="realtby")}
    CommunityFactory(name_en="Mstislavl sports community")
    project = ProjectFactory(title=demo.BASHNI_PROJECT, community=CommunityFactory())
    award = AwardFactory(
        edition=project.edition, project=project, decided_at=timezone.now(), sponsor=orgs["realtby"]
    )
    admin = UserFactory(is_staff=True)
    people = [PersonFactory() for _ in range(30)]
    demo.load(admin_user=admin, orgs=orgs, participants=people)
    demo.load(admin_user=admin, orgs=orgs, participants=people)
    sport = Initiative.objects.get(title_en="Sport Region")
    assert sport.published_at and sport.activities.count() == 5
    assert selectors.people_reached(sport)["attended"] == 28  # 5 activities of 12, overlapping by 8
    budget = selectors.budget(sport)
    assert (budget.planned, budget.spent) == (2150, 1880)
    assert sport.volunteer_roles.get().shifts.get().starts_at > timezone.now()
    bashni = Initiative.objects.get(award=award)
    assert bashni.published_at and bashni.title_ru == demo.BASHNI_PROJECT
    assert Initiative.objects.count() == 2
