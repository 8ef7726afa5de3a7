"""Background work of the reports: a donor project's report as a PDF."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def build_donor_report_pdf(document_id: int) -> None:
    """Compute the donor project's indicators for the requested period and draw them as a PDF in the
    requested language, telling the request how far it is (its ``progress``) as it goes. A failure is
    recorded on the request (the page says so and offers to try again) rather than lost."""
    from . import indicators, pdf
    from .models import DonorReportPdf

    document = DonorReportPdf.objects.select_related("project__organisation", "project__donor").get(
        pk=document_id
    )
    if document.status != DonorReportPdf.Status.QUEUED:
        return  # already built, or being built by another worker

    def step(progress: int) -> None:
        # Each step is its own short write, so the page polling it sees the bar move.
        DonorReportPdf.objects.filter(pk=document.pk).update(progress=min(99, progress))

    claimed = DonorReportPdf.objects.filter(pk=document.pk, status=DonorReportPdf.Status.QUEUED).update(
        status=DonorReportPdf.Status.RUNNING, progress=5
    )
    if not claimed:
        return
    try:
        with translation.override(document.language):
            report = indicators.report(
                indicators.Scope("donor_project", document.project),
                indicators.Period(document.starts_on, document.ends_on),
            )
            step(40)
            body = pdf.render(document.project, report, progress=lambda pct: step(40 + pct * 55 // 100))
        document.file.save(f"{document.public_id}.pdf", ContentFile(body), save=False)
        DonorReportPdf.objects.filter(pk=document.pk).update(
            file=document.file.name,
            status=DonorReportPdf.Status.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # recorded for the person waiting; the traceback goes to the log
        log.exception("donor report PDF %s failed", document.public_id)
        DonorReportPdf.objects.filter(pk=document.pk).update(
            status=DonorReportPdf.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
