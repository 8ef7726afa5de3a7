import rules

from hramada.orgs.rules import is_manager, is_platform_staff

# The same people who manage the organisation's events (its owners and managers, or platform staff).
rules.add_perm("imports.import_people", is_manager | is_platform_staff)
