"""Who may see and do what in a call, as a phase × role matrix: phases draft (unpublished), call open,
call closed; roles anonymous, the applicant, another user, the partner of the applicant's country, the
partner of another country, the lead organiser. Organisers' sessions passed two-factor, so that a
refusal is the rule's, not the middleware's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.core.tests.helpers import enrol_totp, pass_second_factor
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CountryFactory, RegionFactory, SettlementFactory
from hramada.programmes.models import Application
from hramada.programmes.tests.factories import ApplicationFactory, CallCohortFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other", "partner_same", "partner_other", "lead"]
PHASES = ["draft", "open", "closed"]


@pytest.fixture(params=PHASES)
def world(request):
    now = timezone.now()
    values = {"draft": {"published_at": None}, "open": {}, "closed": {}}[request.param]
    if request.param == "closed":
        values = {
            "call_opens_at": now - datetime.timedelta(days=9),
            "call_closes_at": now - datetime.timedelta(days=1),
        }
    cohort = CallCohortFactory(**values)
    armenia = RegionFactory(code="AM-SH", name="Shirak", country=CountryFactory(code="AM", name="Armenia"))
    moldova = CountryFactory(code="MD", name="Moldova")
    partner_same = PartnerFactory(programme=cohort.programme, country=armenia.country)
    partner_other = PartnerFactory(programme=cohort.programme, country=moldova)
    applicant = UserFactory()
    application = ApplicationFactory(
        cohort=cohort,
        person=applicant.person,
        settlement=SettlementFactory(region=armenia),
        partner=partner_same,
    )
    return {
        "phase": request.param,
        "cohort": cohort,
        "application": application,
        "applicant": applicant,
        "other": UserFactory(),
        "partner_same": member_of(partner_same.organisation, Role.MANAGER),
        "partner_other": member_of(partner_other.organisation, Role.MANAGER),
        "lead": member_of(cohort.programme.organisation, Role.MANAGER),
    }


def _login(client, world, role):
    if role == "anonymous":
        return None
    user = world[role]
    if role in ("partner_same", "partner_other", "lead"):
        enrol_totp(user)
        client.force_login(user)
        pass_second_factor(client, user)
    else:
        client.force_login(user)
    return user


def _status(response):
    if response.status_code == 302 and "/login" in response.url:
        return "login"
    if response.status_code == 302 and "/2fa/" in response.url:
        return "2fa"  # the middleware asks a signed-in non-organiser for two-factor under /manage/
    return response.status_code


COHORT_PAGE = {
    # The draft is its organisers' preview; nobody else learns it exists.
    "draft": {
        "anonymous": 404,
        "applicant": 404,
        "other": 404,
        "partner_same": 200,
        "partner_other": 200,
        "lead": 200,
    },
    "open": dict.fromkeys(ROLES, 200),
    "closed": dict.fromkeys(ROLES, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_cohort_page(client, world, role):
    _login(client, world, role)
    cohort = world["cohort"]
    response = client.get(reverse("programmes:cohort", args=[cohort.programme.slug, cohort.slug]))
    assert _status(response) == COHORT_PAGE[world["phase"]][role]


# An application's answers: the applicant, the partner of their country and the lead, in every phase.
APPLICATION_PAGE = {
    "anonymous": "login",
    "applicant": 200,
    "other": 404,
    "partner_same": 200,
    "partner_other": 404,
    "lead": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_application_page(client, world, role):
    """Removing the partner check (``is_partner_organiser`` for applications) turns partner_other red
    (tried once)."""
    _login(client, world, role)
    response = client.get(reverse("programmes:application", args=[world["application"].public_id]))
    assert _status(response) == APPLICATION_PAGE[role]


APPLICATION_LIST = {
    "anonymous": "login",
    "applicant": "2fa",
    "other": "2fa",
    "partner_same": 200,
    "partner_other": 200,  # the list, without the other country's applicants (test_views_calls)
    "lead": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_application_list(client, world, role):
    _login(client, world, role)
    cohort = world["cohort"]
    response = client.get(reverse("programmes:applications", args=[cohort.programme.slug, cohort.slug]))
    assert _status(response) == APPLICATION_LIST[role]
    if response.status_code == 200:
        shown = str(world["application"].person) in response.content.decode()
        assert shown == (role in ("partner_same", "lead"))


# Editing the call is the lead's alone.
CALL_EDIT = {
    "anonymous": "login",
    "applicant": "2fa",
    "other": "2fa",
    "partner_same": 403,
    "partner_other": 403,
    "lead": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_call_edit(client, world, role):
    _login(client, world, role)
    cohort = world["cohort"]
    response = client.get(reverse("programmes:cohort_edit", args=[cohort.programme.slug, cohort.slug]))
    assert _status(response) == CALL_EDIT[role]


# Applying: only while the call is open; a draft cohort does not exist for applicants.
APPLY = {"draft": (404, False), "open": (302, True), "closed": (302, False)}


def test_apply_by_phase(client, world):
    """Removing the call-window check in ``start_application`` turns 'closed' red (tried once)."""
    _login(client, world, "other")
    cohort = world["cohort"]
    response = client.post(reverse("programmes:apply", args=[cohort.programme.slug, cohort.slug]))
    status, created = APPLY[world["phase"]]
    assert response.status_code == status
    assert Application.objects.filter(cohort=cohort, person=world["other"].person).exists() == created


def test_anonymous_cannot_apply(client, world):
    cohort = world["cohort"]
    response = client.post(reverse("programmes:apply", args=[cohort.programme.slug, cohort.slug]))
    assert _status(response) == "login"
