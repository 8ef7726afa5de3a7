"""Who may manage an organisation's webhooks: its owners (and platform staff), in a session that passed
the second factor, as every organiser page under /manage/ asks. Managers may not: an endpoint receives
data about the organisation's participants and its secret signs in the organisation's name."""

import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_owner


@rules.predicate
def is_webhook_admin(user, organisation) -> bool:
    if organisation is None or not passed_two_factor(user):
        return False
    return bool(user.is_staff or is_owner(user, organisation))


# The object is an organisation.
rules.add_perm("webhooks.manage_endpoints", is_webhook_admin)
