"""A community's timeline (``core.registry.register_community_timeline``): published news about it."""

from django.urls import reverse
from django.utils.translation import pgettext

from .selectors import localised, public_posts


def community_timeline(community) -> list[dict]:
    return [
        {
            "date": post.published_at,
            "kind": pgettext("a timeline entry's kind", "News"),
            "title": post.shown_title,
            "url": reverse("news:detail", args=[post.public_id]),
        }
        for post in localised(public_posts(community=community))
    ]
