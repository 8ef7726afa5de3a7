"""A community's timeline (``core.registry.register_community_timeline``): its public local issues (never
hidden, unpublished or merged ones), when raised, and when an authority first answered."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .selectors import public_issues


def community_timeline(community) -> list[dict]:
    entries = []
    for issue in public_issues().filter(community=community).order_by("-published_at"):
        url = reverse("local_issues:detail", args=[issue.public_id])
        entries.append(
            {
                "date": issue.published_at,
                "kind": pgettext("a timeline entry's kind", "Local issue"),
                "title": issue.title,
                "url": url,
                "detail": issue.get_status_display(),
            }
        )
        if issue.first_answer_at:
            entries.append(
                {
                    "date": issue.first_answer_at,
                    "kind": pgettext("a timeline entry's kind", "Answer"),
                    "title": _("Answer to “%(title)s”") % {"title": issue.title},
                    "url": url,
                }
            )
    return entries
