"""Organiser pages for contests: contests and editions, categories, stages, the submission form,
screening and the edition's audit trail.

Every page needs ``contests.manage_contest`` on the contest's organisation; the middleware has already
required two-factor authentication for ``/manage/``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.orgs.models import Organisation

from .. import registry, selectors, services
from ..forms import (
    EditionForm,
    ScreeningFilterForm,
    ScreeningForm,
    StageForm,
    SubmissionFormChoice,
    TitlesForm,
)
from ..models import Category, Contest, Stage


def _posted(request):
    """The submitted data on POST (even when empty, so the form reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _org_for(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("contests.manage_contest", organisation):
        raise PermissionDenied
    return organisation


def _contest_for(request, slug):
    contest = get_object_or_404(Contest.objects.select_related("organisation"), slug=slug)
    if not services.can_manage(request.user, contest):
        raise PermissionDenied
    return contest


def _edition_for(request, contest, edition):
    found = selectors.managed_edition(contest, edition)
    if found is None:
        raise Http404
    if not services.can_manage(request.user, found.contest):
        raise PermissionDenied
    return found


def _edition_url(name, edition, *args):
    return reverse(f"contests:{name}", args=[edition.contest.slug, edition.public_id, *args])


def _redirect(name, edition, *args):
    return redirect(_edition_url(name, edition, *args))


def edition_links(edition) -> list[tuple[str, str]]:
    """The links other apps (voting, awards) registered for an edition's organiser pages."""
    kwargs = {"contest": edition.contest.slug, "edition": edition.public_id}
    return [
        (label, reverse(url_name, kwargs=kwargs)) for _order, label, url_name in registry.edition_manage_links
    ]


def _render(request, template, edition, current, **context):
    context.update(edition=edition, current=current, extra_links=edition_links(edition))
    return render(request, template, context)


# --- Contests and editions -----------------------------------------------------------------------------


@login_required
def org_contests(request, slug):
    organisation = _org_for(request, slug)
    form = TitlesForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.create_contest(actor=request.user, organisation=organisation, **form.titles())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Contest created. Now add its first edition."))
            return redirect("contests:edition_new", contest=contest.slug)
    context = {
        "organisation": organisation,
        "contests": selectors.organisation_contests(organisation),
        "form": form,
    }
    return render(request, "contests/manage/org_contests.html", context)


@login_required
def contest_edit(request, contest):
    contest = _contest_for(request, contest)
    form = TitlesForm(_posted(request), instance=contest)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contest(actor=request.user, contest=contest, **form.titles())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Contest saved."))
            return redirect("contests:contest_edit", contest=contest.slug)
    editions = contest.editions.order_by("-year", "-id")
    return render(
        request, "contests/manage/contest.html", {"contest": contest, "form": form, "editions": editions}
    )


@login_required
def edition_new(request, contest):
    contest = _contest_for(request, contest)
    form = EditionForm(_posted(request), organisation=contest.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.create_edition(actor=request.user, contest=contest, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Edition created. It is a draft that only the organisers see: add its categories "
                    "and stages, then publish it."
                ),
            )
            return _redirect("edition_manage", edition)
    return render(request, "contests/manage/edition_form.html", {"contest": contest, "form": form})


@login_required
def edition_edit(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    form = EditionForm(_posted(request), organisation=edition.contest.organisation, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_edition(actor=request.user, edition=edition, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Edition saved."))
            return _redirect("edition_manage", edition)
    return _render(
        request, "contests/manage/edition_form.html", edition, "edit", contest=edition.contest, form=form
    )


@login_required
def edition_overview(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    return _render(
        request,
        "contests/manage/edition.html",
        edition,
        "overview",
        statuses=selectors.status_counts(edition),
        now=timezone.now(),
    )


@login_required
def edition_publish(request, contest, edition):
    """What publishing checks and what it changes; publishing is a POST from this page."""
    edition = _edition_for(request, contest, edition)
    now = timezone.now()
    if request.method == "POST":
        try:
            services.publish_edition(actor=request.user, edition=edition, now=now)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The edition is published: everyone can see it now."))
            return _redirect("edition_manage", edition)
    problems, warnings = selectors.publication_checks(edition, now)
    return _render(
        request, "contests/manage/publish.html", edition, "overview", problems=problems, warnings=warnings
    )


# --- Categories ----------------------------------------------------------------------------------------


@login_required
def categories(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    form = TitlesForm(_posted(request), prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            services.create_category(actor=request.user, edition=edition, **form.titles())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Category added."))
            return _redirect("categories", edition)
    rows = [(c, TitlesForm(instance=c, prefix=f"c{c.pk}")) for c in edition.categories.all()]
    return _render(request, "contests/manage/categories.html", edition, "categories", rows=rows, form=form)


def _category(edition, public_id):
    return get_object_or_404(Category, edition=edition, public_id=public_id)


@login_required
@require_POST
def category_edit(request, contest, edition, category):
    edition = _edition_for(request, contest, edition)
    category = _category(edition, category)
    form = TitlesForm(request.POST, prefix=f"c{category.pk}")
    if form.is_valid():
        try:
            services.update_category(actor=request.user, category=category, **form.titles())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Category saved."))
    else:
        messages.error(request, _("Give a title in at least one language."))
    return _redirect("categories", edition)


@login_required
@require_POST
def category_move(request, contest, edition, category):
    edition = _edition_for(request, contest, edition)
    category = _category(edition, category)
    services.move_category(actor=request.user, category=category, up=request.POST.get("direction") == "up")
    return _redirect("categories", edition)


# --- Stages --------------------------------------------------------------------------------------------


@login_required
def stages(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    form = StageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_stage(actor=request.user, edition=edition, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Stage added."))
            return _redirect("stages", edition)
    return _render(request, "contests/manage/stages.html", edition, "stages", form=form, now=timezone.now())


def _stage(edition, public_id):
    return get_object_or_404(Stage, edition=edition, public_id=public_id)


@login_required
def stage_edit(request, contest, edition, stage):
    edition = _edition_for(request, contest, edition)
    stage = _stage(edition, stage)
    form = StageForm(_posted(request), stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_stage(actor=request.user, stage=stage, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Stage dates saved."))
            return _redirect("stages", edition)
    return _render(request, "contests/manage/stage_form.html", edition, "stages", stage=stage, form=form)


@login_required
@require_POST
def stage_close(request, contest, edition, stage):
    edition = _edition_for(request, contest, edition)
    stage = _stage(edition, stage)
    try:
        services.close_stage_early(actor=request.user, stage=stage)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The stage is closed."))
    return _redirect("stages", edition)


# --- Submission form -----------------------------------------------------------------------------------


@login_required
def submission_form(request, contest, edition):
    """Choose the organisation's form for the edition's submissions, or create one and build it."""
    edition = _edition_for(request, contest, edition)
    organisation = edition.contest.organisation
    form = SubmissionFormChoice(
        _posted(request), organisation=organisation, initial={"form": edition.submission_form}
    )
    if request.method == "POST":
        try:
            if request.POST.get("create"):
                created = services.create_submission_form(actor=request.user, edition=edition)
                messages.success(request, _("Form created. Now add its questions."))
                return redirect("questions:form_detail", public_id=created.public_id)
            if form.is_valid():
                services.set_submission_form(
                    actor=request.user, edition=edition, form=form.cleaned_data["form"]
                )
                messages.success(request, _("Submission form saved."))
                return _redirect("submission_form", edition)
        except DomainError as exc:
            _form_error(form, exc)
    questions = (
        list(edition.submission_form.questions.order_by("order", "id")) if edition.submission_form else []
    )
    return _render(
        request, "contests/manage/submission_form.html", edition, "form", form=form, questions=questions
    )


# --- Screening -----------------------------------------------------------------------------------------


@login_required
def projects(request, contest, edition):
    """Submitted projects with filters; several can be screened at once after a summary is confirmed."""
    edition = _edition_for(request, contest, edition)
    filters = ScreeningFilterForm(request.GET or None, edition=edition)
    category = status = ""
    if filters.is_valid():
        category, status = filters.cleaned_data["category"], filters.cleaned_data["status"]
    qs = selectors.screening_list(edition, category=category, status=status)
    bulk = ScreeningForm(_posted(request), prefix="bulk")
    chosen_ids = request.POST.getlist("projects") if request.method == "POST" else []
    if request.method == "POST":
        chosen = list(selectors.screening_list(edition).filter(public_id__in=chosen_ids))
        if not chosen:
            messages.error(request, _("Choose at least one project."))
        elif bulk.is_valid() and request.POST.get("confirm"):
            try:
                done = services.screen_projects(
                    actor=request.user,
                    edition=edition,
                    project_ids=[p.public_id for p in chosen],
                    eligible=bulk.eligible,
                    reason=bulk.cleaned_data["reason"],
                )
            except DomainError as exc:
                _form_error(bulk, exc)
            else:
                messages.success(
                    request, _("%(n)s projects screened; their teams are told by e-mail.") % {"n": len(done)}
                )
                return _redirect("projects", edition)
        elif bulk.is_valid():
            # The summary step: nothing is changed until the organiser confirms it.
            return _render(
                request, "contests/manage/screen_confirm.html", edition, "projects", chosen=chosen, bulk=bulk
            )
    page = paginate(request, qs, per_page=50)
    return _render(
        request,
        "contests/manage/projects.html",
        edition,
        "projects",
        page=page,
        filters=filters,
        bulk=bulk,
        chosen_ids=set(chosen_ids),
    )


@login_required
def project_review(request, contest, edition, project):
    edition = _edition_for(request, contest, edition)
    found = selectors.project_for_review(edition, project)
    if found is None:
        raise Http404
    initial = {"decision": found.status, "reason": found.screening_reason} if found.screened_at else None
    form = ScreeningForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.screen_project(
                actor=request.user, project=found, eligible=form.eligible, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Decision saved; the team is told by e-mail."))
            return _redirect("projects", edition)
    found.edition = edition
    return _render(
        request,
        "contests/manage/project.html",
        edition,
        "projects",
        project=found,
        answers=selectors.project_answers(found),
        form=form,
    )


@login_required
def audit_trail(request, contest, edition):
    edition = _edition_for(request, contest, edition)
    return _render(
        request, "contests/manage/audit.html", edition, "audit", entries=selectors.edition_audit(edition)
    )
