"""Pages for project teams: start a project, edit it (autosaved drafts), files, team, submit, "My projects".

A team member sees and changes only their own projects; the services hold the rules (the call for
projects must be open, screened projects no longer change).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.questions.forms import field_name
from hramada.questions.models import Question

from .. import selectors, submissions
from ..forms import AttachmentForm, CoverForm, InviteForm, ProjectForm, StartProjectForm, draft_answers_form
from ..models import ProjectMember


def _project_for(request, public_id):
    project = selectors.team_project(request.user, public_id)
    if project is None:
        raise Http404
    return project


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def start_project(request, contest, edition):
    found = selectors.edition_page(contest, edition)
    if found is None:
        raise Http404
    form = StartProjectForm(request.POST or None, edition=found)
    call_open = submissions.call_is_open(found)
    if request.method == "POST" and form.is_valid():
        try:
            project = submissions.create_draft(
                user=request.user, category=form.cleaned_data["category"], title=form.cleaned_data["title"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your draft is saved. Fill it in; it is saved as you type."))
            return redirect("contests:my_project", public_id=project.public_id)
    return render(
        request, "contests/team/start.html", {"edition": found, "form": form, "call_open": call_open}
    )


@login_required
def my_projects(request):
    projects = list(selectors.my_projects(request.user))
    return render(request, "contests/team/my_projects.html", {"projects": projects})


def _save(request, project, project_form, answers):
    fields = project_form.cleaned_data
    values = {name: fields.get(name) for name in submissions.PROJECT_FIELDS}
    return submissions.update_draft(
        user=request.user, project=project, answers=answers.answers() if answers else None, **values
    )


def _page(request, project, project_form=None, answers=None, **extra):
    member = next((m for m in project.members.all() if m.user_id == request.user.pk), None)
    file_fields = []
    if project.edition.submission_form_id:
        file_fields = [
            field_name(q)
            for q in project.edition.submission_form.questions.all()
            if q.kind == Question.Kind.FILE
        ]
    context = {
        "project": project,
        "edition": project.edition,
        "project_form": project_form or ProjectForm(instance=project, user=request.user),
        "answers": answers if answers is not None else draft_answers_form(project),
        "cover_form": extra.pop("cover_form", None) or CoverForm(),
        "attachment_form": extra.pop("attachment_form", None) or AttachmentForm(),
        "invite_form": extra.pop("invite_form", None) or InviteForm(),
        "call_open": submissions.call_is_open(project.edition),
        "editable": project.status in ("draft", "submitted") and submissions.call_is_open(project.edition),
        "missing": submissions.missing_for_submission(project) if project.status == "draft" else [],
        "me": member,
        "is_lead": member is not None and member.role == ProjectMember.Role.LEAD,
        "autosave_exclude": ",".join(file_fields),
        **extra,
    }
    return render(request, "contests/team/project.html", context)


@login_required
def my_project(request, public_id):
    """The project's edit page; "Save draft" and "Submit" post here (the data is kept on errors)."""
    project = _project_for(request, public_id)
    if request.method != "POST":
        return _page(request, project)
    project_form = ProjectForm(request.POST, instance=project, user=request.user)
    answers = draft_answers_form(project, request.POST, request.FILES)
    valid = project_form.is_valid() & (answers is None or answers.is_valid())
    if not valid:
        messages.error(request, _("Some fields need attention; nothing was saved."))
        project.refresh_from_db()
        return _page(request, project, project_form, answers)
    try:
        _save(request, project, project_form, answers)
        if request.POST.get("submit") and project.status == "draft":
            submissions.submit_project(user=request.user, project=project)
            messages.success(request, _("Your project is submitted. The team gets a confirmation by e-mail."))
        else:
            messages.success(request, _("Saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
        project.refresh_from_db()
        return _page(request, project, project_form, answers)
    return redirect("contests:my_project", public_id=public_id)


@login_required
@require_POST
def autosave(request, public_id):
    """The draft's background save (htmx): answers with a small "Saved at HH:MM" fragment."""
    project = _project_for(request, public_id)
    project_form = ProjectForm(request.POST, instance=project, user=request.user)
    answers = draft_answers_form(project, request.POST)  # files are uploaded only by the buttons
    if not project_form.is_valid() or (answers is not None and not answers.is_valid()):
        errors = [
            e for f in (project_form, answers) if f is not None for errs in f.errors.values() for e in errs
        ]
        return render(request, "contests/team/_saved.html", {"error": errors[0] if errors else ""})
    try:
        _save(request, project, project_form, answers)
    except DomainError as exc:
        return render(request, "contests/team/_saved.html", {"error": exc.message})
    saved_at = time_format(timezone.localtime(), "H:i")
    return render(request, "contests/team/_saved.html", {"saved_at": saved_at})


@login_required
@require_POST
def upload(request, public_id):
    """The cover image or a PDF attachment."""
    project = _project_for(request, public_id)
    cover_form = attachment_form = None
    try:
        if request.POST.get("what") == "cover":
            cover_form = CoverForm(request.POST, request.FILES)
            if cover_form.is_valid():
                submissions.set_cover(
                    user=request.user, project=project, image=cover_form.cleaned_data["image"]
                )
                messages.success(request, _("Cover image saved (location data removed)."))
                return redirect("contests:my_project", public_id=public_id)
        elif request.POST.get("what") == "remove_cover":
            submissions.remove_cover(user=request.user, project=project)
            messages.success(request, _("Cover image removed."))
            return redirect("contests:my_project", public_id=public_id)
        else:
            attachment_form = AttachmentForm(request.POST, request.FILES)
            if attachment_form.is_valid():
                submissions.add_attachment(
                    user=request.user, project=project, upload=attachment_form.cleaned_data["file"]
                )
                messages.success(request, _("Document attached."))
                return redirect("contests:my_project", public_id=public_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        if cover_form is not None:
            cover_form.add_error("image", exc.message)
        if attachment_form is not None:
            attachment_form.add_error("file", exc.message)
    return _page(request, project, cover_form=cover_form, attachment_form=attachment_form)


@login_required
@require_POST
def attachment_delete(request, public_id, attachment):
    project = _project_for(request, public_id)
    found = selectors.attachment_for(project, attachment)
    if found is None:
        raise Http404
    try:
        submissions.remove_attachment(user=request.user, attachment=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect("contests:my_project", public_id=public_id)


def _member(request, project):
    member = next((m for m in project.members.all() if m.public_id == request.POST.get("member")), None)
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def team(request, public_id):
    """Invite a co-author (or send an invitation again), remove one (or leave), or say whether one's own
    name is shown publicly."""
    project = _project_for(request, public_id)
    action = request.POST.get("action")
    try:
        if action == "invite":
            form = InviteForm(request.POST)
            if not form.is_valid():
                return _page(request, project, invite_form=form)
            submissions.invite_member(user=request.user, project=project, email=form.cleaned_data["email"])
            messages.success(request, _("Invitation sent."))
        elif action == "resend":
            submissions.resend_invitation(user=request.user, member=_member(request, project))
            messages.success(request, _("Invitation sent again with a new link."))
        elif action == "remove":
            member = _member(request, project)
            submissions.remove_member(user=request.user, member=member)
            messages.success(request, _("Removed from the team."))
            if member.user_id == request.user.pk:
                return redirect("contests:my_projects")
        elif action == "visibility":
            submissions.set_member_visibility(
                user=request.user, project=project, shown=request.POST.get("shown") == "1"
            )
            messages.success(request, _("Saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("contests:my_project", public_id=public_id)


@login_required
def accept_invitation(request, token):
    member = submissions.invitation_for_token(token)
    if request.method == "POST":
        try:
            member = submissions.accept_invitation(user=request.user, token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You are on the team now."))
            return redirect("contests:my_project", public_id=member.project.public_id)
    expired = submissions.expired_message(member) if member is not None and member.is_expired() else ""
    return render(request, "contests/team/accept.html", {"member": member, "expired": expired})
