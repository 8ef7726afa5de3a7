"""What every events service shares: the place counters, row locks and the organisers' check.

Capacity rule (never overbook): ``_take_place`` takes a place with one conditional UPDATE of the counter
row (``confirmed_count < capacity``), which also takes that row's lock until the transaction ends; the
caller inserts its registration or sign-up next, under that lock. A check constraint on the counter is
the last guard. ``_save_keeping_counters`` saves an edited row without writing the counters back.
"""

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from hramada.core.errors import DomainError


def _save_keeping_counters(obj, *counters: str) -> None:
    """Save an edited row without writing its maintained counters, which other requests move
    concurrently with UPDATE ... SET n = n + 1 (a stale value written back would undo them)."""
    if obj.pk is None:
        obj.save()
        return
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name not in counters]
    obj.save(update_fields=fields)


def _take_place(model, pk) -> bool:
    """Atomically take one place on an Event or Session row; False when it is full.

    One conditional UPDATE; the row stays locked until the transaction ends. Written in SQL because it
    is on every registration's path and the ORM spent several times the statement's own cost building
    it (see docs/architecture.md, "Benchmarks"). The check constraint on the table still guards it.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET confirmed_count = confirmed_count + 1 "  # noqa: S608 - a model's table
            "WHERE id = %s AND (capacity IS NULL OR confirmed_count < capacity)",
            [pk],
        )
        return cursor.rowcount == 1


def _free_place(model, pk) -> None:
    model.objects.filter(pk=pk, confirmed_count__gt=0).update(confirmed_count=F("confirmed_count") - 1)


def _lock(model, pk):
    return model.objects.select_for_update(no_key=True).get(pk=pk)


def can_manage(user, event) -> bool:
    return user is not None and user.has_perm("events.manage_event", event)


def _require_manager(actor, event):
    if not can_manage(actor, event):
        raise DomainError(_("Only the event's organisers can do this."))
