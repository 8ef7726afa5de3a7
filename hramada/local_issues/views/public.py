"""Public pages of local issues: the list (filtered and sorted), an issue's page with its timeline."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@require_GET
def issue_list(request):
    return render(request, "local_issues/public/list.html", {"issues": selectors.public_issues()[:50]})


@require_GET
def issue_detail(request, public_id):
    from django.http import Http404

    raise Http404  # the issue page comes with the public pages


@require_GET
def my_issues(request):
    from django.http import Http404

    raise Http404  # "My issues" comes with the public pages
