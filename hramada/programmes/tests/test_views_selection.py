"""Selection pages: who sees and who acts (anonymous, another user, a partner, the lead), forms with
clear errors, the proposal beside the plain ranking, freezing, deciding, the query count of the page,
and the applicant's decision page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hramada.core.tests.helpers import login_staff
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory, CountryFactory, RegionFactory, SettlementFactory
from hramada.programmes import decisions
from hramada.programmes.models import Application, Participant
from hramada.programmes.tests.factories import ApplicationFactory, CohortFactory, PartnerFactory

pytestmark = pytest.mark.django_db
A = Application.Status


def _applicant(cohort, partner, community=None):
    return ApplicationFactory(
        cohort=cohort, person=UserFactory().person, partner=partner, community=community
    )


@pytest.fixture
def world(monkeypatch):
    cohort = CohortFactory()
    lead = member_of(cohort.programme.organisation, Role.MANAGER)
    belarus = CountryFactory()
    armenia = CountryFactory(code="AM", name="Armenia", name_en="Armenia")
    partner_by = PartnerFactory(programme=cohort.programme, country=belarus)
    partner_am = PartnerFactory(programme=cohort.programme, country=armenia)
    minsk = RegionFactory(code="BY-HM", name="Minsk", country=belarus)
    vitebsk = RegionFactory(code="BY-VI", name="Vitebsk", country=belarus)
    in_minsk = CommunityFactory(name="Uruchcha", settlement=SettlementFactory(region=minsk))
    in_vitebsk = CommunityFactory(name="Bashni", settlement=SettlementFactory(region=vitebsk))
    apps = [_applicant(cohort, partner_by, in_minsk) for _ in range(3)]
    apps.append(_applicant(cohort, partner_by, in_vitebsk))
    apps.append(_applicant(cohort, partner_am))
    scores = {a.public_id: 90.0 - 10 * i for i, a in enumerate(apps)}
    scores[apps[3].public_id] = 5.0  # the Vitebsk applicant is last by score
    monkeypatch.setattr(decisions, "scores_for", lambda cohort: scores)
    return {
        "cohort": cohort,
        "lead": lead,
        "partner_by": member_of(partner_by.organisation, Role.MANAGER),
        "partner_am": member_of(partner_am.organisation, Role.MANAGER),
        "apps": apps,
    }


def _url(cohort, name="programmes:selection", *args):
    return reverse(name, args=[cohort.programme.slug, cohort.slug, *args])


def _rules(world, **kwargs):
    lead = world["lead"]
    lead.two_factor_passed = True
    values = {"cohort_size": 3, "min_per_region": 1, "waitlist_size": 1} | kwargs
    decisions.save_rules(actor=lead, cohort=world["cohort"], **values)
    return decisions.propose(actor=lead, cohort=world["cohort"])


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(_url(world["cohort"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_user_is_refused(client, world):
    login_staff(client, UserFactory())
    assert client.get(_url(world["cohort"])).status_code == 403


def test_a_partner_sees_its_own_country_only_and_cannot_act(client, world):
    _rules(world)
    login_staff(client, world["partner_am"])
    response = client.get(_url(world["cohort"]))
    assert response.status_code == 200
    names = {a.person.display_name for a in world["apps"]}
    shown = {n for n in names if n in response.content.decode()}
    assert shown == {world["apps"][4].person.display_name}
    assert b"Save the rules" not in response.content
    assert client.post(_url(world["cohort"], "programmes:selection_propose")).status_code == 403
    assert client.post(_url(world["cohort"]), {"cohort_size": 5}).status_code == 403


def test_the_lead_saves_rules_with_clear_errors(client, world):
    login_staff(client, world["lead"])
    response = client.post(
        _url(world["cohort"]),
        {
            "cohort_size": 3,
            "min_per_region": 0,
            "min_women_percent": 150,
            "min_disability": 0,
            "waitlist_size": 2,
        },
    )
    assert response.status_code == 400
    assert "at most 100" in response.content.decode()
    response = client.post(
        _url(world["cohort"]),
        {
            "cohort_size": 3,
            "min_per_region": 1,
            "min_women_percent": 0,
            "min_disability": 0,
            "waitlist_size": 1,
        },
    )
    assert response.status_code == 302
    assert world["cohort"].selection_rules.min_per_region == 1


def test_proposal_beside_the_plain_ranking(client, world):
    login_staff(client, world["lead"])
    client.post(
        _url(world["cohort"]),
        {
            "cohort_size": 3,
            "min_per_region": 1,
            "min_women_percent": 0,
            "min_disability": 0,
            "waitlist_size": 1,
        },
    )
    assert client.post(_url(world["cohort"], "programmes:selection_propose")).status_code == 302
    page = client.get(_url(world["cohort"])).content.decode()
    assert "brought in" in page and "pushed out" in page
    assert "Bashni" in page
    proposal = world["cohort"].selection_rules.proposal
    assert world["apps"][3].public_id in proposal["brought_in"]


def test_conflicting_rules_are_explained(client, world):
    _rules(world, cohort_size=2, min_per_region=2)
    login_staff(client, world["lead"])
    page = client.get(_url(world["cohort"])).content.decode()
    assert "cannot all be met" in page
    assert "needs 3 places; the cohort has 2" in page


def test_change_needs_a_reason_then_freeze_and_decide(client, world, django_capture_on_commit_callbacks):
    _rules(world)
    login_staff(client, world["lead"])
    first = world["apps"][0]
    url = _url(world["cohort"], "programmes:selection_change", first.public_id)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "remove", "reason": ""})
    assert response.status_code == 400
    assert client.post(url, {"action": "remove", "reason": "Moved to Vilnius"}).status_code == 302
    assert client.post(_url(world["cohort"], "programmes:selection_freeze")).status_code == 302
    rules = world["cohort"].selection_rules
    rules.refresh_from_db()
    page = client.get(_url(world["cohort"])).content.decode()
    assert rules.fingerprint in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url(world["cohort"], "programmes:selection_decide")).status_code == 302
    first.refresh_from_db()
    assert first.status == A.WAITLISTED  # removed by hand, best of the rest by score


def test_the_page_query_count_does_not_grow_with_applicants(client, world):
    _rules(world)
    login_staff(client, world["lead"])
    client.get(_url(world["cohort"]))
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(world["cohort"])).status_code == 200
    for _ in range(10):
        _applicant(world["cohort"], None)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(world["cohort"])).status_code == 200
    assert len(many) == len(few)


def test_the_decision_page_is_the_applicants_own(client, world):
    rules = _rules(world)
    lead = world["lead"]
    decisions.freeze(actor=lead, cohort=world["cohort"], now=timezone.now())
    decisions.decide(actor=lead, cohort=world["cohort"])
    accepted = Application.objects.get(public_id=rules.proposal["final"][0])
    url = reverse("programmes:decision", args=[accepted.public_id])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(accepted.person.user)
    assert "Confirm my place" in client.get(url).content.decode()
    assert client.post(url, {"answer": "nonsense"}).status_code == 400
    assert client.post(url, {"answer": "confirm"}).status_code == 302
    assert Participant.objects.filter(application=accepted).exists()
    assert "You have confirmed your place" in client.get(url).content.decode()


def test_my_applications_links_to_the_decision(client, world):
    _rules(world)
    lead = world["lead"]
    decisions.freeze(actor=lead, cohort=world["cohort"])
    decisions.decide(actor=lead, cohort=world["cohort"])
    accepted = Application.objects.filter(cohort=world["cohort"], status=A.ACCEPTED).first()
    client.force_login(accepted.person.user)
    page = client.get(reverse("programmes:my_applications")).content.decode()
    assert reverse("programmes:decision", args=[accepted.public_id]) in page


def test_the_call_page_links_to_the_selection(client, world):
    login_staff(client, world["lead"])
    cohort = world["cohort"]
    page = client.get(_url(cohort, "programmes:call_manage")).content.decode()
    assert _url(cohort) in page
