from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from hramada.core.models import AuditEntry
from hramada.urls import urlpatterns as site_urlpatterns


@login_required
@require_POST
def insert_one_row(request):
    """The baseline: behind the same middleware and login as the real path, insert one row."""
    AuditEntry.objects.create(action="bench.baseline", actor=request.user)
    return HttpResponse(status=204)


urlpatterns = [path("bench/insert/", insert_one_row, name="bench_insert"), *site_urlpatterns]
