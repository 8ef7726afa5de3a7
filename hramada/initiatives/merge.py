"""Merging two people (people.services.merge_people): organiser roles, story updates and volunteer
shifts move. Both signed up for the same shift: the sign-up with hours recorded (else the older) is kept,
the other cancelled, so the initiative's volunteers and hours are not counted twice."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.people.merge import counts, reassign

from .models import InitiativeOrganiser, ShiftSignup, StoryUpdate

COVERS = (
    "initiatives.InitiativeOrganiser.person",
    "initiatives.StoryUpdate.author",
    "initiatives.ShiftSignup.person",
)


def _cancel(signup) -> None:
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["cancelled_at", "updated_at"])


def merge_person(keep, remove) -> dict:
    return counts(
        organiser_roles=reassign(
            InitiativeOrganiser,
            "person",
            keep,
            remove,
            key=("initiative",),
            rank=lambda r: (bool(r.role), -r.pk),
        ),
        story_updates=reassign(StoryUpdate, "author", keep, remove),
        shift_signups=reassign(
            ShiftSignup,
            "person",
            keep,
            remove,
            key=("shift",),
            active=Q(cancelled_at__isnull=True),
            rank=lambda s: (s.hours is not None, -s.pk),
            retire=_cancel,
        ),
    )


def organisation_people(organisation):
    """By label, the ids of people who volunteered in or run the organisation's initiatives."""
    return {
        _("volunteer shifts"): ShiftSignup.objects.filter(
            shift__role__initiative__organisation=organisation
        ).values("person_id"),
        _("initiative organiser roles"): InitiativeOrganiser.objects.filter(
            initiative__organisation=organisation
        ).values("person_id"),
    }
