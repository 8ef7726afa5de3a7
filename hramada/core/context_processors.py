from django.conf import settings
from django.urls import reverse

from .registry import nav_links


def _nav_links():
    return [(label, reverse(name)) for _order, label, name in nav_links]


def site(request):
    # NAV_LINKS is a callable: the template calls it where the menu is drawn (full pages), so page
    # fragments (htmx answers) do not pay for reversing every link.
    return {"SITE_NAME": settings.SITE_NAME, "PRODUCTION": settings.PRODUCTION, "NAV_LINKS": _nav_links}
