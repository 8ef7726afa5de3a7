from django.conf import settings
from django.urls import reverse

from .registry import nav_links


def site(request):
    links = [(label, reverse(name)) for _order, label, name in nav_links]
    return {"SITE_NAME": settings.SITE_NAME, "PRODUCTION": settings.PRODUCTION, "NAV_LINKS": links}
