"""Links that higher apps add to an organisation's organiser menu (events, forms...)."""

from django.urls import reverse

# (order, label, url name taking the organisation slug, permission checked on the organisation)
_menu: list[tuple[int, str, str, str]] = []


def register_menu_link(order: int, label, url_name: str, perm: str = "orgs.change_organisation") -> None:
    _menu.append((order, label, url_name, perm))
    _menu.sort(key=lambda item: item[0])


def menu_links(user, organisation) -> list[tuple[str, str]]:
    return [
        (label, reverse(url_name, args=[organisation.slug]))
        for _order, label, url_name, perm in _menu
        if user.has_perm(perm, organisation)
    ]
