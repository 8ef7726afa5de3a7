"""A community's timeline (``core.registry.register_community_timeline``): how many people from there took
part in each programme cohort (a count, never names; 1 to 4 as "<5"), and the action plans their
participants chose to make public (the plan's title, not its author)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hramada.core.privacy import suppress_small

from .models import Cohort, Participant
from .selectors import public_plans


def community_timeline(community) -> list[dict]:
    entries = []
    counts = dict(
        Participant.objects.filter(
            community=community,
            cohort__programme__published_at__isnull=False,
            cohort__published_at__isnull=False,
        )
        .values("cohort")
        .annotate(n=Count("person", distinct=True))
        .values_list("cohort", "n")
    )
    # Dated by the cohort's start (when the people from here took part), titled and linked as the
    # cohort's public page, in the visitor's language (values() would give the stored default).
    for cohort in Cohort.objects.filter(pk__in=counts).select_related("programme"):
        entries.append(
            {
                "date": cohort.starts_on,
                "kind": pgettext("a timeline entry's kind", "Programme"),
                "title": f"{cohort.programme.title}: {cohort.title}",
                "url": reverse("programmes:cohort", args=[cohort.programme.slug, cohort.slug]),
                "detail": _("Participants from here: %(n)s") % {"n": suppress_small(counts[cohort.pk])},
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
