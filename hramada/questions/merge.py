"""Merging two people (people.services.merge_people): form answers move."""

from hramada.people.merge import counts, reassign

from .models import Response

COVERS = ("questions.Response.person",)


def merge_person(keep, remove) -> dict:
    return counts(answers=reassign(Response, "person", keep, remove))
