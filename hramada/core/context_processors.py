from django.conf import settings
from django.urls import reverse

from .registry import nav_links, user_links


def _nav_links():
    return [(label, reverse(name)) for _order, label, name in nav_links]


def site(request):
    # NAV_LINKS and USER_LINKS are callables: the template calls them where the menu is drawn (full
    # pages), so page fragments (htmx answers) pay neither for reversing links nor for the queries
    # that decide whom a link is for.
    def _user_links():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return [(label, reverse(name)) for _order, label, name, shown_to in user_links if shown_to(user)]

    return {
        "SITE_NAME": settings.SITE_NAME,
        "PRODUCTION": settings.PRODUCTION,
        "NAV_LINKS": _nav_links,
        "USER_LINKS": _user_links,
    }
