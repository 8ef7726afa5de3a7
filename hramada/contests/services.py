"""Every change to contests, editions, categories, stages and (for now, minimally) projects.

Stages are explicit, dated phases; which one is current follows the dates (``selectors.current_stage``),
and organisers may close one early. Every change is audited in the organisation's log.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.text import unique_slug
from hramada.core.translated import set_translated
from hramada.orgs.models import Organisation

from .models import Category, Contest, Edition, Project, Stage


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
    """A new edition of a contest, with the organisations that co-organise and sponsor it."""
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


# --- Projects (minimal: the real submission flow with forms, team and files comes later) --------------


@transaction.atomic
def submit_project(*, user, category: Category, title: str, summary: str = "", now=None) -> Project:
    """A signed-in user submits a project to a category while the edition's call for projects is open."""
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to submit a project."))
    now = now or timezone.now()
    edition = category.edition
    call = edition.stages.filter(kind=Stage.Kind.CALL).first()
    if call is None or not call.is_open(now):
        raise DomainError(_("The call for projects is closed."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the project a title."), field="title")
    project = Project.objects.create(
        edition=edition,
        category=category,
        title=title,
        summary=summary,
        status=Project.Status.SUBMITTED,
        submitted_by=user,
    )
    audit.record(
        actor=user,
        action="contests.project.submitted",
        target=project,
        scope=_scope(edition.contest),
    )
    return project


@transaction.atomic
def screen_project(*, actor, project: Project, eligible: bool, reason: str = "") -> Project:
    """Organisers screen a submitted project: eligible projects take part in the public vote."""
    contest = project.edition.contest
    require_manager(actor, contest)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == Project.Status.DRAFT:
        raise DomainError(_("This project has not been submitted yet."))
    if not eligible and not reason.strip():
        raise DomainError(_("Give the team a reason why the project is not eligible."), field="reason")
    project.status = Project.Status.ELIGIBLE if eligible else Project.Status.NOT_ELIGIBLE
    # Never write vote_count back: votes move it concurrently with UPDATE ... SET n = n + 1.
    project.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=f"contests.project.{'eligible' if eligible else 'not_eligible'}",
        target=project,
        scope=_scope(contest),
        data={"reason": reason.strip()} if reason.strip() else {},
    )
    return project
