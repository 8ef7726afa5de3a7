"""An accepted vote's writes as fixed SQL: the spent challenge, the vote, the project's counter, the
hourly counter, the log row and the audit entry.

These six writes run on every vote. Through the ORM they cost several thousand Python calls and
eight round trips (``BEGIN``, six statements, ``COMMIT``) against one insert in the baseline
(``bench/vote.py``). Here each statement is built once per process from the models' metadata. On
PostgreSQL the six are one statement (data-modifying ``WITH`` clauses): a single round trip and an
implicit transaction, all or nothing, each constraint checked as before. SQLite has no data-modifying
``WITH``: there the same statements run one after another inside a transaction (``RETURNING``
needs SQLite 3.35 or later; Debian 12 ships 3.40).

The columns each statement names are kept in ``INSERT_COLUMNS`` (and ``core.audit.ROW_COLUMNS``), in
the order of their parameters. ``tests/test_raw_sql.py`` compares the statements with the models:
an INSERT names every concrete column but the id and no other, each of the type it was written for,
so a model that gains, loses, renames or retypes a column fails the test before it breaks a vote.

Whatever the database, the rules stay in the schema: the unique constraints on the vote (one per
voter and project, one per slot) and on the challenge's nonce refuse a double or a replay, and the
caller learns which from ``VoteRefused.replay``.
"""
# S608: the statements are put together from the models' table and column names (quoted) and fixed
# text; every value is a parameter.
# ruff: noqa: S608

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connections, transaction

from hramada.contests.models import Project
from hramada.core import audit
from hramada.core.db import prepared_cursor
from hramada.core.ids import new_public_id
from hramada.core.models import AuditEntry

from .models import ProjectHourCount, UsedChallenge, Vote, VoteLog


class VoteRefused(Exception):
    """A constraint refused the vote: ``replay`` when the challenge was spent before, else the
    vote's own constraints (the voter has a vote for the project, or the slot is taken)."""

    def __init__(self, *, replay: bool):
        super().__init__("challenge replayed" if replay else "vote constraint")
        self.replay = replay


@dataclass(frozen=True)
class AcceptedVote:
    """Everything the writes need, as plain values (ids, hashes, the time)."""

    stage_id: int
    project_id: int
    category_id: int
    voter_hash: str
    slot: int
    limit: int
    receipt_hash: str
    at: datetime
    hour: datetime
    network_hash: str
    ua_family: str
    account_age_seconds: int | None
    disposable_email: bool
    aliased_email: bool
    via_code: bool
    audit_row: dict  # core.audit.entry_row(...)
    challenge_nonce: str | None = None
    challenge_expires_at: datetime | None = None


_VOTE_ID = "{vote_id}"  # where a statement uses the new vote's id


def _insert(connection, model, columns, values: list[str]) -> str:
    q = connection.ops.quote_name
    return (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join(values)})"
    )


# Every column but the id, in the order ``record_vote`` passes the values.
INSERT_COLUMNS = {
    UsedChallenge: ("nonce", "expires_at"),
    Vote: (
        "stage_id",
        "project_id",
        "category_id",
        "voter_hash",
        "slot",
        "limit",
        "receipt_hash",
        "created_at",
        "withdrawn_at",
        "annulled_at",
        "annul_reason",
        "annulled_by_id",
    ),
    ProjectHourCount: ("stage_id", "project_id", "hour", "votes"),
    VoteLog: (
        "public_id",
        "created_at",
        "updated_at",
        "stage_id",
        "project_id",
        "outcome",
        "network_hash",
        "ua_family",
        "account_age_seconds",
        "disposable_email",
        "aliased_email",
        "via_code",
        "at",
        "vote_id",
    ),
    AuditEntry: audit.ROW_COLUMNS,
}
HOUR_KEY = ("stage", "project", "hour")  # ProjectHourCount's unique constraint: the ON CONFLICT target


def _statements(connection) -> dict[str, str]:
    """The statements with ``%s`` parameters (and ``{vote_id}`` where the vote's id goes)."""
    q = connection.ops.quote_name
    hours = q(ProjectHourCount._meta.db_table)
    project = q(Project._meta.db_table)
    count, pk = (q(Project._meta.get_field(name).column) for name in ("vote_count", "id"))
    # The hour's row is found by the unique constraint on (stage, project, hour).
    conflict = ", ".join(q(ProjectHourCount._meta.get_field(name).column) for name in HOUR_KEY)
    votes = q(ProjectHourCount._meta.get_field("votes").column)
    log_columns = INSERT_COLUMNS[VoteLog]
    return {
        "challenge": _insert(connection, UsedChallenge, INSERT_COLUMNS[UsedChallenge], ["%s", "%s"]),
        "vote": _insert(connection, Vote, INSERT_COLUMNS[Vote], ["%s"] * len(INSERT_COLUMNS[Vote]))
        + f" RETURNING {q('id')}",
        "counter": f"UPDATE {project} SET {count} = {count} + %s WHERE {pk} = %s",
        "hour": _insert(connection, ProjectHourCount, INSERT_COLUMNS[ProjectHourCount], ["%s"] * 4)
        + f" ON CONFLICT ({conflict}) DO UPDATE SET {votes} = {hours}.{votes} + %s",
        "log": _insert(connection, VoteLog, log_columns, ["%s"] * (len(log_columns) - 1) + [_VOTE_ID]),
        "audit": _insert(connection, AuditEntry, INSERT_COLUMNS[AuditEntry], ["%s"] * len(audit.ROW_COLUMNS)),
    }


_cache: dict[str, tuple] = {}


def _prepared(connection):
    """(the PostgreSQL single statement or None, the separate statements), built once per connection alias."""
    found = _cache.get(connection.alias)
    if found is None:
        parts = _statements(connection)
        single = None
        if connection.vendor == "postgresql":
            vote_id = f"(SELECT {connection.ops.quote_name('id')} FROM v)"
            single = {
                challenge: "WITH "
                + ", ".join(
                    [
                        *([f"c AS ({parts['challenge']})"] if challenge else []),
                        f"v AS ({parts['vote']})",
                        f"p AS ({parts['counter']})",
                        f"h AS ({parts['hour']})",
                        f"l AS ({parts['log'].replace(_VOTE_ID, vote_id)})",
                        f"a AS ({parts['audit']})",
                    ]
                )
                + " SELECT id FROM v"
                for challenge in (True, False)
            }
        found = _cache[connection.alias] = (single, parts)
    return found


def record_vote(vote: AcceptedVote, *, using: str = "default") -> int:
    """Write an accepted vote (and spend its challenge) all or nothing; returns the vote's id.

    Raises ``VoteRefused`` when a constraint refuses it; nothing is written then."""
    connection = connections[using]
    single, parts = _prepared(connection)
    at = connection.ops.adapt_datetimefield_value(vote.at)
    challenge = (
        [vote.challenge_nonce, connection.ops.adapt_datetimefield_value(vote.challenge_expires_at)]
        if vote.challenge_nonce is not None
        else []
    )
    vote_params = [
        vote.stage_id,
        vote.project_id,
        vote.category_id,
        vote.voter_hash,
        vote.slot,
        vote.limit,
        vote.receipt_hash,
        at,
        None,  # withdrawn_at
        None,  # annulled_at
        "",  # annul_reason
        None,  # annulled_by_id
    ]
    counter_params = [1, vote.project_id]
    hour_params = _hour_params(connection, vote.stage_id, vote.project_id, vote.hour, 1)
    log_params = [
        new_public_id(),
        at,
        at,
        vote.stage_id,
        vote.project_id,
        VoteLog.Outcome.ACCEPTED.value,
        vote.network_hash,
        vote.ua_family,
        vote.account_age_seconds,
        vote.disposable_email,
        vote.aliased_email,
        vote.via_code,
        at,
    ]
    audit_params = audit.row_params(vote.audit_row, connection)
    if single is not None:
        # One statement: in autocommit it is its own transaction; inside an outer transaction
        # (a test, a code vote) a savepoint keeps a refusal from breaking the caller's.
        guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
        try:
            with guard, prepared_cursor(using) as cursor:
                cursor.execute(
                    single[bool(challenge)],
                    [*challenge, *vote_params, *counter_params, *hour_params, *log_params, *audit_params],
                )
                return cursor.fetchone()[0]
        except IntegrityError as exc:
            diag = getattr(exc.__cause__, "diag", None)
            raise VoteRefused(
                replay=getattr(diag, "table_name", None) == UsedChallenge._meta.db_table
            ) from None
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            if challenge:
                try:
                    cursor.execute(parts["challenge"], challenge)
                except IntegrityError:  # leaves the block: rolled back
                    raise VoteRefused(replay=True) from None
            cursor.execute(parts["vote"], vote_params)
            vote_id = cursor.fetchone()[0]
            cursor.execute(parts["counter"], counter_params)
            cursor.execute(parts["hour"], hour_params)
            cursor.execute(parts["log"].replace(_VOTE_ID, "%s"), [*log_params, vote_id])
            cursor.execute(parts["audit"], audit_params)
            return vote_id
    except IntegrityError:
        raise VoteRefused(replay=False) from None


def change_count(*, stage_id: int, project_id: int, hour, delta: int, using: str = "default") -> None:
    """Add ``delta`` to a project's counter and to its row for ``hour`` (created on first use), inside
    the caller's transaction: a withdrawal or an annulment (the accepted vote does it in
    ``record_vote``). Rows are per project and hour, so different projects never wait on each other."""
    connection = connections[using]
    _single, parts = _prepared(connection)
    with prepared_cursor(using) as cursor:
        cursor.execute(parts["counter"], [delta, project_id])
        cursor.execute(parts["hour"], _hour_params(connection, stage_id, project_id, hour, delta))


def _hour_params(connection, stage_id, project_id, hour, delta) -> list:
    return [stage_id, project_id, connection.ops.adapt_datetimefield_value(hour), delta, delta]
