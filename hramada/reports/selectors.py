"""Reads for the reports pages other than the indicators (``indicators.py``)."""

from hramada.programmes.models import Programme

from .models import DonorProject


def donor_projects_of(organisation):
    return (
        DonorProject.objects.filter(organisation=organisation)
        .select_related("donor")
        .order_by("-starts_on", "id")
    )


def programmes_of(organisation):
    """Programmes the organisation leads or is a partner in."""
    return (
        (
            Programme.objects.filter(organisation=organisation)
            | Programme.objects.filter(partners__organisation=organisation)
        )
        .distinct()
        .order_by("title")
    )


def donor_project(public_id):
    return (
        DonorProject.objects.select_related("organisation", "donor")
        .prefetch_related("countries", "events", "programmes", "initiatives", "editions__contest")
        .filter(public_id=public_id)
        .first()
    )
