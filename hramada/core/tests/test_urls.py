"""Only well-formed ids reach a query: a NUL byte (which PostgreSQL refuses in a string, with an error)
or any other stray character in an id is "not found" at the URL, never a server error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hramada.contests.tests.factories import ProjectFactory

# Path parameters that never reach a database query as they are (compared with fixed choices).
NOT_LOOKED_UP = {"decision", "fmt"}


def _patterns(resolver: URLResolver, prefix=""):
    """Our own views' routes (Django's admin and allauth are theirs to keep)."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("hramada."):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


def test_every_id_in_a_url_has_a_strict_converter():
    loose = [
        (route, name)
        for route, converters in _patterns(get_resolver())
        for name, converter in converters.items()
        if type(converter).__name__ in {"StringConverter", "PathConverter"} and name not in NOT_LOOKED_UP
    ]
    assert loose == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["voting:cast", "voting:withdraw", "contests:project"],
)
def test_a_nul_byte_in_an_id_is_not_found(client, name):
    project = ProjectFactory()
    url = reverse(name, args=[project.public_id])
    for bad in (project.public_id[:-1] + "%00", "%00" * 26, project.public_id + "%00"):
        response = client.post(url.replace(project.public_id, bad))
        assert response.status_code == 404, (name, bad)


@pytest.mark.django_db
def test_nul_bytes_in_the_other_id_routes_are_not_found(client):
    routes = [
        "/en/events/forum/library/slots/" + "a" * 25 + "%00/book/",
        "/en/events/forum/library/bookings/%00" + "a" * 25 + "/cancel/",
        "/en/events/forum/ticket/abc%00def/",
        "/en/invitations/abc%00/",
    ]
    for url in routes:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
