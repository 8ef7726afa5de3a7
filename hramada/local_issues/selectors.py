"""Reading local issues: what the public sees, queues, accountability figures."""

from .models import Issue


def public_issues():
    """Published issues not hidden nor merged away, with what a list shows."""
    return (
        Issue.objects.filter(published_at__isnull=False, hidden_at__isnull=True)
        .exclude(status="merged")
        .select_related("community", "settlement", "category")
    )
