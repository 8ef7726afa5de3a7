"""Data migrations: what they do to rows that existed before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from hramada.awards.models import Award, Pledge
from hramada.orgs.tests.factories import OrganisationFactory

from .factories import EditionFactory


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_titles_written_before_translation_keep_showing_in_every_language():
    edition = EditionFactory()
    sponsor = OrganisationFactory()
    try:
        old = _migrate([("awards", "0001_initial")])
        award = old.get_model("awards", "Award").objects.create(
            edition_id=edition.pk, title="Победитель номинации", public_id="01award0000000000000000000"
        )
        pledge = old.get_model("awards", "Pledge").objects.create(
            edition_id=edition.pk,
            sponsor_id=sponsor.pk,
            title="Приз «Жить вместе»",
            amount=800,
            public_id="01pledge000000000000000000",
        )
        _migrate([("awards", "0002_translated_titles")])
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    for lang in ("be", "ru", "en"):
        with translation.override(lang):
            assert Award.objects.get(pk=award.pk).title == "Победитель номинации"
            assert Pledge.objects.get(pk=pledge.pk).title == "Приз «Жить вместе»"
