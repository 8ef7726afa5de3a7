"""Merging two people (people.services.merge_people): posts they authored name the kept person."""

from hramada.people.merge import counts, reassign

from .models import Post

COVERS = ("news.Post.authors",)


def merge_person(keep, remove) -> dict:
    # Both authors of the same post: one authorship is enough.
    return counts(posts_authored=reassign(Post.authors.through, "person", keep, remove, key=("post",)))
