"""Moving rows from one Person to another when two records of the same human are merged.

Each app registers a hook with ``hramada.core.registry.register_person_merge`` in its ``ready()``; the hook
calls ``reassign`` for each of its foreign keys to Person. ``merge_people`` (people.services) runs the hooks
inside its transaction, after locking both people.
"""

from collections.abc import Callable

from django.db.models import Q


def reassign(
    model,
    field: str,
    keep,
    remove,
    *,
    key: tuple[str, ...] = (),
    active: Q | None = None,
    rank: Callable | None = None,
    retire: Callable | None = None,
) -> tuple[int, int]:
    """Point ``model.<field>`` from ``remove`` to ``keep``; return (rows moved, collisions resolved).

    ``key``: the other fields of a unique constraint with ``field`` (e.g. ``("event",)`` for one
    registration per event and person); ``active``: the constraint's condition, if it has one. When both
    people have a row with the same key, ``rank(row)`` (higher is better; default: the older row) picks the
    one kept; the other is ``retire``\\d (e.g. cancelled, so it leaves the constraint's condition and moves as
    history) or, without ``retire``, deleted.
    """
    manager = model._default_manager
    collisions = 0
    if key:
        attnames = [model._meta.get_field(name).attname for name in key]
        rows = manager.filter(**{field: remove})
        if active is not None:
            rows = rows.filter(active)
        for row in list(rows):
            others = manager.filter(**{field: keep}, **{a: getattr(row, a) for a in attnames})
            if active is not None:
                others = others.filter(active)
            other = others.first()
            if other is None:
                continue
            rank_of = rank or (lambda r: (-r.pk,))
            loser = other if rank_of(row) > rank_of(other) else row
            if retire is not None:
                retire(loser)
            else:
                loser.delete()
            collisions += 1
    moved = manager.filter(**{field: remove}).update(**{field: keep})
    return moved, collisions


def counts(**pairs: tuple[int, int]) -> dict:
    """``{"registrations": (moved, merged)}`` -> ``{"registrations": moved, "registrations_merged": merged}``
    without zeros."""
    result = {}
    for label, (moved, merged) in pairs.items():
        if moved:
            result[label] = moved
        if merged:
            result[f"{label}_merged"] = merged
    return result
