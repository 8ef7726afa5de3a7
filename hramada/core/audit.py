"""The audit trail: every service that changes something calls ``record`` inside its transaction."""

import json

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import AuditEntry

# The columns of one entry, in the order ``row_params`` gives their values (for a hot path that
# writes its entry with its own SQL, e.g. the vote: ``voting.writes``).
ROW_COLUMNS = (
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type_id",
    "target_id",
    "target_label",
    "scope_type_id",
    "scope_id",
    "data",
)


def _ref(obj):
    if obj is None:
        return None, ""
    if isinstance(obj, tuple):  # (model class, pk): a scope known by id, not worth a query
        model, pk = obj
        return ContentType.objects.get_for_model(model, for_concrete_model=False), str(pk)
    return ContentType.objects.get_for_model(obj, for_concrete_model=False), str(obj.pk)


def entry_row(*, actor, action: str, target=None, scope=None, data: dict | None = None, now=None) -> dict:
    """One entry's values by column (``ROW_COLUMNS``), as ``record`` writes them."""
    target_type, target_id = _ref(target)
    scope_type, scope_id = _ref(scope)
    actor = actor if actor is not None and actor.is_authenticated else None
    return {
        "created_at": now or timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_label": str(actor.display_name) if actor else "",
        "action": action,
        "target_type_id": target_type.pk if target_type else None,
        "target_id": target_id,
        "target_label": str(target)[:200] if target is not None else "",
        "scope_type_id": scope_type.pk if scope_type else None,
        "scope_id": scope_id,
        "data": data or {},
    }


def row_params(row: dict, connection) -> list:
    """``entry_row``'s values as parameters of a raw ``INSERT`` (``ROW_COLUMNS`` order)."""
    return [
        json.dumps(row["data"])
        if column == "data"
        else connection.ops.adapt_datetimefield_value(row[column])
        if column == "created_at"
        else row[column]
        for column in ROW_COLUMNS
    ]


def record(*, actor, action: str, target=None, scope=None, data: dict | None = None) -> AuditEntry:
    """Append one audit entry; ``action`` is a dotted name such as ``orgs.member.invited``."""
    row = entry_row(actor=actor, action=action, target=target, scope=scope, data=data)
    del row["created_at"]  # auto_now_add
    return AuditEntry.objects.create(**row)


def entries_for_scope(scope):
    scope_type, scope_id = _ref(scope)
    return AuditEntry.objects.filter(scope_type=scope_type, scope_id=scope_id).select_related("actor")
