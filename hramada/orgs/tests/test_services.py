import re

import pytest
from django.core import mail
from django.utils import timezone

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.orgs import services
from hramada.orgs.models import Invitation, Membership, Role
from hramada.orgs.tests.factories import member_of as member
from hramada.people.tests.factories import UserFactory

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.OWNER, True), (Role.MANAGER, True), (Role.EXPERT, False), (Role.MEMBER, False), (None, False)],
)
def test_only_owners_and_managers_edit_the_organisation(role, allowed):
    org = OrganisationFactory()
    user = member(org, role) if role else UserFactory()
    if allowed:
        services.update_organisation(actor=user, organisation=org, description_en="New text")
        org.refresh_from_db()
        assert org.description_en == "New text"
        entry = AuditEntry.objects.get(action="orgs.organisation.updated")
        assert entry.data == {"fields": ["description_en"]} and entry.actor == user
    else:
        with pytest.raises(DomainError):
            services.update_organisation(actor=user, organisation=org, description_en="New text")
        assert not AuditEntry.objects.filter(action="orgs.organisation.updated").exists()


def test_platform_staff_may_edit_any_organisation():
    org = OrganisationFactory()
    services.update_organisation(
        actor=UserFactory(is_staff=True), organisation=org, website="https://x.example"
    )
    org.refresh_from_db()
    assert org.website == "https://x.example"


def test_unchanged_save_writes_no_audit_entry():
    org = OrganisationFactory(description_en="Same")
    owner = member(org, Role.OWNER)
    services.update_organisation(actor=owner, organisation=org, description_en="Same")
    assert not AuditEntry.objects.filter(action="orgs.organisation.updated").exists()


def test_organisation_must_keep_a_name():
    org = OrganisationFactory()
    owner = member(org, Role.OWNER)
    with pytest.raises(DomainError):
        services.update_organisation(actor=owner, organisation=org, name_be="", name_ru="", name_en="")


def test_invitation_email_then_accept_joins_with_role_once(django_capture_on_commit_callbacks):
    org = OrganisationFactory(name="OEEC")
    owner = member(org, Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            actor=owner, organisation=org, email=" Expert@Example.org ", role=Role.EXPERT
        )
    assert invitation.email == "expert@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["expert@example.org"]
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation.token_hash != token  # only the hash is stored

    newcomer = UserFactory(email="expert@example.org")
    membership = services.accept_invitation(user=newcomer, token=token)
    assert (membership.organisation, membership.role) == (org, Role.EXPERT)
    with pytest.raises(DomainError, match="already been used"):
        services.accept_invitation(user=newcomer, token=token)
    assert AuditEntry.objects.filter(action="orgs.member.joined", scope_id=str(org.pk)).exists()


def test_expired_or_unknown_invitation_is_refused(django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    owner = member(org, Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(actor=owner, organisation=org, email="late@example.org")
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    Invitation.objects.update(expires_at=timezone.now())
    with pytest.raises(DomainError, match="expired"):
        services.accept_invitation(user=UserFactory(), token=token)
    with pytest.raises(DomainError, match="not valid"):
        services.accept_invitation(user=UserFactory(), token="nonsense")


def test_invitation_rules():
    org = OrganisationFactory()
    owner, manager, expert = member(org, Role.OWNER), member(org, Role.MANAGER), member(org, Role.EXPERT)
    with pytest.raises(DomainError):
        services.invite_member(actor=expert, organisation=org, email="a@example.org")
    with pytest.raises(DomainError, match="Only owners"):
        services.invite_member(actor=manager, organisation=org, email="a@example.org", role=Role.MANAGER)
    services.invite_member(actor=manager, organisation=org, email="a@example.org", role=Role.MEMBER)
    with pytest.raises(DomainError, match="open invitation"):
        services.invite_member(actor=owner, organisation=org, email="a@example.org")
    with pytest.raises(DomainError, match="already a member"):
        services.invite_member(actor=owner, organisation=org, email=expert.email)


def test_organisation_always_keeps_an_owner():
    org = OrganisationFactory()
    owner = member(org, Role.OWNER)
    only = Membership.objects.get(person=owner.person)
    with pytest.raises(DomainError, match="at least one owner"):
        services.change_role(actor=owner, membership=only, role=Role.MEMBER)
    with pytest.raises(DomainError, match="at least one owner"):
        services.remove_member(actor=owner, membership=only)
    second = member(org, Role.MANAGER)
    services.change_role(
        actor=owner, membership=Membership.objects.get(person=second.person), role=Role.OWNER
    )
    services.change_role(actor=owner, membership=only, role=Role.MEMBER)
    assert Membership.objects.get(person=owner.person).role == Role.MEMBER
    entry = AuditEntry.objects.filter(action="orgs.member.role_changed").first()
    assert entry.data == {"from": "owner", "to": "member"}


def test_managers_cannot_change_roles():
    org = OrganisationFactory()
    member(org, Role.OWNER)
    manager = member(org, Role.MANAGER)
    target = Membership.objects.get(person=member(org, Role.MEMBER).person)
    with pytest.raises(DomainError):
        services.change_role(actor=manager, membership=target, role=Role.MANAGER)


def test_invitation_is_accepted_only_by_the_invited_address(django_capture_on_commit_callbacks):
    from hramada.orgs.models import Invitation

    org = OrganisationFactory()
    owner = member(org, Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(actor=owner, organisation=org, email="invited@example.org")
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    # The queue only ever saw the invitation's id; the database only the token's hash.
    assert Invitation.objects.get().token_hash == services.token_hash(token)
    with pytest.raises(DomainError, match="sent to invited@example.org"):
        services.accept_invitation(user=UserFactory(email="someone-else@example.org"), token=token)
    assert (
        services.accept_invitation(user=UserFactory(email="invited@example.org"), token=token).role
        == Role.MEMBER
    )
