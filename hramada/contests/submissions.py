"""What project teams do: start a draft, edit and submit it, upload its cover and PDFs, build the team.

Teams change their projects only while the call for projects is open and before screening. Co-author
invitations are valid for ``INVITATION_VALID_DAYS`` days; the lead can send one again. Every change is
audited in the organising organisation's log. (Split from ``services``, which re-exports the names other
apps use.)
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit, pdf, registry
from hramada.core.errors import DomainError
from hramada.core.images import validate_image
from hramada.core.tasks import enqueue_on_commit
from hramada.orgs.models import Organisation

from .models import Category, Edition, Project, ProjectAttachment, ProjectMember, Stage
from .storage import delete_stored

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10
MAX_TEAM = 10
# How long a co-author's invitation link works, from when it was (last) sent.
INVITATION_VALID_DAYS = 14


def _scope(project: Project):
    return (Organisation, project.edition.contest.organisation_id)


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
        scope=_scope(project),
        data=data,
    )


@transaction.atomic
def create_draft(*, user, category: Category, title: str, summary: str = "", now=None) -> Project:
    """A signed-in user starts a project (a draft) in a category while the call for projects is open."""
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to submit a project."))
    now = now or timezone.now()
    edition = category.edition
    if edition.published_at is None:
        raise DomainError(_("This contest edition is not published yet."))
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
    registry.emit(
        "submission.received",
        project.edition.contest.organisation_id,
        {
            "project": project.public_id,
            "edition": project.edition.public_id,
            "category": project.category.public_id,
            "submitted_at": now.isoformat(),
        },
    )
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
        transaction.on_commit(lambda: delete_stored(old))
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
        transaction.on_commit(lambda: delete_stored(old))
        _audit_project(user, project, "cover_removed")
    return project


def check_pdf(upload) -> None:
    """Refuse anything but a readable PDF without scripts (parsed, never judged by its name) up to the
    size limit."""
    if upload.size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise DomainError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_MB}, field="file")
    upload.seek(0)
    head = upload.read(len(pdf.PDF_MAGIC))
    upload.seek(0)
    if head != pdf.PDF_MAGIC:
        raise DomainError(_("Only PDF files can be attached."), field="file")
    try:
        pdf.check_pdf(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="file") from None


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
    attachment.delete()
    transaction.on_commit(lambda: delete_stored(stored))
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
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
    )
    _audit_project(
        user, project, "member_invited", {"email": email, "expires_at": member.expires_at.isoformat()}
    )
    enqueue_on_commit(send_team_invitation, member.pk)
    return member


@transaction.atomic
def resend_invitation(*, user, member: ProjectMember, now=None) -> ProjectMember:
    """The lead sends a pending invitation again: a new link (the old one stops working) valid for
    ``INVITATION_VALID_DAYS`` days from now."""
    from .tasks import send_team_invitation

    now = now or timezone.now()
    if not is_lead(user, member.project):
        raise DomainError(_("Only the project's lead can invite co-authors."))
    project = _require_editable(user, member.project, now)
    member = ProjectMember.objects.select_for_update().filter(pk=member.pk, project=project).first()
    if member is None or member.accepted_at is not None:
        raise DomainError(_("This person has already joined the team."))
    member.token_hash = token_hash(secrets.token_urlsafe(32))  # the old link stops working at once
    member.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
    member.invited_by = user
    member.save(update_fields=["token_hash", "expires_at", "invited_by", "updated_at"])
    _audit_project(
        user,
        project,
        "member_reinvited",
        {"email": member.email, "expires_at": member.expires_at.isoformat()},
    )
    enqueue_on_commit(send_team_invitation, member.pk)
    return member


def expired_message(member: ProjectMember) -> str:
    date = timezone.localtime(member.expires_at).strftime("%d.%m.%Y %H:%M")
    return _("This invitation expired on %(date)s; ask the team lead to send a new one.") % {"date": date}


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
    now = now or timezone.now()
    member = invitation_for_token(token)
    if member is None:
        raise DomainError(_("This invitation link is not valid or has already been used."))
    if member.is_expired(now):
        raise DomainError(expired_message(member))
    if not EmailAddress.objects.filter(user=user, email__iexact=member.email, verified=True).exists():
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Log in with that address, or add and verify it "
                "in your account, to accept it."
            )
            % {"email": member.email}
        )
    member = ProjectMember.objects.select_for_update().get(pk=member.pk)
    # Checked again under the lock: the lead may have sent a new link (this one stopped working) meanwhile.
    if member.accepted_at is not None or member.token_hash != token_hash(token):
        raise DomainError(_("This invitation link is not valid or has already been used."))
    if ProjectMember.objects.filter(project=member.project_id, user=user).exists():
        raise DomainError(_("You are already on this project's team."))
    member.user = user
    member.accepted_at = now
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
