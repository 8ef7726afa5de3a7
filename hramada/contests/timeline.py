"""A community's timeline (``core.registry.register_community_timeline``): its eligible contest projects
in published editions (never drafts, nor projects screened out)."""

from django.urls import reverse
from django.utils.translation import pgettext

from .models import Project


def community_timeline(community) -> list[dict]:
    projects = Project.objects.filter(
        community=community, status=Project.Status.ELIGIBLE, edition__published_at__isnull=False
    ).select_related("edition__contest")
    return [
        {
            "date": project.submitted_at or project.edition.published_at,
            "kind": pgettext("a timeline entry's kind", "Contest project"),
            "title": project.title,
            "url": reverse("contests:project", args=[project.public_id]),
            "detail": str(project.edition),
        }
        for project in projects
    ]
