"""The organiser menu of an organisation: higher apps' links, each shown only to those who may use
it and only on the kind of organisation its page is for."""

import pytest
from django.urls import reverse

from hramada.orgs.models import Organisation
from hramada.orgs.registry import menu_links
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_authority_page_is_offered_on_authorities_only_even_to_staff():
    staff = UserFactory(is_staff=True, is_superuser=True)  # passes every permission
    sponsor = OrganisationFactory(kind=Organisation.Kind.SPONSOR)
    authority = OrganisationFactory(kind=Organisation.Kind.AUTHORITY)
    assert (
        reverse("local_issues:authority_issues", args=[sponsor.slug])
        not in dict(menu_links(staff, sponsor)).values()
    )
    assert (
        reverse("local_issues:authority_issues", args=[authority.slug])
        in dict(menu_links(staff, authority)).values()
    )
