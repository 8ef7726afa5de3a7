# ruff: noqa: F811  (the fixtures imported from the awards and local_issues tests are parameters here)
"""issue.answered: to the answering authority's endpoints, once per answer, never for a refused one."""

import json

import pytest

from hramada.core.errors import DomainError
from hramada.local_issues import authorities

# Transactional tests elsewhere flush the migrated categories; local_issues' conftest puts them back.
from hramada.local_issues.tests.conftest import migrated_categories  # noqa: F401
from hramada.local_issues.tests.test_authorities import forwarded, issue, link_of, place  # noqa: F401

from .factories import EndpointFactory

pytestmark = pytest.mark.django_db


def test_issue_answered_fires_once_to_the_authority(forwarded, receiver, django_capture_on_commit_callbacks):
    issue, authority, token = forwarded
    EndpointFactory(organisation=authority, url=receiver.url)
    EndpointFactory(url=receiver.url)  # another organisation's
    with django_capture_on_commit_callbacks(execute=True):
        entry = authorities.answer(issue=issue, authority=authority, kind="acknowledged", link=link_of(token))
        with pytest.raises(DomainError):
            authorities.answer(issue=issue, authority=authority, kind="bogus", link=link_of(token))
    [request] = receiver.requests
    message = json.loads(request["body"])
    assert message["type"] == "issue.answered"
    assert message["data"] == {
        "issue": issue.public_id,
        "answer": "acknowledged",
        "entry": entry.public_id,
        "status": message["data"]["status"],
    }
    issue.refresh_from_db()
    assert message["data"]["status"] == issue.status
