"""Every change to a donor project: one transaction each, permission-checked, audited."""

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from hramada.contests.models import Edition
from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit
from hramada.events.models import Event
from hramada.initiatives.models import Initiative
from hramada.orgs.models import Organisation
from hramada.programmes.models import Programme

from . import tasks
from .models import DonorProject, DonorReportPdf

LANGS = ("be", "ru", "en")
TRANSLATED = ("title", "description")
PLAIN = {
    "donor",
    "grant_reference",
    "iati_identifier",
    "reporting_org_ref",
    "donor_org_ref",
    "starts_on",
    "ends_on",
    "budget_amount",
    "budget_currency",
}


def can_manage(user, project: DonorProject) -> bool:
    return user is not None and user.has_perm("reports.manage_donor_project", project)


def _require_manager(actor, project):
    if not can_manage(actor, project):
        raise DomainError(_("Only the lead organisation's owners and managers can change a donor project."))


def _scope(project):
    return (Organisation, project.organisation_id)


def _check(project: DonorProject):
    """The rules a donor project's values keep (the form checks field formats first)."""
    if project.donor.kind != Organisation.Kind.DONOR:
        raise DomainError(_("The donor must be an organisation of the kind “donor”."), field="donor")
    if project.donor_id == project.organisation_id:
        raise DomainError(_("The donor cannot be the lead organisation itself."), field="donor")
    if project.ends_on < project.starts_on:
        raise DomainError(_("The project cannot end before it starts."), field="ends_on")
    if project.budget_currency and pycountry.currencies.get(alpha_3=project.budget_currency) is None:
        raise DomainError(
            _("Give the currency as its three-letter ISO 4217 code (EUR, USD, BYN)."), field="budget_currency"
        )
    if project.budget_amount is not None and not project.budget_currency:
        raise DomainError(_("Give the budget's currency."), field="budget_currency")
    if not (project.title_be or project.title_ru or project.title_en):
        raise DomainError(_("Give the project a title in at least one language."), field="title_en")
    if project.iati_identifier:
        if not project.reporting_org_ref:
            raise DomainError(
                _(
                    "Give the lead organisation's IATI identifier first: the activity identifier starts with it."
                ),
                field="reporting_org_ref",
            )
        if not project.iati_identifier.startswith(project.reporting_org_ref + "-"):
            raise DomainError(
                _(
                    "The IATI activity identifier must start with the lead organisation's identifier and a dash."
                ),
                field="iati_identifier",
            )
        clash = DonorProject.objects.filter(iati_identifier=project.iati_identifier).exclude(pk=project.pk)
        if clash.exists():
            raise DomainError(_("Another donor project has this IATI identifier."), field="iati_identifier")


def _apply(project, values) -> list[str]:
    unknown = set(values) - PLAIN - {f"{f}_{lang}" for f in TRANSLATED for lang in LANGS}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    changed = []
    if "donor" in values:
        donor = values.pop("donor")
        if project.donor_id != getattr(donor, "pk", None):
            project.donor = donor
            changed.append("donor")
    for name, value in values.items():
        if name == "budget_currency":
            value = (value or "").upper()
        if value is None and name not in ("budget_amount",):
            value = ""
        if getattr(project, name) != value:
            setattr(project, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def create_donor_project(*, actor, organisation: Organisation, countries=(), **values) -> DonorProject:
    """A new donor project led by ``organisation`` (its owners and managers, or platform staff)."""
    if actor is None or not actor.has_perm("reports.add_donor_project", organisation):
        raise DomainError(_("Only the organisation's owners and managers can add a donor project."))
    project = DonorProject(organisation=organisation)
    _apply(project, values)
    _check(project)
    project.save()
    project.countries.set(countries)
    audit.record(
        actor=actor,
        action="reports.donor_project.created",
        target=project,
        scope=_scope(project),
        data={"donor": project.donor.public_id, "countries": sorted(c.code for c in countries)},
    )
    return project


@transaction.atomic
def update_donor_project(*, actor, project: DonorProject, countries=None, **values) -> DonorProject:
    """Change a donor project's texts, grant, identifiers, dates, budget or countries."""
    _require_manager(actor, project)
    project = DonorProject.objects.select_for_update(no_key=True).get(pk=project.pk)
    changed = _apply(project, values)
    _check(project)
    if changed:
        project.save()
    if countries is not None:
        before = set(project.countries.values_list("code", flat=True))
        after = {c.code for c in countries}
        if before != after:
            project.countries.set(countries)
            changed.append("countries")
    if changed:
        audit.record(
            actor=actor,
            action="reports.donor_project.updated",
            target=project,
            scope=_scope(project),
            data={"fields": sorted(changed)},
        )
    return project


def eligible_activities(organisation: Organisation) -> dict:
    """What a donor project of ``organisation`` may group: the activities the organisation runs
    (events it organises or co-organises, programmes it leads or is a partner in, its initiatives or
    those it partners, editions of its contests or those it co-organises)."""
    return {
        "events": Event.objects.filter(organisation=organisation)
        | Event.objects.filter(co_organisers=organisation),
        "programmes": Programme.objects.filter(organisation=organisation)
        | Programme.objects.filter(partners__organisation=organisation),
        "initiatives": Initiative.objects.filter(organisation=organisation)
        | Initiative.objects.filter(partners=organisation),
        "editions": Edition.objects.filter(contest__organisation=organisation)
        | Edition.objects.filter(co_organisers=organisation),
    }


@transaction.atomic
def set_activities(*, actor, project: DonorProject, events=(), programmes=(), initiatives=(), editions=()):
    """Which activities the project groups; each must be one the lead organisation runs."""
    _require_manager(actor, project)
    project = DonorProject.objects.select_for_update(no_key=True).get(pk=project.pk)
    allowed = eligible_activities(project.organisation)
    chosen = {"events": events, "programmes": programmes, "initiatives": initiatives, "editions": editions}
    data = {}
    for name, items in chosen.items():
        ids = {item.pk for item in items}
        ok = set(allowed[name].filter(pk__in=ids).values_list("pk", flat=True).distinct())
        if ids - ok:
            raise DomainError(
                _("A donor project can only group activities its lead organisation runs."), field=name
            )
        getattr(project, name).set(ids)
        data[name] = sorted(item.public_id for item in items)
    audit.record(
        actor=actor,
        action="reports.donor_project.activities_set",
        target=project,
        scope=_scope(project),
        data=data,
    )
    return project


def request_pdf(*, actor, project: DonorProject, language: str, period) -> DonorReportPdf:
    """Ask for the project's report as a PDF in ``language`` for ``period`` (the project's dates where
    open): built by a background task. The same request still waiting or being built is returned
    instead of a second one."""
    if not actor.has_perm("reports.view_donor_project", project):
        raise DomainError(_("Only the lead organisation's people can have its donor reports."))
    if language not in LANGS:
        raise DomainError(_("Choose Belarusian, Russian or English."), field="language")
    starts_on = period.start or project.starts_on
    ends_on = period.end or project.ends_on
    if ends_on < starts_on:
        raise DomainError(_("The period cannot end before it starts."), field="end")
    with transaction.atomic():
        pending = (
            DonorReportPdf.objects.select_for_update()
            .filter(
                project=project,
                requested_by=actor,
                language=language,
                starts_on=starts_on,
                ends_on=ends_on,
                status__in=(DonorReportPdf.Status.QUEUED, DonorReportPdf.Status.RUNNING),
            )
            .first()
        )
        if pending:
            return pending
        document = DonorReportPdf.objects.create(
            project=project, requested_by=actor, language=language, starts_on=starts_on, ends_on=ends_on
        )
        audit.record(
            actor=actor,
            action="reports.donor_project.pdf_requested",
            target=project,
            scope=_scope(project),
            data={"language": language, "starts_on": str(starts_on), "ends_on": str(ends_on)},
        )
        enqueue_on_commit(tasks.build_donor_report_pdf, document.pk)
    return document
