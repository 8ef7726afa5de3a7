# ruff: noqa: F811  (the fixtures imported from the awards and local_issues tests are parameters here)
"""results.published: once when an edition's results are published, never for a refused or rolled-back
publication."""

import json

import pytest
from django.db import transaction

from hramada.awards import services as awards
from hramada.awards.tests.test_services import decided, edition, manager  # noqa: F401  (fixtures)
from hramada.core.errors import DomainError
from hramada.webhooks.models import Delivery

from .factories import EndpointFactory

pytestmark = pytest.mark.django_db


def test_results_published_fires_once(
    edition, manager, decided, receiver, django_capture_on_commit_callbacks
):
    endpoint = EndpointFactory(organisation=edition.contest.organisation, url=receiver.url)
    awards.decide_winner(actor=manager, award=decided["award"], project=decided["a"])
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            awards.publish_results(actor=manager, edition=edition)
            raise RuntimeError("rolled back")
        assert receiver.requests == []
        awards.publish_results(actor=manager, edition=edition)
        with pytest.raises(DomainError):
            awards.publish_results(actor=manager, edition=edition)
    [request] = receiver.requests
    message = json.loads(request["body"])
    assert message["type"] == "results.published"
    assert message["data"]["edition"] == edition.public_id
    assert message["data"]["awards"] == 1
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1
