"""Cohort pages: permissions per role, the attendance matrix's queries, verification and My programmes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import enrol_totp, login_staff, pass_second_factor
from hramada.core.twofactor import has_totp
from hramada.events.tests.factories import EventFactory
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CountryFactory
from hramada.programmes import delivery
from hramada.programmes.models import Certificate, CohortSession, Participant
from hramada.programmes.tests.factories import (
    CohortFactory,
    CohortSessionFactory,
    MentorFactory,
    ParticipantFactory,
    PartnerFactory,
    attend,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cohort = CohortFactory(min_attendance_percent=50, requires_action_plan=False)
    lead = member_of(cohort.programme.organisation, Role.MANAGER)
    belarus = CountryFactory()
    armenia = CountryFactory(code="AM", name="Armenia", name_en="Armenia")
    partner_by = PartnerFactory(programme=cohort.programme, country=belarus)
    partner_am = PartnerFactory(programme=cohort.programme, country=armenia)
    partner_am_user = member_of(partner_am.organisation, Role.MANAGER)
    partner_by_user = member_of(partner_by.organisation, Role.MANAGER)
    participant_user, other_user, mentor_user = UserFactory(), UserFactory(), UserFactory()
    mentor = MentorFactory(cohort=cohort, person=mentor_user.person)
    participant = ParticipantFactory(
        cohort=cohort, person=participant_user.person, partner=partner_by, mentor=mentor
    )
    other = ParticipantFactory(cohort=cohort, person=other_user.person, partner=partner_am)
    return {
        "cohort": cohort,
        "lead": lead,
        "partner_am": partner_am_user,
        "partner_by": partner_by_user,
        "participant_user": participant_user,
        "other_user": other_user,
        "mentor_user": mentor_user,
        "participant": participant,
        "other": other,
    }


def _url(cohort, name="programmes:cohort_manage", *args):
    return reverse(name, args=[cohort.programme.slug, cohort.slug, *args])


def _login(client, world, who, *, staff=False):
    if who == "anonymous":
        return None
    user = world[who]
    if staff or who in ("lead", "partner_am", "partner_by"):
        # A session that passed two-factor, so that the refusal is the permission's, not the
        # middleware's request to set up two-factor first.
        if not has_totp(user):
            enrol_totp(user)
        client.force_login(user)
        pass_second_factor(client, user)
    else:
        client.force_login(user)
    return user


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("participant_user", 403),
        ("other_user", 403),
        ("mentor_user", 403),
        ("partner_am", 200),
        ("lead", 200),
    ],
)
def test_cohort_page_by_role(client, world, who, status):
    _login(client, world, who, staff=True)
    response = client.get(_url(world["cohort"]))
    assert response.status_code == status


def test_a_partner_sees_only_its_own_countrys_participants(client, world):
    """Red with ``selectors.partner_scope`` answering None (everyone) for partners (tried)."""
    _login(client, world, "partner_am")
    page = client.get(_url(world["cohort"])).content.decode()
    assert world["other"].person.display_name in page
    assert world["participant"].person.display_name not in page
    _login(client, world, "lead")
    page = client.get(_url(world["cohort"])).content.decode()
    assert world["other"].person.display_name in page and world["participant"].person.display_name in page


def test_a_partner_cannot_act_on_another_countrys_participant(client, world):
    _login(client, world, "partner_am")
    response = client.post(
        _url(world["cohort"], "programmes:cohort_participant_left", world["participant"].public_id)
    )
    assert response.status_code == 403
    assert Participant.objects.get(pk=world["participant"].pk).status == Participant.Status.ACTIVE
    response = client.post(
        _url(world["cohort"], "programmes:cohort_participant_left", world["other"].public_id)
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=world["other"].pk).status == Participant.Status.LEFT


def test_sessions_and_mentors_are_the_leads(client, world):
    _login(client, world, "partner_am")
    assert client.get(_url(world["cohort"], "programmes:cohort_session_new")).status_code == 403
    assert (
        client.post(
            _url(world["cohort"], "programmes:cohort_mentor_new"), {"email": "x@example.org"}
        ).status_code
        == 403
    )
    assert client.post(_url(world["cohort"], "programmes:cohort_certificates_issue")).status_code == 403


def test_attendance_matrix_queries_do_not_grow(client, world):
    cohort = world["cohort"]
    lead = _login(client, world, "lead")
    lead.two_factor_passed = True
    sessions = [CohortSessionFactory(cohort=cohort) for _ in range(2)]
    attend(sessions[0], world["participant"].person, actor=lead)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(cohort)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        extra = ParticipantFactory(cohort=cohort)
        attend(sessions[1], extra.person, actor=lead)
    CohortSessionFactory(cohort=cohort)
    MentorFactory(cohort=cohort)
    assert count() == before


def test_the_matrix_shows_attendance_and_percentages(client, world):
    cohort = world["cohort"]
    lead = _login(client, world, "lead")
    lead.two_factor_passed = True
    sessions = [CohortSessionFactory(cohort=cohort) for _ in range(3)]
    attend(sessions[0], world["participant"].person, actor=lead)
    attend(sessions[2], world["participant"].person, actor=lead)
    page = client.get(_url(cohort)).content.decode()
    assert '66% <span class="meta">(2/3)</span>' in page
    assert "table-scroll" in page and "table-sticky" in page


def test_add_a_participant_by_hand_with_form_errors(client, world):
    _login(client, world, "lead")
    url = _url(world["cohort"], "programmes:cohort_participant_new")
    assert client.post(url, {"display_name": ""}).status_code == 400
    response = client.post(url, {"display_name": "Ніна Карповіч"})
    assert response.status_code == 302
    assert world["cohort"].participants.filter(person__display_name="Ніна Карповіч").exists()


def test_lead_links_and_creates_sessions_and_registers_everyone(client, world):
    cohort = world["cohort"]
    _login(client, world, "lead")
    event = EventFactory(organisation=cohort.programme.organisation)
    url = _url(cohort, "programmes:cohort_session_new")
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "link", "event": event.pk}).status_code == 302
    response = client.post(
        url, {"kind": "new", "title": "Needs", "starts_at": "2027-02-01T10:00", "ends_at": "2027-02-01T09:00"}
    )
    assert response.status_code == 400
    response = client.post(
        url, {"kind": "new", "title": "Needs", "starts_at": "2027-02-01T10:00", "ends_at": "2027-02-01T13:00"}
    )
    assert response.status_code == 302
    assert CohortSession.objects.filter(cohort=cohort).count() == 2
    register = _url(cohort, "programmes:cohort_session_register", event.public_id)
    assert client.post(register).status_code == 302
    assert event.registrations.filter(status="confirmed").count() == 2


def test_completion_certificate_verification_and_revocation(client, world):
    cohort = world["cohort"]
    lead = _login(client, world, "lead")
    lead.two_factor_passed = True
    linked = CohortSessionFactory(cohort=cohort)
    attend(linked, world["participant"].person, actor=lead)
    assert client.post(_url(cohort, "programmes:cohort_completion")).status_code == 302
    assert Participant.objects.get(pk=world["participant"].pk).status == Participant.Status.COMPLETED
    assert client.post(_url(cohort, "programmes:cohort_certificates_issue")).status_code == 302
    certificate = Certificate.objects.get()
    client.logout()

    short = client.get(
        f"/c/{certificate.code}", headers={"accept-language": "en"}
    )  # a visitor reading English
    assert short.status_code == 302 and short["Location"].endswith(f"/certificates/{certificate.code}/")
    assert short["Location"].startswith("/en/")
    page = client.get(short["Location"])
    assert page.status_code == 200
    assert "This certificate is valid." in page.content.decode()
    assert world["participant"].person.display_name in page.content.decode()
    credential = client.get(f"/c/{certificate.code}.json")
    assert credential.json()["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    issuer = client.get(credential.json()["issuer"]["id"].split("127.0.0.1:8000")[-1])
    assert issuer.json()["verificationMethod"][0]["type"] == "Multikey"
    pdf = reverse("programmes:certificate_pdf", args=[certificate.code])
    assert client.get(pdf).status_code == 302  # anonymous: to the login page
    client.force_login(world["other_user"])
    assert client.get(pdf).status_code == 403
    client.force_login(world["participant_user"])
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    revoke = reverse("programmes:certificate_revoke", args=[certificate.code])
    assert client.post(revoke, {"reason": "x"}).status_code in (302, 403)  # not an organiser
    assert Certificate.objects.get().revoked_at is None
    _login(client, world, "partner_by")
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    _login(client, world, "lead")
    assert client.post(revoke, {"reason": ""}).status_code == 400
    assert client.post(revoke, {"reason": "Attendance was recorded wrongly"}).status_code == 302
    client.logout()
    with translation.override("en"):
        english = reverse("programmes:certificate", args=[certificate.code])
    page = client.get(english).content.decode()
    assert "was revoked on" in page and "Attendance was recorded wrongly" in page
    assert AuditEntry.objects.filter(action="programmes.certificate.revoked").exists()


def test_unknown_certificate_is_404(client):
    assert client.get("/c/nosuchcode").status_code == 302
    assert client.get(reverse("programmes:certificate", args=["nosuchcode"])).status_code == 404


def test_my_programmes_for_participant_and_mentor(client, world):
    client.force_login(world["participant_user"])
    page = client.get(reverse("programmes:my_programmes"))
    assert page.status_code == 200
    assert world["cohort"].title in page.content.decode()
    assert "My programmes" in client.get("/en/").content.decode()
    client.force_login(world["mentor_user"])
    page = client.get(reverse("programmes:my_programmes")).content.decode()
    assert world["participant"].person.display_name in page
    assert world["other"].person.display_name not in page
    client.force_login(UserFactory())
    assert "You are not in any programme" in client.get(reverse("programmes:my_programmes")).content.decode()
    assert client.get(reverse("programmes:my_programmes")).status_code == 200


def test_anonymous_my_programmes_asks_to_sign_in(client):
    assert client.get(reverse("programmes:my_programmes")).status_code == 302


def test_an_ordinary_member_of_the_lead_organisation_is_not_an_organiser(client, world):
    member = UserFactory()
    Membership.objects.create(
        organisation=world["cohort"].programme.organisation, person=member.person, role=Role.MEMBER
    )
    login_staff(client, member)
    assert client.get(_url(world["cohort"])).status_code == 403
    assert delivery  # the services module is what the views call


def test_who_attended_what_when_as_csv_per_partner(client, world):
    cohort = world["cohort"]
    lead = _login(client, world, "lead")
    lead.two_factor_passed = True
    linked = CohortSessionFactory(cohort=cohort)
    attend(linked, world["participant"].person, actor=lead)
    attend(linked, world["other"].person, actor=lead)
    url = _url(cohort, "programmes:cohort_deliveries_csv")
    text = client.get(url).content.decode("utf-8-sig")
    assert world["participant"].person.display_name in text and world["other"].person.display_name in text
    _login(client, world, "partner_am")
    text = client.get(url).content.decode("utf-8-sig")
    assert world["other"].person.display_name in text
    assert world["participant"].person.display_name not in text
    client.force_login(world["mentor_user"])
    assert client.get(url).status_code in (302, 403)


def test_a_mentor_sees_their_participants_attendance(client, world):
    cohort = world["cohort"]
    lead = world["lead"]
    lead.two_factor_passed = True
    linked = CohortSessionFactory(cohort=cohort)
    attend(linked, world["participant"].person, actor=lead)
    client.force_login(world["mentor_user"])
    page = client.get(reverse("programmes:my_programmes")).content.decode()
    assert "sessions attended: 1 of 1 (100%)" in page
