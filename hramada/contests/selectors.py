"""Reads of contests: which stage is current, an edition's stages and projects."""

from django.db.models import Q
from django.utils import timezone

from .models import Edition, Project, Stage


def current_stage(edition: Edition, now=None) -> Stage | None:
    """The stage running at ``now`` (by its dates, ended by an early close); None between stages.

    If stages overlap, the one that started last is current.
    """
    now = now or timezone.now()
    return (
        Stage.objects.filter(edition=edition, starts_at__lte=now, ends_at__gt=now)
        .filter(Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now))
        .order_by("-starts_at", "-id")
        .first()
    )


def stage_of_kind(edition: Edition, kind: str) -> Stage | None:
    return Stage.objects.filter(edition=edition, kind=kind).first()


def eligible_projects(edition: Edition):
    return (
        Project.objects.filter(edition=edition, status=Project.Status.ELIGIBLE)
        .select_related("category")
        .order_by("category__order", "category_id", "title")
    )
