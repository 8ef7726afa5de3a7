from .models import Programme


def public_programmes():
    """Published programmes, lead organisation and partners joined."""
    return (
        Programme.objects.filter(published_at__isnull=False)
        .select_related("organisation")
        .prefetch_related("partners__organisation", "partners__country")
    )
