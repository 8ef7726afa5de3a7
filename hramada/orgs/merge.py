"""Merging two people (people.services.merge_people): memberships and invitations sent move."""

from django.utils.translation import gettext_lazy as _

from hramada.people.merge import counts, reassign

from .models import Invitation, Membership, Role

COVERS = ("orgs.Membership.person", "orgs.Invitation.invited_by")

# Both members of the same organisation: the higher role is kept.
_ROLE_ORDER = {Role.OWNER: 4, Role.MANAGER: 3, Role.EXPERT: 2, Role.MEMBER: 1}


def merge_person(keep, remove) -> dict:
    return counts(
        memberships=reassign(
            Membership,
            "person",
            keep,
            remove,
            key=("organisation",),
            rank=lambda m: (_ROLE_ORDER.get(m.role, 0), -m.pk),
        ),
        invitations_sent=reassign(Invitation, "invited_by", keep, remove),
    )


def organisation_people(organisation):
    """The people linked to an organisation through its memberships, by label (ids, for a subquery)."""
    return {_("memberships"): Membership.objects.filter(organisation=organisation).values("person_id")}
