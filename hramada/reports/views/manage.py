"""Organisers' reports (under /manage/, so the middleware has required the session's second factor):
an organisation's indicators, its donor projects, their activities and exports.

An organisation's indicators need ``reports.view_org_reports`` (anyone with a role in it); a donor
project's page and files ``reports.view_donor_project``; changing one ``reports.manage_donor_project``
(owners and managers of the lead organisation). Services check the same rules again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hramada.core.errors import DomainError
from hramada.core.replica import replica_view
from hramada.core.storage import safe_filename, send_stored
from hramada.orgs.models import Organisation

from .. import iati, indicators, selectors, services
from ..forms import ActivitiesForm, DonorProjectForm, OrgReportForm, PdfRequestForm, PeriodForm
from ..indicators import Period, Scope
from ..models import DonorReportPdf
from .common import export_response, page_context


def _org_for(request, slug, perm="reports.view_org_reports") -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def _project_for(request, pid, perm="reports.view_donor_project"):
    project = selectors.donor_project(pid)
    if project is None:
        raise Http404
    if not request.user.has_perm(perm, project):
        raise PermissionDenied
    return project


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
# Aggregate counts and their exports, nothing the reader has just changed: the replica may serve them.
@replica_view(signed_in=True)
@require_GET
def org_indicators(request, slug, fmt=None):
    organisation = _org_for(request, slug)
    projects = list(selectors.donor_projects_of(organisation))
    form = OrgReportForm(
        request.GET or {},
        organisation=organisation,
        programmes=selectors.programmes_of(organisation),
        projects=projects,
    )
    context = {
        "organisation": organisation,
        "form": form,
        "projects": projects,
        "can_add": request.user.has_perm("reports.add_donor_project", organisation),
    }
    if not form.is_valid():
        return render(request, "reports/manage/org_indicators.html", context, status=400)
    report = indicators.report(form.scope(), form.period())
    if fmt:
        return export_response(report, fmt, organisation.slug)
    context["query"] = request.GET.urlencode()
    return render(request, "reports/manage/org_indicators.html", context | page_context(report))


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request, slug):
    organisation = _org_for(request, slug, "reports.add_donor_project")
    form = DonorProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_donor_project(
                actor=request.user,
                organisation=organisation,
                countries=form.cleaned_data["countries"],
                **form.values(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Donor project created. Now choose the activities it groups."))
            return redirect("reports:activities", project.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/manage/project_form.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pid):
    project = _project_for(request, pid, "reports.manage_donor_project")
    form = DonorProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        # ModelForm.is_valid() wrote the values onto ``project``: the service works on a fresh copy.
        try:
            services.update_donor_project(
                actor=request.user,
                project=selectors.donor_project(pid),
                countries=form.cleaned_data["countries"],
                **form.values(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Donor project saved."))
            return redirect("reports:project", pid)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": project.organisation, "project": project, "form": form}
    return render(request, "reports/manage/project_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def activities(request, pid):
    project = _project_for(request, pid, "reports.manage_donor_project")
    eligible = services.eligible_activities(project.organisation)
    initial = {
        "events": project.events.all(),
        "programmes": project.programmes.all(),
        "initiatives": project.initiatives.all(),
        "editions": project.editions.all(),
    }
    form = ActivitiesForm(request.POST or None, initial=initial, eligible=eligible)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_activities(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Activities saved."))
            return redirect("reports:project", pid)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reports/manage/activities.html", {"project": project, "form": form}, status=status
    )


@login_required
@require_GET
def project_detail(request, pid, fmt=None):
    project = _project_for(request, pid)
    form = PeriodForm(request.GET or {})
    context = {
        "project": project,
        "organisation": project.organisation,
        "form": form,
        "can_manage": services.can_manage(request.user, project),
    }
    if not form.is_valid():
        return render(request, "reports/manage/project.html", context, status=400)
    period = form.period() if request.GET else Period(project.starts_on, project.ends_on)
    report = indicators.report(Scope("donor_project", project), period)
    if fmt:
        return export_response(report, fmt, project.grant_reference or project.public_id)
    context["query"] = request.GET.urlencode()
    context["pdf_form"] = PdfRequestForm(initial=form.cleaned_data | {"language": get_language()})
    context["iati_ready"] = bool(project.iati_identifier and project.reporting_org_ref)
    return render(request, "reports/manage/project.html", context | page_context(report))


@login_required
@require_GET
def project_iati(request, pid):
    project = _project_for(request, pid)
    try:
        body = iati.activity_xml(project)
    except iati.NotPublishable as exc:
        messages.error(request, str(exc))
        return redirect(reverse("reports:project", args=[pid]))
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="iati-{project.public_id}.xml"'
    return response


@login_required
@require_POST
def pdf_request(request, pid):
    """Ask for the donor report as a PDF; the next page shows the background task's progress."""
    project = _project_for(request, pid)
    form = PdfRequestForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(_("The report could not be asked for: %(errors)s") % {"errors": errors})
    period = form.period() if any(form.cleaned_data.get(k) for k in ("year", "start", "end")) else Period()
    try:
        document = services.request_pdf(
            actor=request.user, project=project, language=form.cleaned_data["language"], period=period
        )
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
    return redirect("reports:pdf_status", pid, document.public_id)


def _document_for(request, pid, doc):
    project = _project_for(request, pid)
    return project, get_object_or_404(DonorReportPdf, project=project, public_id=doc)


@login_required
@require_GET
def pdf_status(request, pid, doc):
    """The PDF's progress (the htmx fragment polls itself until it is ready or failed)."""
    project, document = _document_for(request, pid, doc)
    context = {"project": project, "organisation": project.organisation, "document": document}
    if request.htmx:
        return render(request, "reports/manage/_pdf_status.html", context)
    return render(request, "reports/manage/pdf_status.html", context)


@login_required
@require_GET
def pdf_download(request, pid, doc):
    project, document = _document_for(request, pid, doc)
    if document.status != DonorReportPdf.Status.DONE or not document.file:
        raise Http404
    name = f"{project.grant_reference or project.title}-{document.starts_on}-{document.ends_on}-{document.language}"
    response = send_stored(
        document.file.name,
        content_type="application/pdf",
        filename=safe_filename(name, "pdf"),
        as_attachment=True,
    )
    if response is None:
        raise Http404
    return response
