"""The nine categories the data migration creates are there for every test.

Transactional tests (the PostgreSQL concurrency ones here and elsewhere) end by
flushing every table, migrated data included; a later test in the same worker
would then find no categories. Putting them back is one query when they are there.
"""

import importlib

import pytest

from hramada.local_issues.models import Category

CATEGORIES = importlib.import_module("hramada.local_issues.migrations.0002_categories").CATEGORIES


@pytest.fixture(autouse=True)
def migrated_categories(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    if Category.objects.filter(code=CATEGORIES[-1][0]).exists():
        return
    for order, (code, en, be, ru) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"order": order, "title": en, "title_en": en, "title_be": be, "title_ru": ru}
        )
