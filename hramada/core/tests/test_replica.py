"""The read replica: opted-in views read from it; writes, and reads that must see them, never do.

A second alias, "replica", points at the same test database (as ``TEST: {"MIRROR": "default"}``
does); a separate connection, so its captured queries show what the router sent there. The tests
are transactional: the replica's connection sees only committed rows.
"""

import copy

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from hramada.core.replica import REPLICA, ReplicaRouter, use_replica
from hramada.news.models import Tag

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]


@pytest.fixture
def replica(settings):
    conf = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)  # the test database's
    conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    settings.DATABASES = {**settings.DATABASES, REPLICA: conf}  # what replica_configured() reads
    # A connection made here, not declared in connections' settings: Django's test case allows it.
    connections[REPLICA] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, alias=REPLICA)
    try:
        with CaptureQueriesContext(connections[REPLICA]) as captured:
            yield captured
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]


def test_without_a_replica_the_router_changes_nothing():
    assert ReplicaRouter().db_for_read(Tag) is None
    with use_replica():
        assert ReplicaRouter().db_for_read(Tag) is None
    assert ReplicaRouter().db_for_write(Tag) is None


def test_reads_go_to_the_replica_only_inside_use_replica(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Tag) == DEFAULT_DB_ALIAS
    with use_replica():
        assert router.db_for_read(Tag) == REPLICA
        list(Tag.objects.all())
    assert router.db_for_read(Tag) == DEFAULT_DB_ALIAS
    assert len(replica.captured_queries) == 1


def test_writes_never_go_to_the_replica_and_reads_after_a_write_follow_them(replica):
    with use_replica():
        assert Tag.objects.count() == 0  # from the replica
        tag = Tag.objects.create(slug="water", name="Water")
        # The write went to the primary; from now on this scope reads there too (its own writes).
        assert Tag.objects.filter(pk=tag.pk).exists()
        tag.name = "Clean water"
        tag.save()
    sql = [q["sql"] for q in replica.captured_queries]
    assert len(sql) == 1 and sql[0].lstrip().upper().startswith("SELECT"), sql


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    with use_replica(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Tag) == DEFAULT_DB_ALIAS
        list(Tag.objects.all())
    assert replica.captured_queries == []


def test_an_object_read_from_the_replica_is_saved_to_the_primary(replica):
    Tag.objects.create(slug="roads", name="Roads")
    with use_replica():
        tag = Tag.objects.get(slug="roads")
    assert tag._state.db == REPLICA
    tag.name = "Roads and bridges"
    tag.save()
    assert Tag.objects.using(DEFAULT_DB_ALIAS).get(slug="roads").name == "Roads and bridges"
    assert len(replica.captured_queries) == 1


def test_the_replica_is_never_migrated():
    assert ReplicaRouter().allow_migrate(REPLICA, "news") is False
    assert ReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "news") is None


@pytest.mark.parametrize(
    "url", ["/en/reports/", "/en/reports/export.csv", "/en/news/", "/en/events/", "/en/issues/"]
)
def test_public_reports_exports_and_lists_read_from_the_replica(client, replica, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert replica.captured_queries, f"{url} read nothing from the replica"


def test_a_signed_in_visitor_reads_public_lists_from_the_primary(client, replica):
    from hramada.people.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/en/news/").status_code == 200
    assert client.get("/en/events/").status_code == 200
    assert replica.captured_queries == []


def test_a_write_never_reaches_the_replica_through_a_view(client, replica):
    """A POST to a page of the replica's views is answered from the primary (405 here: nothing read)."""
    client.post("/en/news/")
    client.post("/en/reports/")
    assert replica.captured_queries == []
