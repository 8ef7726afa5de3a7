"""Every change to organisations, memberships and invitations goes through these functions."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug

from .models import Invitation, Membership, Organisation, Role
from .tasks import send_invitation_email

LANGS = ("be", "ru", "en")
EDITABLE_FIELDS = [
    "kind",
    "country",
    "settlement",
    "website",
    "contact_email",
    "contact_phone",
    "logo",
    "is_public",
] + [f"{f}_{lang}" for f in ("name", "description") for lang in LANGS]


def _require(user, perm, organisation):
    if not user.has_perm(perm, organisation):
        raise DomainError(_("You do not have permission to do this for %(org)s.") % {"org": organisation})


@transaction.atomic
def create_organisation(*, actor, owner=None, **values) -> Organisation:
    """Create an organisation (platform staff, or the demo loader); ``owner`` becomes its first owner."""
    name = values.get("name_en") or values.get("name_ru") or values.get("name_be")
    if not name:
        raise DomainError(_("Give the organisation a name in at least one language."), field="name_be")
    org = Organisation(**values)
    org.slug = values.get("slug") or unique_slug(name, Organisation)
    org.save()
    if owner is not None:
        Membership.objects.create(organisation=org, person=owner, role=Role.OWNER)
    audit.record(actor=actor, action="orgs.organisation.created", target=org, scope=org)
    return org


@transaction.atomic
def update_organisation(*, actor, organisation: Organisation, **values) -> Organisation:
    """Change an organisation's profile; only its owners and managers (or platform staff) may."""
    _require(actor, "orgs.change_organisation", organisation)
    if not any(values.get(f"name_{lang}", getattr(organisation, f"name_{lang}")) for lang in LANGS):
        raise DomainError(_("Give the organisation a name in at least one language."), field="name_be")
    changed = {}
    for key, value in values.items():
        if key not in EDITABLE_FIELDS:
            raise ValueError(f"{key} cannot be edited")
        old = getattr(organisation, key)
        if old != value:
            changed[key] = str(value)[:200] if key != "logo" else "(new logo)"
            setattr(organisation, key, value)
    if changed:
        organisation.save()
        audit.record(
            actor=actor,
            action="orgs.organisation.updated",
            target=organisation,
            scope=organisation,
            data={"fields": sorted(changed)},
        )
    return organisation


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(*, actor, organisation: Organisation, email: str, role: str = Role.MEMBER) -> Invitation:
    """Invite someone by e-mail; owners may invite any role, managers only experts and members."""
    _require(actor, "orgs.invite_member", organisation)
    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError(_("Choose a role."), field="role")
    if role in (Role.OWNER, Role.MANAGER) and not actor.has_perm("orgs.manage_members", organisation):
        raise DomainError(_("Only owners can invite owners and managers."), field="role")
    if Membership.objects.filter(organisation=organisation, person__user__email__iexact=email).exists():
        raise DomainError(_("%(email)s is already a member.") % {"email": email}, field="email")
    open_invites = Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    open_invites.filter(expires_at__lte=timezone.now()).update(revoked_at=timezone.now())
    if open_invites.filter(expires_at__gt=timezone.now()).exists():
        raise DomainError(_("%(email)s already has an open invitation.") % {"email": email}, field="email")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash(secrets.token_urlsafe(32)),  # replaced by the e-mail task's own token
        invited_by=getattr(actor, "person", None),
    )
    audit.record(
        actor=actor,
        action="orgs.member.invited",
        target=invitation,
        scope=organisation,
        data={"email": email, "role": role},
    )
    enqueue_on_commit(send_invitation_email, invitation.pk)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()


@transaction.atomic
def accept_invitation(*, user, token: str) -> Membership:
    """Join the organisation with the invited role; the invitation works once, before it expires."""
    from hramada.people.services import ensure_person

    invitation = invitation_for_token(token)
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(_("This invitation link is not valid. Ask the organisation for a new one."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This invitation has expired. Ask the organisation for a new one."))
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Log in with that address, or add and verify it "
                "in your account, to accept it."
            )
            % {"email": invitation.email}
        )
    person = ensure_person(user)
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, person=person, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit.record(
        actor=user,
        action="orgs.member.joined",
        target=membership.organisation,
        scope=invitation.organisation,
        data={"role": membership.role, "invitation": invitation.public_id},
    )
    return membership


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> None:
    _require(actor, "orgs.invite_member", invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor,
            action="orgs.invitation.revoked",
            target=invitation,
            scope=invitation.organisation,
            data={"email": invitation.email},
        )


def _owners_left(organisation, excluding: Membership) -> bool:
    return organisation.memberships.filter(role=Role.OWNER).exclude(pk=excluding.pk).exists()


@transaction.atomic
def change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Owners change roles; an organisation always keeps at least one owner."""
    organisation = membership.organisation
    _require(actor, "orgs.manage_members", organisation)
    if role not in Role.values:
        raise DomainError(_("Choose a role."), field="role")
    # Lock the organisation's memberships so two owners demoting each other cannot leave none.
    list(organisation.memberships.select_for_update().order_by("pk"))
    if membership.role == Role.OWNER and role != Role.OWNER and not _owners_left(organisation, membership):
        raise DomainError(_("An organisation needs at least one owner."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="orgs.member.role_changed",
        target=membership.person,
        scope=organisation,
        data={"from": old, "to": role},
    )
    return membership


@transaction.atomic
def remove_member(*, actor, membership: Membership) -> None:
    organisation = membership.organisation
    _require(actor, "orgs.manage_members", organisation)
    list(organisation.memberships.select_for_update().order_by("pk"))
    if membership.role == Role.OWNER and not _owners_left(organisation, membership):
        raise DomainError(_("An organisation needs at least one owner."))
    audit.record(
        actor=actor,
        action="orgs.member.removed",
        target=membership.person,
        scope=organisation,
        data={"role": membership.role},
    )
    membership.delete()


def export_memberships(person) -> list:
    return [
        {"organisation": m.organisation.name, "role": m.role, "since": m.created_at.isoformat()}
        for m in person.memberships.select_related("organisation")
    ]


def erase_memberships(person) -> None:
    person.memberships.all().delete()
    if person.email:
        Invitation.objects.filter(email__iexact=person.email).update(
            email="erased@invalid", revoked_at=timezone.now()
        )
