"""Every organiser's change to contests, editions, categories, stages, and the screening of projects.

Stages are explicit, dated phases; which one is current follows the dates (``selectors.current_stage``),
and organisers may close one early. Every change is audited in the organisation's log. What teams do
(drafts, files, the team, submitting) is in ``submissions``; the names other apps call are re-exported
below so that ``contests.services`` stays their one entry point.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug
from hramada.core.translated import set_translated
from hramada.orgs.models import Organisation

from . import registry
from .models import Category, Contest, Edition, Project, Stage

# Re-exported: other apps (demo, e2e tests) start and submit projects through ``contests.services``.
from .submissions import create_draft, submit_project, update_draft  # noqa: F401


def can_manage(user, contest: Contest) -> bool:
    return user is not None and user.has_perm("contests.manage_contest", contest.organisation)


def require_manager(actor, contest: Contest) -> None:
    """Refuse unless ``actor`` is an owner or manager of the contest's organisation (or platform staff)."""
    if not can_manage(actor, contest):
        raise DomainError(_("Only the contest's organisers can do this."))


def _scope(contest: Contest):
    return (Organisation, contest.organisation_id)


@transaction.atomic
def create_contest(*, actor, organisation: Organisation, **titles) -> Contest:
    """An organisation's owners and managers create a contest that will run in yearly editions."""
    if actor is None or not actor.has_perm("contests.manage_contest", organisation):
        raise DomainError(_("Only the organisation's owners and managers can create contests."))
    contest = Contest(organisation=organisation)
    set_translated(contest, "title", titles, required_message=_("Give the contest a title."), strict=True)
    contest.slug = unique_slug(contest.title_en or contest.title_ru or contest.title_be, Contest)
    contest.save()
    audit.record(actor=actor, action="contests.contest.created", target=contest, scope=organisation)
    return contest


@transaction.atomic
def create_edition(*, actor, contest: Contest, year: int, co_organisers=(), sponsors=(), **titles) -> Edition:
    """A new edition of a contest, with the organisations that co-organise and sponsor it: a draft that
    only its organisers see until they publish it (``publish_edition``)."""
    require_manager(actor, contest)
    if not 1900 <= year <= 2200:
        raise DomainError(_("Give the year of the edition."), field="year")
    edition = Edition(contest=contest, year=year)
    set_translated(edition, "title", titles, required_message=_("Give the edition a title."), strict=True)
    edition.save()
    co_organisers = [o for o in co_organisers if o.pk != contest.organisation_id]
    edition.co_organisers.set(co_organisers)
    edition.sponsors.set(sponsors)
    audit.record(
        actor=actor,
        action="contests.edition.created",
        target=edition,
        scope=_scope(contest),
        data={
            "year": year,
            "co_organisers": sorted(o.public_id for o in co_organisers),
            "sponsors": sorted(o.public_id for o in sponsors),
        },
    )
    return edition


@transaction.atomic
def publish_edition(*, actor, edition: Edition, now=None) -> Edition:
    """Make a draft edition public, once ``selectors.publication_checks`` finds nothing missing; from then
    on teams can start projects in it, and it cannot go back to being a draft."""
    from .selectors import managed_edition, publication_checks

    require_manager(actor, edition.contest)
    now = now or timezone.now()
    Edition.objects.select_for_update().filter(pk=edition.pk).first()  # one publication at a time
    fresh = managed_edition(edition.contest.slug, edition.public_id, now)
    problems, warnings = publication_checks(fresh, now)
    if problems:
        raise DomainError(" ".join(str(p) for p in problems))
    Edition.objects.filter(pk=edition.pk).update(published_at=now, updated_at=now)
    edition.published_at = now
    audit.record(
        actor=actor,
        action="contests.edition.published",
        target=edition,
        scope=_scope(edition.contest),
        data={
            "categories": len(fresh.categories.all()),
            "stages": sorted(s.kind for s in fresh.stages.all()),
            "warnings": [str(w) for w in warnings],
        },
    )
    return edition


@transaction.atomic
def create_category(*, actor, edition: Edition, order: int | None = None, **titles) -> Category:
    """A category (nomination) of an edition; voters' per-category limits apply to it."""
    contest = edition.contest
    require_manager(actor, contest)
    category = Category(edition=edition)
    set_translated(category, "title", titles, required_message=_("Give the category a title."), strict=True)
    category.order = order if order is not None else edition.categories.count() + 1
    category.save()
    audit.record(actor=actor, action="contests.category.created", target=category, scope=_scope(contest))
    return category


@transaction.atomic
def create_stage(*, actor, edition: Edition, kind: str, starts_at, ends_at) -> Stage:
    """Add a dated stage to an edition: one of each kind, ending after it starts."""
    contest = edition.contest
    require_manager(actor, contest)
    if kind not in Stage.Kind.values:
        raise DomainError(_("Choose a kind of stage."), field="kind")
    if ends_at <= starts_at:
        raise DomainError(_("The stage must end after it starts."), field="ends_at")
    if edition.stages.filter(kind=kind).exists():
        raise DomainError(
            _("This edition already has a stage “%(kind)s”.") % {"kind": Stage.Kind(kind).label},
            field="kind",
        )
    stage = Stage.objects.create(edition=edition, kind=kind, starts_at=starts_at, ends_at=ends_at)
    audit.record(
        actor=actor,
        action="contests.stage.created",
        target=stage,
        scope=_scope(contest),
        data={"kind": kind, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return stage


@transaction.atomic
def close_stage_early(*, actor, stage: Stage, now=None) -> Stage:
    """Organisers end an open stage before its planned end; the moment is kept and audited."""
    contest = stage.edition.contest
    require_manager(actor, contest)
    now = now or timezone.now()
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if not stage.is_open(now):
        raise DomainError(_("Only an open stage can be closed early."))
    stage.closed_early_at = now
    stage.save(update_fields=["closed_early_at", "updated_at"])
    audit.record(
        actor=actor,
        action="contests.stage.closed_early",
        target=stage,
        scope=_scope(contest),
        data={"kind": stage.kind, "planned_end": stage.ends_at.isoformat(), "closed_at": now.isoformat()},
    )
    return stage


def announce_open_votes(*, now=None) -> int:
    """Tell the teams of every eligible project, once, that their edition's public vote has opened
    (a periodic job); returns how many votes were announced. A vote already over is never announced."""
    from .tasks import send_project_email

    now = now or timezone.now()
    due = Stage.objects.filter(
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at__lte=now,
        ends_at__gt=now,
        announced_at__isnull=True,
        edition__published_at__isnull=False,
    ).select_related("edition__contest")
    announced = 0
    for stage in due:
        if not stage.is_open(now):
            continue
        with transaction.atomic():
            # Only one runner wins the conditional update, so each team is told once.
            if not Stage.objects.filter(pk=stage.pk, announced_at__isnull=True).update(announced_at=now):
                continue
            project_ids = list(
                Project.objects.filter(
                    edition_id=stage.edition_id, status=Project.Status.ELIGIBLE
                ).values_list("pk", flat=True)
            )
            for project_id in project_ids:
                enqueue_on_commit(send_project_email, project_id, "vote_open")
            audit.record(
                actor=None,
                action="contests.stage.announced",
                target=stage,
                scope=_scope(stage.edition.contest),
                data={"kind": stage.kind, "projects": len(project_ids)},
            )
        announced += 1
    return announced


@transaction.atomic
def update_contest(*, actor, contest: Contest, **titles) -> Contest:
    """Organisers rename a contest in any language (its address stays)."""
    require_manager(actor, contest)
    set_translated(contest, "title", titles, required_message=_("Give the contest a title."), strict=True)
    contest.save()
    audit.record(actor=actor, action="contests.contest.changed", target=contest, scope=_scope(contest))
    return contest


@transaction.atomic
def update_edition(*, actor, edition: Edition, year: int, co_organisers=(), sponsors=(), **titles) -> Edition:
    """Change an edition's titles, year, co-organisers and sponsors."""
    contest = edition.contest
    require_manager(actor, contest)
    if not 1900 <= year <= 2200:
        raise DomainError(_("Give the year of the edition."), field="year")
    edition.year = year
    set_translated(edition, "title", titles, required_message=_("Give the edition a title."), strict=True)
    edition.save()
    co_organisers = [o for o in co_organisers if o.pk != contest.organisation_id]
    edition.co_organisers.set(co_organisers)
    edition.sponsors.set(sponsors)
    audit.record(
        actor=actor,
        action="contests.edition.changed",
        target=edition,
        scope=_scope(contest),
        data={
            "year": year,
            "co_organisers": sorted(o.public_id for o in co_organisers),
            "sponsors": sorted(o.public_id for o in sponsors),
        },
    )
    return edition


@transaction.atomic
def update_category(*, actor, category: Category, **titles) -> Category:
    contest = category.edition.contest
    require_manager(actor, contest)
    set_translated(category, "title", titles, required_message=_("Give the category a title."), strict=True)
    category.save()
    audit.record(actor=actor, action="contests.category.changed", target=category, scope=_scope(contest))
    return category


@transaction.atomic
def move_category(*, actor, category: Category, up: bool) -> None:
    """Swap a category with its neighbour above or below (the order voters and teams see)."""
    contest = category.edition.contest
    require_manager(actor, contest)
    siblings = list(Category.objects.select_for_update().filter(edition=category.edition_id))
    siblings.sort(key=lambda c: (c.order, c.id))
    i = [c.pk for c in siblings].index(category.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(siblings):
        return
    siblings[i], siblings[j] = siblings[j], siblings[i]
    for n, item in enumerate(siblings, start=1):
        if item.order != n:
            Category.objects.filter(pk=item.pk).update(order=n)
    audit.record(
        actor=actor,
        action="contests.category.moved",
        target=category,
        scope=_scope(contest),
        data={"order": [c.public_id for c in siblings]},
    )


@transaction.atomic
def update_stage(*, actor, stage: Stage, starts_at, ends_at) -> Stage:
    """Move a stage's dates; apps that depend on them (the frozen rules of a vote) may refuse."""
    contest = stage.edition.contest
    require_manager(actor, contest)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if ends_at <= starts_at:
        raise DomainError(_("The stage must end after it starts."), field="ends_at")
    if stage.closed_early_at is not None and starts_at > stage.closed_early_at:
        raise DomainError(
            _("This stage was closed early; it cannot start after it was closed."), field="starts_at"
        )
    for guard in registry.stage_edit_guards:
        guard(stage, starts_at, ends_at)
    before = {"starts_at": stage.starts_at.isoformat(), "ends_at": stage.ends_at.isoformat()}
    stage.starts_at, stage.ends_at = starts_at, ends_at
    stage.save(update_fields=["starts_at", "ends_at", "updated_at"])
    audit.record(
        actor=actor,
        action="contests.stage.changed",
        target=stage,
        scope=_scope(contest),
        data={
            "kind": stage.kind,
            "before": before,
            "after": {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        },
    )
    return stage


@transaction.atomic
def set_submission_form(*, actor, edition: Edition, form) -> Edition:
    """Choose the organisation's form whose questions teams answer (None: title and summary only)."""
    contest = edition.contest
    require_manager(actor, contest)
    if form is not None and form.organisation_id != contest.organisation_id:
        raise DomainError(_("Choose one of the organisation's own forms."), field="form")
    edition.submission_form = form
    edition.save(update_fields=["submission_form", "updated_at"])
    audit.record(
        actor=actor,
        action="contests.edition.form_set",
        target=edition,
        scope=_scope(contest),
        data={"form": form.public_id if form else None},
    )
    return edition


@transaction.atomic
def create_submission_form(*, actor, edition: Edition):
    """A new, empty form for the edition's submissions, named after it, chosen at once."""
    from hramada.questions.services import create_form

    require_manager(actor, edition.contest)
    titles = {
        f"title_{lang}": (_("Submission: %(edition)s") % {"edition": getattr(edition, f"title_{lang}")})[:200]
        for lang in ("be", "ru", "en")
        if getattr(edition, f"title_{lang}", "")
    }
    form = create_form(actor=actor, organisation=edition.contest.organisation, **titles)
    set_submission_form(actor=actor, edition=edition, form=form)
    return form


# --- Screening -----------------------------------------------------------------------------------------


def _screen_locked(actor, project: Project, eligible: bool, reason: str, now) -> Project:
    if project.status == Project.Status.DRAFT:
        raise DomainError(_("This project has not been submitted yet."))
    project.status = Project.Status.ELIGIBLE if eligible else Project.Status.NOT_ELIGIBLE
    project.screening_reason = reason
    project.screened_at = now
    # Never write vote_count back: votes move it concurrently with UPDATE ... SET n = n + 1.
    project.save(update_fields=["status", "screening_reason", "screened_at", "updated_at"])
    audit.record(
        actor=actor,
        action=f"contests.project.{'eligible' if eligible else 'not_eligible'}",
        target=project,
        scope=_scope(project.edition.contest),
        data={"reason": reason} if reason else {},
    )
    return project


@transaction.atomic
def screen_project(*, actor, project: Project, eligible: bool, reason: str = "", now=None) -> Project:
    """Organisers screen a submitted project (a reason is required for "not eligible"); the team is told."""
    from .tasks import send_project_email

    contest = project.edition.contest
    require_manager(actor, contest)
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise DomainError(_("Give the team a reason why the project is not eligible."), field="reason")
    project = Project.objects.select_for_update().select_related("edition__contest").get(pk=project.pk)
    project = _screen_locked(actor, project, eligible, reason, now or timezone.now())
    enqueue_on_commit(send_project_email, project.pk, "screened")
    return project


@transaction.atomic
def screen_projects(*, actor, edition: Edition, project_ids, eligible: bool, reason: str = "", now=None):
    """Screen several submitted projects of one edition with the same decision (all or none)."""
    from .tasks import send_project_email

    require_manager(actor, edition.contest)
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise DomainError(_("Give the team a reason why the project is not eligible."), field="reason")
    projects = list(
        Project.objects.select_for_update()
        .select_related("edition__contest")
        .filter(edition=edition, public_id__in=list(project_ids))
        .order_by("pk")
    )
    if not projects:
        raise DomainError(_("Choose at least one project."))
    now = now or timezone.now()
    done = [_screen_locked(actor, project, eligible, reason, now) for project in projects]
    for project in done:
        enqueue_on_commit(send_project_email, project.pk, "screened")
    return done


def next_category_order(edition: Edition) -> int:
    return (edition.categories.aggregate(m=Max("order"))["m"] or 0) + 1
