"""Links that higher apps add to an organisation's organiser menu (events, forms...)."""

from django.urls import reverse

# (order, label, url name taking the organisation slug, permission checked on the organisation, the
# organisation kind the page is for or None for every kind)
_menu: list[tuple[int, str, str, str, str | None]] = []


def register_menu_link(
    order: int, label, url_name: str, perm: str = "orgs.change_organisation", kind: str | None = None
) -> None:
    _menu.append((order, label, url_name, perm, kind))
    _menu.sort(key=lambda item: item[0])


def menu_links(user, organisation) -> list[tuple[str, str]]:
    # The kind is checked apart from the permission: staff pass every permission, and a page for
    # authorities answers 404 for a sponsor.
    return [
        (label, reverse(url_name, args=[organisation.slug]))
        for _order, label, url_name, perm, kind in _menu
        if (kind is None or organisation.kind == kind) and user.has_perm(perm, organisation)
    ]


# Where people meet an organisation (its events' registrations, its programmes' applicants, its
# initiatives' volunteers, its members): each fn(organisation) returns {label: queryset of ``person_id``
# values} (or a list of such querysets, then not counted by label). The organiser's "possible duplicates" page looks only among these people and counts each
# person's rows per label.
_people_sources: list = []


def register_organisation_people(fn) -> None:
    if fn not in _people_sources:
        _people_sources.append(fn)


def organisation_people_sources(organisation) -> dict:
    """{label: queryset of person_id values} over every registered source."""
    sources = {}
    for fn in _people_sources:
        found = fn(organisation)
        if isinstance(found, dict):
            sources.update(found)
        else:  # a plain list of querysets: used to find the people, not counted on the page
            sources.update({(fn, i): ids for i, ids in enumerate(found)})
    return sources


def organisation_people_filter(organisation):
    """A Q on Person: the people linked to ``organisation`` through any registered source."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for ids in organisation_people_sources(organisation).values():
        condition |= Q(pk__in=ids)
    return condition
