import pytest

from hramada.core.tests.helpers import enrol_totp
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of


@pytest.fixture
def org():
    return OrganisationFactory(is_public=True)


@pytest.fixture
def editor(org):
    user = member_of(org, Role.MANAGER)
    enrol_totp(user)
    user.two_factor_passed = True
    return user
