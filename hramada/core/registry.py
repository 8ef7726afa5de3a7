"""Extension points that let higher apps add to pages owned by lower ones.

Each registered callable returns a dict {"title", "template", "items", "more_url", "empty"} or None.
"""

from collections.abc import Callable

home_sections: list[tuple[int, Callable]] = []  # (order, fn(request))
manage_sections: list[tuple[int, Callable]] = []  # (order, fn(request)) on the organiser dashboard


def register_home_section(order: int, fn: Callable) -> None:
    home_sections.append((order, fn))
    home_sections.sort(key=lambda pair: pair[0])


def register_manage_section(order: int, fn: Callable) -> None:
    manage_sections.append((order, fn))
    manage_sections.sort(key=lambda pair: pair[0])


nav_links: list[tuple[int, object, str]] = []  # (order, label, URL name) in the site header


def register_nav_link(order: int, label, url_name: str) -> None:
    nav_links.append((order, label, url_name))
    nav_links.sort(key=lambda item: item[0])


# Links in the header for signed-in users who need them: (order, label, URL name, shown_to). The organiser
# pages for those who manage something (orgs), "My reviews" for reviewers (reviews). ``shown_to(user)``
# returns True or False, or a queryset: the link is shown when it has a row. The querysets of all links
# are asked in one query (a UNION), since every full page for a signed-in user draws the header.
user_links: list[tuple[int, object, str, Callable]] = []


def register_user_link(order: int, label, url_name: str, shown_to: Callable) -> None:
    if any(existing == url_name for _o, _l, existing, _s in user_links):
        return
    user_links.append((order, label, url_name, shown_to))
    user_links.sort(key=lambda item: item[0])


# Jobs that `manage.py run_periodic` runs (every minute from a timer): (name, fn() -> number of things done).
periodic_jobs: list[tuple[str, Callable[[], int]]] = []


def register_periodic_job(name: str, fn: Callable[[], int]) -> None:
    if any(existing == name for existing, _ in periodic_jobs):
        return
    periodic_jobs.append((name, fn))


# Sections a higher app adds to the public page of a lower app's object (news on an event's page), keyed
# by the model's label ("events.event"). ``fn(obj)`` returns {"title", "template", "items", ...} (the
# template draws any further keys, e.g. a "more" link, itself) or None; pages draw them with
# ``{% load related %}{% related_sections obj %}``. Each ``fn`` shows only
# what any visitor may see (published things), whoever looks at the page.
related_sections: dict[str, list[Callable]] = {}


def register_related_section(model_label: str, fn: Callable) -> None:
    fns = related_sections.setdefault(model_label.lower(), [])
    if fn not in fns:
        fns.append(fn)


def related_sections_for(obj) -> list[dict]:
    if obj is None:
        return []
    return [section for fn in related_sections.get(obj._meta.label_lower, []) if (section := fn(obj))]


# Hooks that move an app's rows from one Person to another when two records of the same human are merged
# (``people.services.merge_people``): (name, fn(keep, remove) -> {label: count}, covers). ``covers`` names
# the relations the hook moves ("events.Registration.person"), so a test can check that every foreign key
# to Person is covered by a hook.
person_merges: list[tuple[str, Callable, tuple[str, ...]]] = []


def register_person_merge(name: str, fn: Callable, covers: tuple[str, ...] = ()) -> None:
    if any(existing == name for existing, _f, _c in person_merges):
        return
    person_merges.append((name, fn, tuple(covers)))


def person_merge_hooks() -> list[tuple[str, Callable, tuple[str, ...]]]:
    return list(person_merges)


# Events for systems outside the platform (the webhooks app sends them to organisers' endpoints). A lower
# app's service calls ``emit`` inside its transaction; the subscribers are called once it commits, never
# for a change rolled back, and a failing subscriber is logged without undoing the change (robust).
# ``data`` holds public ids and facts only (docs/webhooks.md lists what each event sends).
event_subscribers: list[Callable] = []  # fn(event_type, organisation_id, data, occurred_at)


def register_event_subscriber(fn: Callable) -> None:
    if fn not in event_subscribers:
        event_subscribers.append(fn)


def emit(event_type: str, organisation_id: int | None, data: dict) -> None:
    """Announce ``event_type`` (``registration.created``...) in an organisation, after the commit."""
    if organisation_id is None or not event_subscribers:
        return
    from django.db import transaction
    from django.utils import timezone

    occurred_at = timezone.now()

    def notify():
        for fn in event_subscribers:
            fn(event_type, organisation_id, data, occurred_at)

    transaction.on_commit(notify, robust=True)


# A community's timeline (places' community page): what was done there, from the records. Each higher app
# registers ``fn(community)`` returning a list of entries, dicts with "date" (a date or datetime), "kind"
# (a short translated label: "Event", "Local issue"), "title", "url" (or "") and optionally "detail" (a
# line of text, e.g. "12 people from here took part"; counts only, never private people's names). Each
# ``fn`` returns only what any visitor may see (published, not hidden), whoever looks at the page.
community_timeline: list[Callable] = []


def register_community_timeline(fn: Callable) -> None:
    if fn not in community_timeline:
        community_timeline.append(fn)
