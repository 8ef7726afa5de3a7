"""Who may do what in awards: organisers run finalists, jury and awards; sponsors declare pledges."""

import rules

from hramada.orgs.rules import is_manager, is_platform_staff

# The object is the sponsor organisation: its owners and managers may pledge a prize in its name.
rules.add_perm("awards.declare_pledge", is_manager | is_platform_staff)
