from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@require_GET
def initiative_list(request):
    return render(request, "initiatives/public/list.html", {"initiatives": selectors.public_initiatives()})
