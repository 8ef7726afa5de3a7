"""Public identifiers: ULIDs in URLs, never sequential ids (they leak counts and invite guessing)."""

from ulid import ULID


def new_public_id() -> str:
    return str(ULID()).lower()


class PublicIdConverter:
    """``<pid:name>`` in URL patterns: a public id (26 letters and digits) or no match (404).

    Only a well-formed id reaches a query: anything else (a NUL byte, which PostgreSQL refuses in
    a string with an error, a quote, a path) is answered "not found" by the URL resolver.
    """

    regex = "[0-9A-Za-z]{26}"

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: str) -> str:
        return str(value)


class TokenConverter:
    """``<token:name>``: a URL-safe random token (tickets, invitations, feed secrets), or no match."""

    regex = "[A-Za-z0-9_-]{1,128}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)
