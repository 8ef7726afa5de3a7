"""Database helpers for hot paths."""

from django.conf import settings
from django.db import connections


def prepared_cursor(using: str = "default"):
    """A cursor whose statements PostgreSQL prepares once per connection and then only executes.

    Django sends every query as text with the values inlined (client-side binding), so PostgreSQL
    plans it again each time; for a fixed statement on a hot path (the vote's lookup joins six tables)
    planning costs more than running it. This cursor binds values on the server, and psycopg keeps
    the statements it runs prepared on the connection. Django disables preparing by default, for
    connection poolers; ``PREPARED_STATEMENTS=false`` turns it off here (see docs/deploy.md on
    PgBouncer). While queries are logged (``DEBUG``, tests that count queries) it is the usual cursor,
    whose log shows each statement with its values; the statements and results are the same. On other
    databases it is the usual cursor too.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.queries_logged or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    # Only server-side binding cursors prepare; Django's own (client-side) cursors never do, so this
    # leaves every other query as it was.
    raw.prepare_threshold = 0
    return connection.make_cursor(psycopg.Cursor(raw))
