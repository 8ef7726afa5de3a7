"""The issue's "done means": a small client, written from /api/docs alone, lists a contest's projects
and votes with a token, over real HTTP against the test server (the same steps as docs/api.md)."""

import json
import urllib.request

import pytest

from hramada.api import services
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.people.tests.factories import UserFactory
from hramada.voting import antifraud
from hramada.voting.models import Vote
from hramada.voting.tests.factories import VotingRulesFactory


class Client:
    def __init__(self, base: str, token: str = ""):
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(  # noqa: S310 - the test server
            self.base + path, method=method, data=json.dumps(body).encode() if body is not None else None
        )
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test server
            return response.status, json.loads(response.read())

    def projects(self, edition: str) -> list[dict]:
        items, cursor = [], None
        while True:
            _status, page = self.call(
                "GET", f"/api/editions/{edition}/projects?limit=2" + (f"&cursor={cursor}" if cursor else "")
            )
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def vote(self, project: str) -> dict:
        _status, challenge = self.call("GET", f"/api/projects/{project}/challenge")
        solution = antifraud.solve(
            {"parameters": challenge["parameters"], "signature": challenge["signature"]}
        )
        _status, receipt = self.call("POST", f"/api/projects/{project}/vote", {"altcha": solution})
        return receipt


@pytest.mark.django_db(transaction=True)
def test_a_client_lists_projects_and_votes(live_server, settings):
    settings.VOTING_POW_REQUIRED = True
    stage = VotingRulesFactory().stage
    category = CategoryFactory(edition=stage.edition)
    projects = {ProjectFactory(category=category, title=f"Project {n}").public_id for n in range(5)}
    user = UserFactory()
    _token, raw = services.create_token(actor=user, name="client", scopes=["read", "vote"])

    client = Client(live_server.url, raw)
    listed = client.projects(stage.edition.public_id)
    assert {p["id"] for p in listed} == projects
    receipt = client.vote(listed[0]["id"])
    assert receipt["project"] == listed[0]["id"] and receipt["receipt"]
    assert Vote.objects.filter(project__public_id=listed[0]["id"]).count() == 1
