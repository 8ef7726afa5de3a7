from .models import Initiative


def public_initiatives():
    """Published initiatives with their community."""
    return Initiative.objects.filter(published_at__isnull=False).select_related("community__settlement")
