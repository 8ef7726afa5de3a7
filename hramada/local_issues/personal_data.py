"""A person's local-issues data for the export and the erasure (``hramada.core.personal_data``).

Erasure: backings, follows and resolution checks go (the issues' backing counts drop with them, in the
same transaction as the people app's erasure); issues and comments stay as contributions, linked to the
pseudonymised person ("Former participant"), and no longer offer the name to an authority.
"""

from django.db.models import F

from .models import AbuseReport, Backing, Comment, Follow, Issue, ResolutionCheck


def _when(value) -> str:
    return value.isoformat() if value else ""


def export_local_issues(person) -> dict:
    issues = Issue.objects.filter(reporter=person).select_related("community", "settlement", "category")
    return {
        "issues_raised": [
            {
                "id": issue.public_id,
                "title": issue.title,
                "description": issue.description,
                "community": str(issue.community),
                "settlement": str(issue.settlement),
                "category": issue.category.code,
                "address": issue.address,
                "latitude": str(issue.latitude) if issue.latitude is not None else None,
                "longitude": str(issue.longitude) if issue.longitude is not None else None,
                "show_name": issue.show_name,
                "name_to_authority": issue.name_to_authority,
                "status": issue.status,
                "raised_at": _when(issue.created_at),
                "published_at": _when(issue.published_at),
                "photos": issue.photos.filter(entry__isnull=True).count(),
            }
            for issue in issues
        ],
        "backings": [
            {"issue": issue_id, "title": title, "at": _when(at)}
            for issue_id, title, at in Backing.objects.filter(person=person)
            .order_by("created_at")
            .values_list("issue__public_id", "issue__title", "created_at")
        ],
        "comments": [
            {
                "issue": c.issue.public_id,
                "text": c.body,
                "at": _when(c.created_at),
                "hidden": c.hidden_at is not None,
            }
            for c in Comment.objects.filter(author=person).select_related("issue").order_by("created_at")
        ],
        "follows": list(Follow.objects.filter(person=person).values_list("issue__public_id", flat=True)),
        "resolution_checks": [
            {"issue": issue_id, "fixed": fixed, "at": _when(at)}
            for issue_id, fixed, at in ResolutionCheck.objects.filter(person=person).values_list(
                "issue__public_id", "fixed", "created_at"
            )
        ],
        "abuse_reports": [
            {"issue": issue_id, "reason": reason, "at": _when(at)}
            for issue_id, reason, at in AbuseReport.objects.filter(reporter=person).values_list(
                "issue__public_id", "reason", "created_at"
            )
        ],
    }


def erase_local_issues(person) -> None:
    backed = list(Backing.objects.filter(person=person).values_list("issue_id", flat=True))
    Backing.objects.filter(person=person).delete()
    # one backing per person and issue: each issue loses exactly one
    Issue.objects.filter(pk__in=backed).update(backing_count=F("backing_count") - 1)
    Follow.objects.filter(person=person).delete()
    ResolutionCheck.objects.filter(person=person).delete()
    Issue.objects.filter(reporter=person).update(show_name=False, name_to_authority=False)
