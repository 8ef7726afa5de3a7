"""Every change to contests, editions, categories, stages, projects, their teams and files.

Stages are explicit, dated phases; which one is current follows the dates (``selectors.current_stage``),
and organisers may close one early. Teams change their projects only while the call for projects is
open. Every change is audited in the organisation's log.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.images import validate_image
from hramada.core.tasks import enqueue_on_commit
from hramada.core.text import unique_slug
from hramada.core.translated import set_translated
from hramada.orgs.models import Organisation

from . import registry
from .models import Category, Contest, Edition, Project, ProjectAttachment, ProjectMember, Stage


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


def announce_open_votes(*, now=None) -> int:
    """Tell the teams of every eligible project, once, that their edition's public vote has opened
    (a periodic job); returns how many votes were announced. A vote already over is never announced."""
    from .tasks import send_project_email

    now = now or timezone.now()
    due = Stage.objects.filter(
        kind=Stage.Kind.PUBLIC_VOTE, starts_at__lte=now, ends_at__gt=now, announced_at__isnull=True
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


# --- Projects: drafts, team, files, submission ---------------------------------------------------------

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10
MAX_TEAM = 10
PDF_MAGIC = b"%PDF-"


def _call(edition: Edition) -> Stage | None:
    return edition.stages.filter(kind=Stage.Kind.CALL).first()


def call_is_open(edition: Edition, now=None) -> bool:
    call = _call(edition)
    return call is not None and call.is_open(now or timezone.now())


def _require_call_open(edition: Edition, now, *, submitting: bool = False) -> None:
    call = _call(edition)
    if call is not None and call.is_open(now):
        return
    if call is not None and now >= call.closes_at:
        date = timezone.localtime(call.closes_at).strftime("%d.%m.%Y %H:%M")
        if submitting:
            message = _("The call for projects closed on %(date)s. Projects can no longer be submitted.") % {
                "date": date
            }
        else:
            message = _("The call for projects closed on %(date)s. Projects can no longer be changed.") % {
                "date": date
            }
        raise DomainError(message)
    raise DomainError(_("The call for projects is closed."))


def is_team_member(user, project: Project) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ProjectMember.objects.filter(project=project, user=user, accepted_at__isnull=False).exists()


def is_lead(user, project: Project) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ProjectMember.objects.filter(project=project, user=user, role=ProjectMember.Role.LEAD).exists()


def _require_editable(user, project: Project, now) -> Project:
    """Lock the project; refuse unless the user is on its team, it is not screened and the call is open."""
    if not is_team_member(user, project):
        raise DomainError(_("Only the project's team can change it."))
    project = Project.objects.select_for_update().select_related("edition__contest").get(pk=project.pk)
    if project.status not in (Project.Status.DRAFT, Project.Status.SUBMITTED):
        raise DomainError(_("This project has been screened; it can no longer be changed."))
    _require_call_open(project.edition, now)
    return project


def _audit_project(user, project: Project, action: str, data: dict | None = None) -> None:
    audit.record(
        actor=user,
        action=f"contests.project.{action}",
        target=project,
        scope=_scope(project.edition.contest),
        data=data,
    )


@transaction.atomic
def create_draft(*, user, category: Category, title: str, summary: str = "", now=None) -> Project:
    """A signed-in user starts a project (a draft) in a category while the call for projects is open."""
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to submit a project."))
    now = now or timezone.now()
    edition = category.edition
    _require_call_open(edition, now)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the project a title."), field="title")
    project = Project.objects.create(
        edition=edition,
        category=category,
        title=title[:200],
        summary=summary or "",
        status=Project.Status.DRAFT,
        submitted_by=user,
    )
    ProjectMember.objects.create(
        project=project, user=user, email=user.email.lower(), role=ProjectMember.Role.LEAD, accepted_at=now
    )
    _audit_project(user, project, "created")
    return project


PROJECT_FIELDS = ("title", "summary", "category", "settlement", "community", "organisation")


@transaction.atomic
def update_draft(*, user, project: Project, answers: dict | None = None, now=None, **fields) -> Project:
    """The team saves its project (a draft, or a submitted one while the call is open).

    A submitted project must stay complete: a change that leaves it incomplete is refused.
    """
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    now = now or timezone.now()
    project = _require_editable(user, project, now)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()[:200]
        if not fields["title"]:
            raise DomainError(_("Give the project a title."), field="title")
    if "summary" in fields:
        fields["summary"] = (fields["summary"] or "").strip()
    category = fields.get("category")
    if category is not None and category.edition_id != project.edition_id:
        raise DomainError(_("Choose one of this edition's categories."), field="category")
    if "category" in fields and category is None:
        fields.pop("category")
    for name, value in fields.items():
        setattr(project, name, value)
    if answers is not None:
        _save_answers(project, answers, user)
    if project.status == Project.Status.SUBMITTED:
        _require_complete(project)
    project.save(update_fields=[*fields, "updated_at"])  # never vote_count: votes move it concurrently
    _audit_project(user, project, "saved", {"fields": sorted(fields), "answers": answers is not None})
    return project


def _save_answers(project: Project, answers: dict, user) -> None:
    from hramada.questions.services import save_response

    form = project.edition.submission_form
    if form is None:
        return
    lead = project.members.filter(role=ProjectMember.Role.LEAD).select_related("user__person").first()
    person = getattr(lead.user, "person", None) if lead and lead.user_id else None
    response = project.response if project.response_id and project.response.form_id == form.pk else None
    response = save_response(form=form, person=person, answers=answers, response=response)
    if project.response_id != response.pk:
        project.response = response
        Project.objects.filter(pk=project.pk).update(response=response)


def missing_for_submission(project: Project) -> list[str]:
    """What a project still lacks before it can be submitted (labels shown to the team)."""
    from hramada.questions.models import Question

    missing = []
    if not project.title.strip():
        missing.append(str(_("title")))
    if not project.summary.strip():
        missing.append(str(_("summary")))
    if project.settlement_id is None and project.community_id is None:
        missing.append(str(_("place (settlement or community)")))
    form = project.edition.submission_form
    if form is not None:
        answered = {}
        if project.response_id and project.response.form_id == form.pk:
            answered = {a.question_id: a for a in project.response.answers.all()}
        for question in form.questions.filter(required=True).order_by("order", "id"):
            answer = answered.get(question.pk)
            if question.kind == Question.Kind.FILE:
                ok = answer is not None and bool(answer.file)
            elif question.kind == Question.Kind.CONSENT:
                ok = answer is not None and answer.value is True
            else:
                ok = answer is not None and answer.value not in (None, "", [])
            if not ok:
                missing.append(question.label)
    return missing


def _require_complete(project: Project) -> None:
    missing = missing_for_submission(project)
    if missing:
        raise DomainError(_("Fill in before submitting: %(missing)s.") % {"missing": "; ".join(missing)})


@transaction.atomic
def submit_project(*, user, project: Project, now=None) -> Project:
    """The team submits its complete draft while the call for projects is open; the team is e-mailed."""
    from .tasks import send_project_email

    now = now or timezone.now()
    if not is_team_member(user, project):
        raise DomainError(_("Only the project's team can submit it."))
    project = Project.objects.select_for_update().select_related("edition__contest").get(pk=project.pk)
    if project.status != Project.Status.DRAFT:
        raise DomainError(_("This project has already been submitted."))
    _require_call_open(project.edition, now, submitting=True)
    _require_complete(project)
    project.status = Project.Status.SUBMITTED
    project.submitted_at = now
    project.save(update_fields=["status", "submitted_at", "updated_at"])
    _audit_project(user, project, "submitted")
    enqueue_on_commit(send_project_email, project.pk, "received")
    return project


# --- Files ---------------------------------------------------------------------------------------------


@transaction.atomic
def set_cover(*, user, project: Project, image, now=None) -> Project:
    """One cover image: checked from its content, re-encoded without metadata (GPS, camera)."""
    now = now or timezone.now()
    project = _require_editable(user, project, now)
    try:
        clean = validate_image(image)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="image") from None
    old = project.cover.name if project.cover else ""
    project.cover.save(clean.name, clean, save=False)
    project.save(update_fields=["cover", "updated_at"])
    if old:
        transaction.on_commit(lambda: project.cover.storage.delete(old))
    _audit_project(user, project, "cover_set")
    return project


@transaction.atomic
def remove_cover(*, user, project: Project, now=None) -> Project:
    now = now or timezone.now()
    project = _require_editable(user, project, now)
    if project.cover:
        old = project.cover.name
        project.cover = ""
        project.save(update_fields=["cover", "updated_at"])
        transaction.on_commit(lambda: project.cover.storage.delete(old))
        _audit_project(user, project, "cover_removed")
    return project


def check_pdf(upload) -> None:
    """Refuse anything but a PDF (sniffed from its first bytes, never the name) up to the size limit."""
    if upload.size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise DomainError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_MB}, field="file")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise DomainError(_("Only PDF files can be attached."), field="file")


@transaction.atomic
def add_attachment(*, user, project: Project, upload, now=None) -> ProjectAttachment:
    """Attach a PDF to the project (at most a few, each under the size limit)."""
    now = now or timezone.now()
    project = _require_editable(user, project, now)
    check_pdf(upload)
    if project.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(
            _("A project can have at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}, field="file"
        )
    base = (upload.name or "document").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()[:150] or "document"
    attachment = ProjectAttachment(project=project, name=f"{base}.pdf", size=upload.size)
    attachment.file.save(f"{base}.pdf", upload, save=False)
    attachment.save()
    _audit_project(user, project, "attachment_added", {"name": attachment.name, "size": attachment.size})
    return attachment


@transaction.atomic
def remove_attachment(*, user, attachment: ProjectAttachment, now=None) -> None:
    now = now or timezone.now()
    project = _require_editable(user, attachment.project, now)
    name, stored = attachment.name, attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    _audit_project(user, project, "attachment_removed", {"name": name})


# --- Team ----------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(*, user, project: Project, email: str, now=None) -> ProjectMember:
    """The lead invites a co-author by e-mail; the link works only for an account with that address."""
    from django.core.validators import validate_email

    from .tasks import send_team_invitation

    now = now or timezone.now()
    project = _require_editable(user, project, now)
    if not is_lead(user, project):
        raise DomainError(_("Only the project's lead can invite co-authors."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address."), field="email") from None
    if project.members.filter(email=email).exists():
        raise DomainError(_("%(email)s is already on the team or invited.") % {"email": email}, field="email")
    if project.members.count() >= MAX_TEAM:
        raise DomainError(_("A team can have at most %(n)s people.") % {"n": MAX_TEAM}, field="email")
    member = ProjectMember.objects.create(
        project=project,
        email=email,
        role=ProjectMember.Role.MEMBER,
        token_hash=token_hash(secrets.token_urlsafe(32)),  # replaced by the e-mail task's own token
        invited_by=user,
    )
    _audit_project(user, project, "member_invited", {"email": email})
    enqueue_on_commit(send_team_invitation, member.pk)
    return member


def invitation_for_token(token: str) -> ProjectMember | None:
    if not token:
        return None
    return (
        ProjectMember.objects.select_related("project__edition__contest")
        .filter(token_hash=token_hash(token), accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def accept_invitation(*, user, token: str, now=None) -> ProjectMember:
    """Join a project's team; only an account that has verified the invited address can accept."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to accept the invitation."))
    member = invitation_for_token(token)
    if member is None:
        raise DomainError(_("This invitation link is not valid or has already been used."))
    if not EmailAddress.objects.filter(user=user, email__iexact=member.email, verified=True).exists():
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Log in with that address, or add and verify it "
                "in your account, to accept it."
            )
            % {"email": member.email}
        )
    member = ProjectMember.objects.select_for_update().get(pk=member.pk)
    if ProjectMember.objects.filter(project=member.project_id, user=user).exists():
        raise DomainError(_("You are already on this project's team."))
    member.user = user
    member.accepted_at = now or timezone.now()
    member.token_hash = ""
    member.save(update_fields=["user", "accepted_at", "token_hash", "updated_at"])
    _audit_project(user, member.project, "member_joined", {"email": member.email})
    return member


@transaction.atomic
def remove_member(*, user, member: ProjectMember, now=None) -> None:
    """The lead removes a co-author or withdraws an invitation; a co-author may leave. The lead stays."""
    now = now or timezone.now()
    project = member.project
    leaving = member.user_id is not None and member.user_id == getattr(user, "pk", None)
    if not (leaving or is_lead(user, project)):
        raise DomainError(_("Only the project's lead can remove co-authors."))
    if member.role == ProjectMember.Role.LEAD:
        raise DomainError(_("The lead cannot be removed from the team."))
    project = _require_editable(user, project, now)
    email = member.email
    member.delete()
    _audit_project(user, project, "member_removed", {"email": email})


@transaction.atomic
def set_member_visibility(*, user, project: Project, shown: bool) -> ProjectMember:
    """Each team member decides whether their name appears on the public project page."""
    member = ProjectMember.objects.filter(project=project, user=user, accepted_at__isnull=False).first()
    if member is None:
        raise DomainError(_("Only the project's team can change it."))
    member.shown_publicly = bool(shown)
    member.save(update_fields=["shown_publicly", "updated_at"])
    _audit_project(user, project, "member_visibility", {"shown": member.shown_publicly})
    return member


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
