import rules

from hramada.orgs.rules import is_manager, is_platform_staff


@rules.predicate
def manages_event(user, event):
    if event is None:
        return False
    return is_manager(user, event.organisation)


rules.add_perm("events.manage_event", manages_event | is_platform_staff)
rules.add_perm("events.add_event", is_manager | is_platform_staff)  # object: the organisation
