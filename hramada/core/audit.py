"""The audit trail: every service that changes something calls ``record`` inside its transaction."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def _ref(obj):
    if obj is None:
        return None, ""
    if isinstance(obj, tuple):  # (model class, pk): a scope known by id, not worth a query
        model, pk = obj
        return ContentType.objects.get_for_model(model, for_concrete_model=False), str(pk)
    return ContentType.objects.get_for_model(obj, for_concrete_model=False), str(obj.pk)


def record(*, actor, action: str, target=None, scope=None, data: dict | None = None) -> AuditEntry:
    """Append one audit entry; ``action`` is a dotted name such as ``orgs.member.invited``."""
    target_type, target_id = _ref(target)
    scope_type, scope_id = _ref(scope)
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=str(actor.display_name) if actor else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=str(target)[:200] if target is not None else "",
        scope_type=scope_type,
        scope_id=scope_id,
        data=data or {},
    )


def entries_for_scope(scope):
    scope_type, scope_id = _ref(scope)
    return AuditEntry.objects.filter(scope_type=scope_type, scope_id=scope_id).select_related("actor")
