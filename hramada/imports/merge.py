"""Merging two people (people.services.merge_people): the import links move to the person kept."""

from hramada.people.merge import counts, reassign

from .models import ImportedPerson

COVERS = ("imports.ImportedPerson.person",)


def merge_person(keep, remove) -> dict:
    return counts(imported=reassign(ImportedPerson, "person", keep, remove))


def organisation_people(organisation):
    """People the organisation imported (ids, for a subquery)."""
    return [ImportedPerson.objects.filter(job__organisation=organisation).values("person_id")]
