"""Background work of imports: running an import the organiser started."""

from django_tasks import task


@task()
def run_import(job_id: int) -> None:
    """Import the job's rows (``services.run_import``: one transaction, progress on the job)."""
    from . import services

    services.run_import(job_id)
