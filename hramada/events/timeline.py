"""A community's timeline (``core.registry.register_community_timeline``): published events held there,
each with how many people from the community took part (checked in), as a count only: 1 to 4 as "<5"."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hramada.core.privacy import suppress_small

from .models import Event


def community_timeline(community) -> list[dict]:
    events = (
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .filter(Q(community=community) | Q(settlement=community.settlement))
        .annotate(
            from_here=Count(
                "registrations__person",
                distinct=True,
                filter=Q(
                    registrations__checked_in_at__isnull=False,
                    registrations__person__home_community=community,
                ),
            )
        )
        .order_by("-starts_at")
    )
    return [
        {
            "date": event.starts_at,
            "kind": pgettext("a timeline entry's kind", "Event"),
            "title": event.title,
            "url": reverse("events:detail", args=[event.slug]),
            "detail": _("People from here who took part: %(n)s") % {"n": suppress_small(event.from_here)}
            if event.from_here
            else "",
        }
        for event in events
    ]
