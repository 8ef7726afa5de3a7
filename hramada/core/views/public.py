from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from hramada.core.registry import home_sections


def home(request):
    sections = [section for _order, fn in home_sections if (section := fn(request))]
    return render(request, "core/public/home.html", {"sections": sections})


def privacy(request):
    return render(request, "core/public/privacy.html")


def healthz(request):
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
