from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hramada.core.registry import manage_sections


@login_required
def dashboard(request):
    """The organiser's start page: each app adds what this user may manage."""
    sections = [section for _order, fn in manage_sections if (section := fn(request))]
    return render(request, "core/manage/dashboard.html", {"sections": sections})
