"""Public pages of local issues: the list (filtered and sorted), an issue's page with its timeline."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@require_GET
def issue_list(request):
    return render(request, "local_issues/public/list.html", {"issues": selectors.public_issues()[:50]})
