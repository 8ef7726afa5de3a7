"""A community's timeline (``core.registry.register_community_timeline``): how many people from there took
part in each programme cohort (a count, never names; 1 to 4 as "<5"), and the action plans their
participants chose to make public (the plan's title, not its author)."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hramada.core.privacy import suppress_small

from .models import Participant
from .selectors import public_plans


def community_timeline(community) -> list[dict]:
    entries = []
    cohorts = (
        Participant.objects.filter(community=community, cohort__programme__published_at__isnull=False)
        .values("cohort__programme__title", "cohort__year")
        .annotate(n=Count("person", distinct=True), since=Min("created_at"))
    )
    for row in cohorts:
        entries.append(
            {
                "date": row["since"],
                "kind": pgettext("a timeline entry's kind", "Programme"),
                "title": row["cohort__programme__title"],
                "url": "",
                "detail": _("Participants from here: %(n)s") % {"n": suppress_small(row["n"])},
            }
        )
    plans = public_plans().filter(Q(participant__community=community) | Q(assessment__community=community))
    for plan in plans.distinct():
        entries.append(
            {
                "date": plan.submitted_at or plan.created_at,
                "kind": pgettext("a timeline entry's kind", "Action plan"),
                "title": plan.title,
                "url": reverse("programmes:plan", args=[plan.public_id]),
            }
        )
    return entries
