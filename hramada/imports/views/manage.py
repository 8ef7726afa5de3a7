"""Organisers' imports (under /manage/, so the middleware has required the session's second factor).

Every page needs ``imports.import_people`` on the organisation (its owners and managers, as for its
events); an attendance import also ``events.manage_event`` on the event (the services check again)."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hramada.core.errors import DomainError
from hramada.core.pagination import paginate
from hramada.core.storage import safe_filename
from hramada.events.models import Event
from hramada.orgs.models import Organisation

from .. import services
from ..forms import MappingForm, UploadForm
from ..models import ImportJob


def _org_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("imports.import_people", organisation):
        raise PermissionDenied
    return organisation


def _job_for(request, slug, pid) -> tuple[Organisation, ImportJob]:
    organisation = _org_for(request, slug)
    job = ImportJob.objects.filter(organisation=organisation, public_id=pid).select_related("event").first()
    if job is None:
        raise Http404
    return organisation, job


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_GET
def import_list(request, slug):
    organisation = _org_for(request, slug)
    jobs = ImportJob.objects.filter(organisation=organisation).select_related("event", "requested_by")
    return render(
        request,
        "imports/manage/list.html",
        {"organisation": organisation, "page": paginate(request, jobs)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, slug):
    organisation = _org_for(request, slug)
    events = Event.objects.filter(organisation=organisation).order_by("-starts_at")
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organisation=organisation,
        events=events,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.create_import(
                    actor=request.user,
                    organisation=organisation,
                    kind=form.cleaned_data["kind"],
                    event=form.cleaned_data["event"],
                    upload=form.cleaned_data["file"],
                    encoding=form.cleaned_data["encoding"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                return redirect("imports:columns", organisation.slug, job.public_id)
        status = 400
    return render(
        request, "imports/manage/upload.html", {"organisation": organisation, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def columns(request, slug, pid):
    organisation, job = _job_for(request, slug, pid)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("imports:status", organisation.slug, job.public_id)
    form = MappingForm(
        request.POST if request.method == "POST" else None, job=job, fields=services.fields_of(job)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_mapping(actor=request.user, job=job, mapping=form.mapping())
            except DomainError as exc:
                _form_error(form, exc)
            else:
                return redirect("imports:preview", organisation.slug, job.public_id)
        status = 400
    return render(
        request,
        "imports/manage/columns.html",
        {"organisation": organisation, "job": job, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, slug, pid):
    organisation, job = _job_for(request, slug, pid)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("imports:status", organisation.slug, job.public_id)
    if "name" not in job.mapping:
        return redirect("imports:columns", organisation.slug, job.public_id)
    if request.method == "POST":
        decisions = {
            key.removeprefix("row-"): value
            for key, value in request.POST.items()
            if key.startswith("row-") and key.removeprefix("row-").isdigit()
        }
        try:
            services.start_import(actor=request.user, job=job, decisions=decisions)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("imports:status", organisation.slug, job.public_id)
    try:
        result = services.preview(job)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:list", organisation.slug)
    return render(
        request,
        "imports/manage/preview.html",
        {
            "organisation": organisation,
            "job": job,
            "result": result,
            "fields": [(name, job.headers[i]) for name, i in job.mapping.items()],
            "NEW": services.NEW,
        },
    )


@login_required
@require_GET
def status(request, slug, pid):
    """The import's progress (the htmx fragment polls itself until it is done or failed), then its result."""
    organisation, job = _job_for(request, slug, pid)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("imports:preview", organisation.slug, job.public_id)
    context = {
        "organisation": organisation,
        "job": job,
        "progress": services.current_progress(job),
        "errors": job.errors[:50],
    }
    if request.htmx:
        return render(request, "imports/manage/_status.html", context)
    return render(request, "imports/manage/status.html", context)


@login_required
@require_GET
def error_report(request, slug, pid):
    """The rows that were not imported and why, as CSV (UTF-8 with a BOM, so Excel reads Cyrillic)."""
    organisation, job = _job_for(request, slug, pid)
    if not job.finished:
        raise Http404
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Problem")])
    for number, message in job.errors:
        writer.writerow([number or "", message])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = safe_filename(f"{job.original_name.rsplit('.', 1)[0]}-errors", "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
