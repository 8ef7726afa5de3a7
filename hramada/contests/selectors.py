"""Reads of contests: which stage is current, an edition's stages and projects."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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


# --- Public pages -------------------------------------------------------------------------------------

# Higher apps add to the edition and project pages without this app importing them: the public vote
# (``voting``) registers one function ``fn(user, edition, now) -> dict | None`` that the pages pass to
# their templates as ``vote`` (counts shown or not, the open vote, the visitor's own votes...).
edition_extensions: list = []


def register_edition_extension(fn) -> None:
    edition_extensions.append(fn)


def edition_extension(user, edition: Edition, now=None) -> dict:
    """What registered apps add to an edition's pages (merged; empty when nothing is registered)."""
    now = now or timezone.now()
    merged: dict = {}
    for fn in edition_extensions:
        merged.update(fn(user, edition, now) or {})
    return merged


def _with_current_stage(editions, now) -> list[Edition]:
    """Set ``edition.current_stage`` by the same rule as ``current_stage``, from prefetched stages."""
    editions = list(editions)
    for edition in editions:
        running = [s for s in edition.stages.all() if s.is_open(now)]
        running.sort(key=lambda s: (s.starts_at, s.id), reverse=True)
        edition.current_stage = running[0] if running else None
    return editions


def public_editions(now=None) -> list[Edition]:
    """Every edition of every contest, newest first within a contest, each with its current stage."""
    now = now or timezone.now()
    editions = (
        Edition.objects.select_related("contest")
        .prefetch_related("stages")
        .order_by("contest__title", "contest_id", "-year", "-id")
    )
    return _with_current_stage(editions, now)


def open_editions(now=None, limit: int = 6) -> list[Edition]:
    """Editions with a stage running now (for the home page), each with its current stage."""
    now = now or timezone.now()
    running = Stage.objects.filter(starts_at__lte=now, ends_at__gt=now).filter(
        Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now)
    )
    editions = (
        Edition.objects.filter(pk__in=running.values("edition_id"))
        .select_related("contest")
        .prefetch_related("stages")
        .order_by("-year", "-id")[:limit]
    )
    return _with_current_stage(editions, now)


def edition_page(contest_slug: str, edition_id: str, now=None) -> Edition | None:
    """One edition with its contest, categories and dated stages (current one marked), or None."""
    now = now or timezone.now()
    edition = (
        Edition.objects.filter(contest__slug=contest_slug, public_id=edition_id)
        .select_related("contest")
        .prefetch_related("stages", "categories")
        .first()
    )
    if edition is None:
        return None
    return _with_current_stage([edition], now)[0]


def projects_by_category(edition: Edition) -> list[tuple]:
    """(category, [eligible projects]) for each category of a prefetched edition, in category order."""
    by_category: dict[int, list[Project]] = {}
    for project in eligible_projects(edition):
        by_category.setdefault(project.category_id, []).append(project)
    return [(category, by_category.get(category.pk, [])) for category in edition.categories.all()]


def public_project(public_id: str) -> Project | None:
    """An eligible project with its category, edition and contest (others are not public)."""
    return (
        Project.objects.filter(public_id=public_id, status=Project.Status.ELIGIBLE)
        .select_related("category", "edition__contest")
        .first()
    )


def home_section(request):
    return {
        "title": _("Contests"),
        "template": "contests/public/_edition_cards.html",
        "items": open_editions(),
        "more_url": reverse("contests:list"),
        "empty": _("No contest is open right now."),
    }
