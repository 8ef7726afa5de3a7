"""schemathesis against the live schema, through the WSGI application: every operation, with valid
and generated bad inputs, without a token and with one: never a 5xx, and every response (status code,
content type, body) as the schema declares. Few examples and a fixed seed, so it stays quick and
repeatable (about half a minute)."""

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
def raw_token(db):
    user = UserFactory()
    return services.create_token(
        actor=user, name="schemathesis", scopes=["read", "register", "vote", "exports"]
    )[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_without_token(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_with_token(case, raw_token):
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {raw_token}"})
