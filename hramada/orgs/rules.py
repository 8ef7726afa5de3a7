"""Who may do what with an organisation: named predicates used by views, templates and the API."""

import rules

from .models import Membership, Role

MANAGING_ROLES = {Role.OWNER, Role.MANAGER}


def _role(user, organisation):
    if not user.is_authenticated or organisation is None:
        return None
    return (
        Membership.objects.filter(organisation=organisation, person__user=user)
        .values_list("role", flat=True)
        .first()
    )


@rules.predicate
def is_owner(user, organisation):
    return _role(user, organisation) == Role.OWNER


@rules.predicate
def is_manager(user, organisation):
    return _role(user, organisation) in MANAGING_ROLES


@rules.predicate
def is_member(user, organisation):
    return _role(user, organisation) is not None


is_platform_staff = rules.is_staff

rules.add_perm("orgs.change_organisation", is_manager | is_platform_staff)
rules.add_perm("orgs.invite_member", is_manager | is_platform_staff)
rules.add_perm("orgs.manage_members", is_owner | is_platform_staff)
rules.add_perm("orgs.view_audit", is_owner | is_platform_staff)
rules.add_perm("orgs.view_dashboard", is_member | is_platform_staff)
# The "possible duplicates" page: owners and managers merge people linked to the organisation.
rules.add_perm("orgs.merge_people", is_manager | is_platform_staff)
