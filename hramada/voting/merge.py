"""Merging two people (people.services.merge_people).

Votes hold no person: the voter is a keyed hash of the *login* and the edition (``selectors.voter_hash``).
The merge moves a login only to a person without one and refuses two people who both have one, so no
vote's hash changes and no vote becomes linkable to a person. What moves here are staff actions: votes
annulled by the person and voting-code batches they created.
"""

from hramada.people.merge import counts, reassign

from .models import Vote, VotingCodeBatch

COVERS = ("voting.Vote.annulled_by", "voting.VotingCodeBatch.created_by")


def merge_person(keep, remove) -> dict:
    return counts(
        votes_annulled=reassign(Vote, "annulled_by", keep, remove),
        code_batches=reassign(VotingCodeBatch, "created_by", keep, remove),
    )
