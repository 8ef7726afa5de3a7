import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_platform_staff

from .registry import answer_owners

has_two_factor = rules.predicate(passed_two_factor)


@rules.predicate
def allowed_by_owner(user, response) -> bool:
    """The app the response belongs to lets this user read its files (see ``registry``)."""
    for accessor, perm in answer_owners.items():
        owner = getattr(response, accessor, None)  # a missing reverse one-to-one raises AttributeError
        # The rule itself, not user.has_perm: that lets any superuser through, even without 2FA.
        if owner is not None and rules.has_perm(perm, user, owner):
            return True
    return False


# The object is a questions.Response: the files uploaded as its answers (CVs, letters, certificates).
rules.add_perm("questions.view_answer_files", (is_platform_staff & has_two_factor) | allowed_by_owner)
