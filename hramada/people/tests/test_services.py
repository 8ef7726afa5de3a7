import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people import services
from hramada.people.models import ConsentRecord, Person
from hramada.places.services import set_leader
from hramada.places.tests.factories import CommunityFactory, SettlementFactory

from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sensitive_value_needs_consent_and_is_not_stored_without_it():
    user = UserFactory()
    with pytest.raises(DomainError) as err:
        services.set_sensitive_field(
            person=user.person, actor=user, field="gender", value="woman", consent=False
        )
    assert err.value.field == "gender"
    user.person.refresh_from_db()
    assert user.person.gender == ""
    assert not ConsentRecord.objects.exists()


def test_giving_consent_stores_value_timestamp_and_history():
    user = UserFactory()
    services.set_sensitive_field(person=user.person, actor=user, field="birth_year", value=1990, consent=True)
    person = Person.objects.get(pk=user.person.pk)
    assert person.birth_year == 1990
    assert person.birth_year_consent_at is not None
    record = ConsentRecord.objects.get(person=person)
    assert record.given and record.field == "birth_year" and "five" in record.purpose
    assert AuditEntry.objects.filter(action="people.consent.given").count() == 1


def test_withdrawing_consent_clears_the_field():
    user = UserFactory()
    services.set_sensitive_field(
        person=user.person, actor=user, field="disability", value="yes", consent=True
    )
    services.set_sensitive_field(
        person=user.person, actor=user, field="disability", value="yes", consent=False
    )
    person = Person.objects.get(pk=user.person.pk)
    assert person.disability == "" and person.disability_consent_at is None
    assert list(ConsentRecord.objects.values_list("given", flat=True)) == [False, True]


def test_database_refuses_sensitive_value_without_consent_timestamp():
    from django.db import IntegrityError, transaction

    person = PersonFactory()
    person.gender = "man"
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


def test_implausible_birth_year_is_refused():
    user = UserFactory()
    with pytest.raises(DomainError):
        services.set_sensitive_field(
            person=user.person, actor=user, field="birth_year", value=1850, consent=True
        )


def test_profile_community_must_be_in_chosen_settlement():
    user = UserFactory()
    community = CommunityFactory()
    other = SettlementFactory()
    with pytest.raises(DomainError) as err:
        services.update_profile(
            person=user.person,
            actor=user,
            display_name="Ala",
            home_settlement=other,
            home_community=community,
        )
    assert err.value.field == "home_community"
    services.update_profile(person=user.person, actor=user, display_name="Ala", home_community=community)
    user.person.refresh_from_db()
    assert user.person.home_settlement == community.settlement


def test_export_contains_everything_linked_to_the_person():
    user = UserFactory(email="ala@example.org")
    person = user.person
    services.set_sensitive_field(person=person, actor=user, field="gender", value="woman", consent=True)
    org = OrganisationFactory(name="Office for European Expertise")
    Membership.objects.create(organisation=org, person=person, role=Role.EXPERT)
    set_leader(
        actor=None,
        community=CommunityFactory(name="Bashni"),
        person=person,
        role="leader",
        shown_publicly=True,
    )

    services.update_profile(person=person, actor=user, display_name="Ala", phone="8 029 123-45-67")

    data = services.export_person_data(person)
    json.dumps(data)  # JSON-serialisable as downloaded
    assert data["person"]["email"] == "ala@example.org"
    assert data["person"]["phone"] == "+375291234567"
    assert data["person"]["gender"] == "woman"
    assert data["person"]["consent_history"][0]["field"] == "gender"
    assert data["account"]["email_addresses"] == [
        {"email": "ala@example.org", "verified": True, "primary": True}
    ]
    assert data["memberships"] == [
        {
            "organisation": "Office for European Expertise",
            "role": "expert",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert data["community_roles"][0]["community"] == "Bashni"
    assert any(a["action"] == "people.consent.given" for a in data["account"]["actions_in_audit_log"])


def test_erasure_removes_login_and_pseudonymises_but_keeps_the_person_row():
    user = UserFactory(email="gone@example.org")
    person = user.person
    services.set_sensitive_field(person=person, actor=user, field="gender", value="woman", consent=True)
    services.update_profile(
        person=person,
        actor=user,
        display_name="Hanna Novik",
        home_settlement=SettlementFactory(),
        phone="+375 29 123 45 67",
    )
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=person, role=Role.MEMBER)

    services.erase_account(user=user)

    assert not get_user_model().objects.filter(email="gone@example.org").exists()
    assert not EmailAddress.objects.filter(email="gone@example.org").exists()
    person = Person.objects.get(pk=person.pk)  # the row stays so contributions keep their author
    assert str(person) == "Former participant"
    assert person.email == "" and person.gender == "" and person.home_settlement is None
    assert person.phone == ""
    assert person.erased_at is not None and person.user is None
    assert not person.consents.exists()
    assert not Membership.objects.filter(person=person).exists()
    assert not AuditEntry.objects.filter(actor_label="Hanna Novik").exists()
    assert AuditEntry.objects.filter(action="people.account.erased").exists()


def test_staff_can_record_a_person_without_login():
    staff = UserFactory(is_staff=True)
    person = services.create_person(actor=staff, display_name="  Volha Zhuk ", email="VZ@Example.org")
    assert person.display_name == "Volha Zhuk" and person.email == "vz@example.org" and person.user is None
    with pytest.raises(DomainError):
        services.create_person(actor=staff, display_name="   ")


def test_changing_the_primary_email_updates_the_person(client):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_changed

    user = UserFactory(email="old@example.org")
    new = EmailAddress.objects.create(user=user, email="new@example.org", verified=True, primary=False)
    old = EmailAddress.objects.get(email="old@example.org")
    email_changed.send(
        sender=user.__class__, request=None, user=user, from_email_address=old, to_email_address=new
    )
    user.person.refresh_from_db()
    assert user.person.email == "new@example.org"


def test_erasure_removes_the_name_from_audit_entries_about_the_person():
    from hramada.orgs import services as org_services

    owner = UserFactory()
    leaving = UserFactory()
    services.update_profile(person=leaving.person, actor=leaving, display_name="Hanna Novik")
    org = OrganisationFactory()
    Membership.objects.create(organisation=org, person=owner.person, role=Role.OWNER)
    membership = Membership.objects.create(organisation=org, person=leaving.person, role=Role.MEMBER)
    org_services.change_role(actor=owner, membership=membership, role=Role.EXPERT)
    assert AuditEntry.objects.filter(target_label="Hanna Novik").exists()
    services.erase_account(user=leaving)
    assert not AuditEntry.objects.filter(target_label="Hanna Novik").exists()
    assert AuditEntry.objects.filter(action="orgs.member.role_changed").exists()  # what happened stays


def test_a_phone_number_is_stored_in_international_form_or_refused():
    user = UserFactory()
    services.update_profile(person=user.person, actor=user, display_name="Ala", phone="8 (029) 123-45-67")
    user.person.refresh_from_db()
    assert user.person.phone == "+375291234567"
    with pytest.raises(DomainError) as err:
        services.update_profile(person=user.person, actor=user, display_name="Ala", phone="call me")
    assert err.value.field == "phone"
    user.person.refresh_from_db()
    assert user.person.phone == "+375291234567"  # nothing lost
    services.update_profile(person=user.person, actor=user, display_name="Ala", phone="")
    user.person.refresh_from_db()
    assert user.person.phone == ""
