"""The default categories the data migration creates are there for every test.

Transactional tests (the PostgreSQL concurrency ones here and elsewhere) end by flushing every table,
migrated data included; a later test in the same worker would then find no categories. Putting them
back is one query when they are there.
"""

import pytest

from hramada.local_issues.categories import create_defaults
from hramada.local_issues.models import Category


@pytest.fixture(autouse=True)
def migrated_categories(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    create_defaults(Category)
