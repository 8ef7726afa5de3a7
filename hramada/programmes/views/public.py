from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@require_GET
def programme_list(request):
    return render(request, "programmes/public/list.html", {"programmes": selectors.public_programmes()})
