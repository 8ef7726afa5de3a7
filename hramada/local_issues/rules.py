"""Who may do what with local issues.

- Residents (any signed-in person) raise, back, comment and report abuse; a published, visible issue is
  public.
- Moderators (appointed by platform staff, everywhere or for a region) and platform staff moderate,
  forward and escalate, with this session's second factor.
- An authority's owners and managers (second factor too) answer the issues forwarded to it; without an
  account an authority answers through its e-mailed link, which is checked by the services, not here.
"""

import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager

from .models import Issue, Moderator


def _region_of(issue: Issue):
    return issue.settlement.region_id


@rules.predicate
def is_moderator(user, issue=None) -> bool:
    """Staff, or an appointed moderator (of the issue's region, when an issue is given)."""
    if not passed_two_factor(user):
        return False
    if user.is_staff:
        return True
    moderators = Moderator.objects.filter(person__user=user)
    if issue is None:
        return moderators.exists()
    return (
        moderators.filter(region__isnull=True).exists()
        or moderators.filter(region_id=_region_of(issue)).exists()
    )


@rules.predicate
def is_visible(user, issue: Issue) -> bool:
    return issue.is_public


@rules.predicate
def is_reporter(user, issue: Issue) -> bool:
    return user.is_authenticated and issue.reporter.user_id == user.pk


@rules.predicate
def is_answering_authority(user, issue: Issue) -> bool:
    return issue.authority_id is not None and passed_two_factor(user) and is_manager(user, issue.authority)


# The object is an issue.
rules.add_perm("local_issues.view_issue", is_visible | is_reporter | is_moderator | is_answering_authority)
rules.add_perm("local_issues.moderate_issue", is_moderator)
rules.add_perm("local_issues.answer_issue", is_answering_authority | is_moderator)
rules.add_perm("local_issues.see_reporter", is_moderator)
# No object: the moderation queue, categories, authorities' areas, Open311 clients.
rules.add_perm("local_issues.moderate", is_moderator)
