"""Data migrations: what they do to rows that existed before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hramada.core import audit
from hramada.people.tests.factories import UserFactory


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_a_language_stored_at_sign_up_becomes_the_site_language_and_a_chosen_one_stays_chosen():
    signed_up, chose, never = UserFactory(), UserFactory(), UserFactory()
    audit.record(actor=chose, action="people.profile.updated", target=chose.person)  # saved their profile
    try:
        old = _migrate([("people", "0002_initial")])
        people = old.get_model("people", "Person").objects
        people.filter(pk=signed_up.person.pk).update(preferred_language="be")
        people.filter(pk=chose.person.pk).update(preferred_language="ru")
        people.filter(pk=never.person.pk).update(preferred_language="")
        new = _migrate([("people", "0003_person_site_language")])
        people = new.get_model("people", "Person").objects
        rows = {p.pk: (p.site_language, p.preferred_language) for p in people.all()}
        assert rows[signed_up.person.pk] == ("be", ""), "set by the sign-up page: e-mails now follow the site"
        assert rows[chose.person.pk] == ("ru", "ru"), "chosen on the profile: kept"
        assert rows[never.person.pk] == ("", "")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
