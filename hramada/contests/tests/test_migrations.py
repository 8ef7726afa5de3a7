"""Data migrations: what they do to rows that existed before them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hramada.contests import submissions
from hramada.people.tests.factories import UserFactory

from .factories import CategoryFactory, EditionFactory, open_call


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_invitations_sent_before_expiry_existed_expire_14_days_after_they_were_created():
    edition = EditionFactory()
    open_call(edition)
    lead = UserFactory()
    project = submissions.create_draft(user=lead, category=CategoryFactory(edition=edition), title="Bashni")
    invited = submissions.invite_member(user=lead, project=project, email="ales@example.org")
    created = timezone.now() - timedelta(days=3)
    try:
        old = _migrate([("contests", "0003_stage_announced_at")])
        old.get_model("contests", "ProjectMember").objects.filter(pk=invited.pk).update(created_at=created)
        new = _migrate([("contests", "0004_projectmember_expires_at")])
        members = new.get_model("contests", "ProjectMember").objects
        assert members.get(pk=invited.pk).expires_at == created + timedelta(days=14)
        assert members.get(project_id=project.pk, role="lead").expires_at is None, (
            "the lead was never invited"
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_editions_made_before_drafts_existed_stay_published():
    edition = EditionFactory(published_at=None)
    try:
        _migrate([("contests", "0005_private_project_files")])
        new = _migrate([("contests", "0006_edition_published_at")])
        row = new.get_model("contests", "Edition").objects.get(pk=edition.pk)
        assert row.published_at == row.created_at
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
