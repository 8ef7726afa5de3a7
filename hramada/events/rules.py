import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager, is_platform_staff
from hramada.questions.registry import register_answer_owner


@rules.predicate
def manages_event(user, event):
    if event is None:
        return False
    return is_manager(user, event.organisation)


rules.add_perm("events.manage_event", manages_event | is_platform_staff)
rules.add_perm("events.add_event", is_manager | is_platform_staff)  # object: the organisation


@rules.predicate
def is_registrant(user, registration) -> bool:
    return user.is_authenticated and registration.person.user_id == user.pk


@rules.predicate
def organises_registration_event(user, registration) -> bool:
    """The event's organisers (or platform staff) with two-factor, as the organiser pages require."""
    if not user.is_authenticated:
        return False
    return rules.has_perm("events.manage_event", user, registration.event) and passed_two_factor(user)


# The object is a registration: the files uploaded with its registration form or feedback survey.
rules.add_perm("events.view_registration_answer_files", is_registrant | organises_registration_event)
register_answer_owner("registration", "events.view_registration_answer_files")
register_answer_owner("feedback_of", "events.view_registration_answer_files")
