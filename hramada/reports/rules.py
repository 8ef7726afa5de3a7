"""Who may see and change which report.

- The public indicators page shows places only (the whole platform, a country, a region, a
  community): aggregates with every group of 1-4 people shown as "<5" (``indicators``). Anyone may see it.
- An organisation's indicators (its own activities, its programmes, its donor projects) are for the
  people with a role in it (owner, manager, expert or member) and platform staff, with this session's
  second factor as every page under /manage/ asks. They are aggregates too, suppressed the same way.
- A donor project is created, changed and given its activities by the lead organisation's owners
  and managers (or platform staff); its page and its exports (CSV, XLSX, IATI XML) are for anyone
  with a role in the lead organisation.
"""

import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager, is_member, is_platform_staff


@rules.predicate
def has_second_factor(user) -> bool:
    return passed_two_factor(user)


@rules.predicate
def manages_lead(user, project) -> bool:
    return is_manager(user, project.organisation)


@rules.predicate
def member_of_lead(user, project) -> bool:
    return is_member(user, project.organisation)


# The object is an organisation.
rules.add_perm("reports.view_org_reports", has_second_factor & (is_member | is_platform_staff))
rules.add_perm("reports.add_donor_project", has_second_factor & (is_manager | is_platform_staff))
# The object is a donor project.
rules.add_perm("reports.view_donor_project", has_second_factor & (member_of_lead | is_platform_staff))
rules.add_perm("reports.manage_donor_project", has_second_factor & (manages_lead | is_platform_staff))
