"""A community's timeline (``core.registry.register_community_timeline``): its published initiatives."""

from django.urls import reverse
from django.utils.translation import pgettext

from .selectors import public_initiatives


def community_timeline(community) -> list[dict]:
    return [
        {
            "date": initiative.starts_on or initiative.published_at,
            "kind": pgettext("a timeline entry's kind", "Initiative"),
            "title": initiative.title,
            "url": reverse("initiatives:detail", args=[initiative.slug]),
        }
        for initiative in public_initiatives(community=community)
    ]
