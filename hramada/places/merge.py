"""Merging two people (people.services.merge_people): the community leader roles move."""

from hramada.people.merge import counts, reassign

from .models import CommunityLeader

COVERS = ("places.CommunityLeader.person",)


def merge_person(keep, remove) -> dict:
    # Both leaders of the same community: the role shown publicly (with its consent) is kept.
    return counts(
        community_roles=reassign(
            CommunityLeader,
            "person",
            keep,
            remove,
            key=("community",),
            rank=lambda r: (r.shown_publicly, bool(r.role), -r.pk),
        )
    )
