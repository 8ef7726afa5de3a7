"""schemathesis against the live schema, through the WSGI application: every operation, with valid
and generated bad inputs, without a token and with one: never a 5xx, and every response (status code,
content type, body) as the schema declares. Three examples per operation and mode (positive and
negative), each sent without and with a token, derandomised: quick and repeatable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hramada.api import services
from hramada.people.tests.factories import UserFactory
from hramada.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(modes=["positive", "negative"], max_examples=3, deterministic=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the database connection that holds the
    test's transaction (schemathesis calls the WSGI application directly; PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def raw_token(db, settings):
    # The fastest hasher: a real one costs about a second per operation here, half of this test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory()
    return services.create_token(
        actor=user, name="schemathesis", scopes=["read", "register", "vote", "exports"]
    )[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, raw_token):
    """Each generated request is sent twice, without a token and with one (all four scopes): one
    generation per example serves both, which halves the time of two separate tests."""
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {raw_token}"})


def test_every_operation_is_exercised():
    """The parametrised test above covers every operation of the live schema, the ones added later too
    (schemathesis makes one test per operation it finds)."""
    operations = {(result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()}
    assert len(operations) >= 25
    for expected in [
        ("GET", "/api/news/{post_id}"),
        ("GET", "/api/programmes/{programme_id}"),
        ("GET", "/api/initiatives/{initiative_id}"),
        ("GET", "/api/issues/{issue_id}"),
        ("GET", "/api/indicators"),
        ("POST", "/api/projects/{project_id}/vote"),
    ]:
        assert expected in operations
