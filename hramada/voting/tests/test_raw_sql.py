"""The vote path's raw SQL (``voting.writes``, ``selectors.vote_target``) against the models.

The writes name their columns by hand, in the order of their parameters, and pass values prepared
for the columns' types; the lookup reads every column of six models and joins on a few by name. A
model that gains, loses, renames or retypes one of these columns must fail here, before a vote breaks
in production: ``test_each_insert_names_every_column_of_its_model`` compares each INSERT with the
model's concrete fields; ``WRITTEN_FOR`` is what each column was when the SQL was written (change it
only after checking ``writes.record_vote`` and ``selectors.vote_target`` pass the right values).
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import UniqueConstraint

from hramada.contests.models import Category, Contest, Edition, Project, Stage
from hramada.contests.tests.factories import CategoryFactory, ProjectFactory
from hramada.core.models import AuditEntry
from hramada.voting import selectors, services, writes
from hramada.voting.models import ProjectHourCount, UsedChallenge, Vote, VoteLog, VotingRules

from .factories import VotingRulesFactory

# (field type [-> related model], null) of every column the raw SQL names.
WRITTEN_FOR = {
    UsedChallenge: {
        "nonce": ("CharField", False),
        "expires_at": ("DateTimeField", False),
    },
    Vote: {
        "stage_id": ("ForeignKey->contests.Stage", False),
        "project_id": ("ForeignKey->contests.Project", False),
        "category_id": ("ForeignKey->contests.Category", False),
        "voter_hash": ("CharField", False),
        "slot": ("PositiveSmallIntegerField", False),
        "limit": ("PositiveSmallIntegerField", False),
        "receipt_hash": ("CharField", False),
        "created_at": ("DateTimeField", False),
        "withdrawn_at": ("DateTimeField", True),
        "annulled_at": ("DateTimeField", True),
        "annul_reason": ("CharField", False),
        "annulled_by_id": ("ForeignKey->people.Person", True),
    },
    ProjectHourCount: {
        "stage_id": ("ForeignKey->contests.Stage", False),
        "project_id": ("ForeignKey->contests.Project", False),
        "hour": ("DateTimeField", False),
        "votes": ("IntegerField", False),
    },
    VoteLog: {
        "public_id": ("CharField", False),
        "created_at": ("DateTimeField", False),
        "updated_at": ("DateTimeField", False),
        "stage_id": ("ForeignKey->contests.Stage", False),
        "project_id": ("ForeignKey->contests.Project", False),
        "outcome": ("CharField", False),
        "network_hash": ("CharField", False),
        "ua_family": ("CharField", False),
        "account_age_seconds": ("PositiveIntegerField", True),
        "disposable_email": ("BooleanField", False),
        "aliased_email": ("BooleanField", False),
        "via_code": ("BooleanField", False),
        "at": ("DateTimeField", False),
        "vote_id": ("ForeignKey->voting.Vote", True),
    },
    AuditEntry: {
        "created_at": ("DateTimeField", False),
        "actor_id": ("ForeignKey->people.User", True),
        "actor_label": ("CharField", False),
        "action": ("CharField", False),
        "target_type_id": ("ForeignKey->contenttypes.ContentType", True),
        "target_id": ("CharField", False),
        "target_label": ("CharField", False),
        "scope_type_id": ("ForeignKey->contenttypes.ContentType", True),
        "scope_id": ("CharField", False),
        "data": ("JSONField", False),
    },
    # The counter's UPDATE, and the lookup's joins and filters.
    Project: {
        "id": ("BigAutoField", False),
        "vote_count": ("PositiveIntegerField", False),
        "category_id": ("ForeignKey->contests.Category", False),
        "edition_id": ("ForeignKey->contests.Edition", False),
        "public_id": ("CharField", False),
        "status": ("CharField", False),
    },
    Category: {"id": ("BigAutoField", False)},
    Edition: {"id": ("BigAutoField", False), "contest_id": ("ForeignKey->contests.Contest", False)},
    Contest: {"id": ("BigAutoField", False)},
    Stage: {
        "id": ("BigAutoField", False),
        "edition_id": ("ForeignKey->contests.Edition", False),
        "kind": ("CharField", False),
    },
    VotingRules: {"stage_id": ("OneToOneField->contests.Stage", False)},
    EmailAddress: {
        "user_id": ("ForeignKey->people.User", False),
        "email": ("CharField", False),
        "verified": ("BooleanField", False),
    },
}

INSERT = re.compile(r'^INSERT INTO "?(\w+)"? \(([^)]*)\) VALUES')
CONFLICT = re.compile(r"ON CONFLICT \(([^)]*)\)")


def _names(text: str) -> list[str]:
    return [name.strip().strip('"`') for name in text.split(",")]


def _signature(field) -> tuple[str, bool]:
    kind = field.get_internal_type()
    if field.is_relation:
        kind += f"->{field.related_model._meta.label}"
    return kind, field.null


def _model_of_table(table: str):
    return next(model for model in WRITTEN_FOR if model._meta.db_table == table)


def test_each_insert_names_every_column_of_its_model():
    inserts = {}
    for name, sql in writes._statements(connection).items():
        found = INSERT.match(sql)
        if found:
            inserts[name] = (_model_of_table(found.group(1)), _names(found.group(2)))
    assert set(inserts) == {"challenge", "vote", "hour", "log", "audit"}
    for name, (model, columns) in inserts.items():
        assert len(columns) == len(set(columns)), f"{name}: a column named twice"
        assert model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}  # the database fills it
        expected = [f.column for f in model._meta.concrete_fields if not f.primary_key]
        assert sorted(columns) == sorted(expected), (
            f"{model.__name__} has columns {sorted(set(expected) - set(columns))} that writes.{name} does "
            f"not set, or writes.{name} sets {sorted(set(columns) - set(expected))} it does not have"
        )
        assert tuple(columns) == tuple(writes.INSERT_COLUMNS[model])


def test_the_columns_are_what_the_raw_sql_was_written_for():
    for model, columns in WRITTEN_FOR.items():
        fields = {f.column: f for f in model._meta.concrete_fields}
        for column, written_for in columns.items():
            assert column in fields, f"{model.__name__}.{column} is gone; the raw SQL names it"
            assert _signature(fields[column]) == written_for, f"{model.__name__}.{column} changed"


def test_the_hourly_upsert_targets_the_unique_constraint():
    sql = writes._statements(connection)["hour"]
    target = set(_names(CONFLICT.search(sql).group(1)))
    unique = [
        {
            ProjectHourCount._meta.get_field(name).column
            for name in constraint.fields or [expression.name for expression in constraint.expressions]
        }
        for constraint in ProjectHourCount._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None
    ]
    assert target in unique


def test_the_lookup_reads_every_column_of_its_models():
    sql, _parts = selectors._vote_target_statement(connection, False)
    select = sql[len("SELECT ") : sql.index(" FROM ")]
    read = [column.split(".", 1) for column in _names(select)]
    expected = [
        [alias, f.column]
        for name in selectors._VOTE_TARGET_MODELS
        for model, alias in [selectors._vote_target_tables()[name]]
        for f in model._meta.concrete_fields
    ]
    assert [[alias, column.strip('"`')] for alias, column in read] == expected


@pytest.mark.django_db
def test_the_lookup_gives_what_the_orm_gives():
    """Every field of the six instances equals the ORM's, and they are instances as the ORM makes
    them (``Model.from_db``: not being added, from this database)."""
    rules = VotingRulesFactory(votes_per_category=2)
    services.freeze_rules(stage=rules.stage)
    project = ProjectFactory(category=CategoryFactory(edition=rules.stage.edition))
    found = selectors.vote_target(project.public_id)
    stage = found.vote_stage
    pairs = [
        (found, Project.objects.get(pk=project.pk)),
        (found.category, Category.objects.get(pk=project.category_id)),
        (found.edition, Edition.objects.get(pk=project.edition_id)),
        (found.edition.contest, Contest.objects.get(pk=found.edition.contest_id)),
        (stage, Stage.objects.get(pk=rules.stage_id)),
        (stage.voting_rules, VotingRules.objects.get(pk=rules.pk)),
    ]
    for loaded, orm in pairs:
        assert type(loaded) is type(orm)
        assert not loaded._state.adding and loaded._state.db == orm._state.db
        for f in orm._meta.concrete_fields:
            assert getattr(loaded, f.attname) == getattr(orm, f.attname), f"{type(orm).__name__}.{f.name}"
