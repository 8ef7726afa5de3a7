"""The prepared cursor: the same statements and results as Django's cursor; PostgreSQL keeps them
prepared on the connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hramada.core.db import prepared_cursor
from hramada.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_prepared_statement_returns_what_the_plain_one_returns():
    AuditEntry.objects.create(action="test.one", data={"a": "б"})
    sql = "SELECT action, data FROM core_auditentry WHERE action = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["test.one"])
        expected = cursor.fetchall()
    for _ in range(3):  # prepared on first use, executed again after
        with prepared_cursor() as cursor:
            cursor.execute(sql, ["test.one"])
            assert cursor.fetchall() == expected


@pytest.mark.postgres
def test_postgresql_prepares_the_statement_once_per_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql = "SELECT count(*) FROM core_auditentry WHERE action = %s"
    for _ in range(3):
        with prepared_cursor() as cursor:
            cursor.execute(sql, ["test.two"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{sql[:40]}%"]
        )
        assert cursor.fetchone()[0] == 1


def test_while_queries_are_logged_the_log_shows_the_values():
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditentry WHERE action = %s", ["test.three"])
    assert "test.three" in captured.captured_queries[-1]["sql"]
