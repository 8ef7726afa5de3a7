"""Merging two people (people.services.merge_people): issues reported, backings, comments, follows,
"is it fixed?" answers, abuse reports and moderator appointments move. Both backed (or follow, or
answered about) the same issue: one is kept (the older), so an issue's backers are not counted twice."""

from hramada.people.merge import counts, reassign

from .models import AbuseReport, Backing, Comment, Follow, Issue, Moderator, ResolutionCheck

COVERS = (
    "local_issues.Issue.reporter",
    "local_issues.Backing.person",
    "local_issues.Comment.author",
    "local_issues.Moderator.person",
    "local_issues.AbuseReport.reporter",
    "local_issues.ResolutionCheck.person",
    "local_issues.Follow.person",
)


def merge_person(keep, remove) -> dict:
    return counts(
        issues_reported=reassign(Issue, "reporter", keep, remove),
        backings=reassign(Backing, "person", keep, remove, key=("issue",)),
        comments=reassign(Comment, "author", keep, remove),
        # A region, or everywhere (no region): one appointment each.
        moderation=reassign(Moderator, "person", keep, remove, key=("region",)),
        abuse_reports=reassign(AbuseReport, "reporter", keep, remove),
        resolution_answers=reassign(ResolutionCheck, "person", keep, remove, key=("issue",)),
        follows=reassign(Follow, "person", keep, remove, key=("issue",)),
    )
