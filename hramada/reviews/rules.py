"""Who may do what in reviews.

Organisers (owners and managers of the round's organisation) and platform staff manage rounds and see
scores; a reviewer sees only their own assignments; nobody else sees scores.
"""

import rules
from django.utils.translation import gettext as _

from hramada.core.errors import DomainError
from hramada.orgs.rules import is_manager, is_platform_staff


@rules.predicate
def manages_round(user, round_):
    if round_ is None:
        return False
    return is_manager(user, round_.organisation)


@rules.predicate
def manages_rubric(user, rubric):
    if rubric is None:
        return False
    return is_manager(user, rubric.organisation)


@rules.predicate
def is_assigned_reviewer(user, assignment):
    if assignment is None or not user.is_authenticated:
        return False
    return assignment.reviewer.user_id == user.pk


rules.add_perm("reviews.manage_round", manages_round | is_platform_staff)
rules.add_perm("reviews.manage_rubric", manages_rubric | is_platform_staff)
rules.add_perm("reviews.add_round", is_manager | is_platform_staff)  # object: the organisation
rules.add_perm("reviews.review", is_assigned_reviewer)  # object: the assignment


def require(actor, perm: str, obj, message=None) -> None:
    """Refuse with a ``DomainError`` unless ``actor`` has ``perm`` on ``obj`` (used by the services)."""
    if actor is None or not actor.has_perm(perm, obj):
        raise DomainError(message or _("Only the organisers of this review can do this."))
