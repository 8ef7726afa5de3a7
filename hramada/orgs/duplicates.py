"""The organiser's "possible duplicates" page: pairs of people linked to an organisation who may be the
same human (matching rules in people.duplicates), what the organiser sees of each, and who may merge.

Only people linked to the organisation (``registry.organisation_people_sources``: its members, the people
registered for its events, its programmes' applicants and participants, its initiatives' volunteers and
organisers) are compared, shown or merged; counts are of their rows *with this organisation* only.
"""

from django.db.models import Count, Q
from django.utils.functional import Promise

from hramada.people.duplicates import possible_duplicate_pairs
from hramada.people.models import DuplicateDismissal, Person

from .registry import organisation_people_filter, organisation_people_sources


def people_of(organisation):
    """The (not erased) people linked to ``organisation``."""
    return Person.objects.filter(organisation_people_filter(organisation), erased_at__isnull=True)


def duplicate_pairs(organisation) -> list[tuple]:
    """``(a, b, score, reasons)`` among the organisation's people, best first, without the pairs an
    organiser marked as "not a duplicate"."""
    pairs = possible_duplicate_pairs(people_of(organisation))
    if not pairs:
        return []
    low_ids = {a.pk for a, _b, _s, _r in pairs}
    dismissed = set(
        DuplicateDismissal.objects.filter(person_a_id__in=low_ids).values_list("person_a_id", "person_b_id")
    )
    return [
        pair for pair in pairs if (min(pair[0].pk, pair[1].pk), max(pair[0].pk, pair[1].pk)) not in dismissed
    ]


def mask_email(email: str) -> str:
    """Enough of an address to tell two apart, not to copy it: ``a***@example.org``."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


def person_cards(organisation, people) -> dict[int, dict]:
    """What the page shows of each person, by id: name, masked e-mail, settlement and their activities
    with this organisation (one query per kind of activity for the whole page)."""
    people = list(
        Person.objects.filter(pk__in=[p.pk for p in people]).select_related("home_settlement", "user")
    )
    ids = [p.pk for p in people]
    activity: dict[int, list[tuple[str, int]]] = {pk: [] for pk in ids}
    for label, source in organisation_people_sources(organisation).items():
        if not isinstance(label, str | Promise):
            continue  # an unlabelled source (see ``register_organisation_people``)
        rows = source.filter(person_id__in=ids).order_by().values("person_id").annotate(n=Count("person_id"))
        for row in rows:
            activity[row["person_id"]].append((label, row["n"]))
    return {
        p.pk: {
            "person": p,
            "email": mask_email(p.email),
            "settlement": p.home_settlement,
            "has_login": p.user_id is not None,
            "activities": activity[p.pk],
        }
        for p in people
    }


def visible_person(organisation, public_id: str):
    """The person with ``public_id`` if linked to ``organisation``, else None (the page answers 404)."""
    return people_of(organisation).filter(Q(public_id=public_id)).first()
