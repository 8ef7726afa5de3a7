from django.conf import settings
from django.db.models import CharField, QuerySet, Value
from django.urls import reverse

from .registry import nav_links, user_links


def _nav_links():
    return [(label, reverse(name)) for _order, label, name in nav_links]


def _shown_links(user):
    """The user links ``user`` should see: answers given as booleans directly, those given as
    querysets in one query (each marked with its link's URL name, unordered, unioned)."""
    shown, asked = set(), []
    for _order, _label, name, shown_to in user_links:
        answer = shown_to(user)
        if isinstance(answer, QuerySet):
            asked.append(
                answer.order_by()
                .annotate(link_name=Value(name, output_field=CharField()))
                .values_list("link_name", flat=True)
            )
        elif answer:
            shown.add(name)
    if asked:
        shown.update(asked[0].union(*asked[1:]) if len(asked) > 1 else asked[0][:1])
    return [link[:3] for link in user_links if link[2] in shown]


def site(request):
    # NAV_LINKS and USER_LINKS are callables: the template calls them where the menu is drawn (full
    # pages), so page fragments (htmx answers) pay neither for reversing links nor for the queries
    # that decide whom a link is for.
    def _user_links():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return [(label, reverse(name)) for _order, label, name in _shown_links(user)]

    return {
        "SITE_NAME": settings.SITE_NAME,
        "PRODUCTION": settings.PRODUCTION,
        "NAV_LINKS": _nav_links,
        "USER_LINKS": _user_links,
    }
