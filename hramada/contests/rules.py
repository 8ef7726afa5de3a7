import rules

from hramada.orgs.rules import is_manager, is_platform_staff

# The object is the contest's organisation: its owners and managers run the contest.
rules.add_perm("contests.manage_contest", is_manager | is_platform_staff)
