"""Who may do what with a local initiative: the people named as its organisers and the owners and
managers of its organisation (or platform staff) run it, with this session's second factor as every
organiser page under /manage/ asks; everyone sees a published initiative."""

import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager, is_platform_staff

from .models import Initiative, InitiativeOrganiser


@rules.predicate
def is_initiative_organiser(user, initiative: Initiative) -> bool:
    if not passed_two_factor(user):
        return False
    if user.is_staff or InitiativeOrganiser.objects.filter(initiative=initiative, person__user=user).exists():
        return True
    return initiative.organisation_id is not None and is_manager(user, initiative.organisation)


@rules.predicate
def is_published(user, initiative: Initiative) -> bool:
    return initiative.published_at is not None


# The object is an initiative.
rules.add_perm("initiatives.manage_initiative", is_initiative_organiser)
rules.add_perm("initiatives.view_initiative", is_published | is_initiative_organiser)
# The object is an organisation (or None for a community leader's own initiative).
rules.add_perm("initiatives.add_initiative", is_manager | is_platform_staff)
