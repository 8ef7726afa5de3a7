"""Reads of the public vote: a voter's own votes, results from maintained counters, the ballot export.

Nothing here returns a voter hash or an exact vote time next to a project: the published ballot shows
the receipt hash, the project, the hour and the status, in receipt-hash order (not arrival order).
"""

import csv
import hashlib
import io
import json
from collections import Counter
from datetime import UTC, timedelta

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from hramada.contests.models import Project, Stage
from hramada.core.db import prepared_cursor
from hramada.core.hashing import keyed_hash

from . import antifraud
from .models import (
    PhoneCheck,
    ProjectHourCount,
    Vote,
    VoterPhone,
    VotingCodeBatch,
    VotingRules,
    country_codes,
)

RULES_VERSION = 1
ELIGIBILITY = "verified_email"
BALLOT_HEADER = ["receipt_hash", "project", "hour_utc", "status"]
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def voter_hash(user, stage: Stage) -> str:
    """The voter as stored in the vote table: a keyed hash of the user and the edition, never the id."""
    return keyed_hash(str(user.pk), str(stage.edition_id), purpose="voter")


def normalise_receipt(code: str) -> str:
    """Receipt codes are read aloud and retyped: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code: str) -> str:
    """SHA-256 (hex) of the normalised receipt code: what the ballot export publishes."""
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def rules_document(rules: VotingRules) -> dict:
    """The published rules as data; their canonical JSON is what the fingerprint hashes.

    Version 1 documents keep exactly their original fields, so rules frozen before version 2 still
    reproduce their stored fingerprints; version 2 adds voting codes, the phone check and delayed counts;
    version 3 the countries whose mobile numbers the phone check accepts.
    """
    stage = rules.stage
    document = {
        "version": rules.format_version or RULES_VERSION,
        "stage": stage.public_id,
        "opens": stage.starts_at.astimezone(UTC).isoformat(),
        "closes": stage.ends_at.astimezone(UTC).isoformat(),
        "eligibility": ELIGIBILITY,
        "votes_per_category": rules.votes_per_category,
        "show_counts": rules.show_counts,
    }
    if document["version"] >= 2:
        document["eligibility"] = ELIGIBILITY + ("+phone" if rules.require_phone else "")
        document["voting_codes"] = bool(rules.allow_codes)
        document["count_delay_hours"] = (
            rules.count_delay_hours if rules.show_counts == VotingRules.ShowCounts.DELAYED else 0
        )
        document["annulment"] = "organisers may annul votes with a published reason"
    if document["version"] >= 3 and rules.require_phone:
        document["phone_countries"] = country_codes(rules.phone_countries)
    return document


def canonical_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rules_fingerprint(rules: VotingRules) -> str:
    """SHA-256 (hex) of the canonical JSON of the rules: equal rules, equal fingerprint."""
    return hashlib.sha256(canonical_json(rules_document(rules)).encode()).hexdigest()


def rules_for(stage: Stage) -> VotingRules | None:
    return VotingRules.objects.filter(stage=stage).select_related("stage").first()


def my_votes(user, stage: Stage):
    """The user's counted votes in a stage, found by recomputing their voter hash."""
    return (
        Vote.objects.filter(stage=stage, voter_hash=voter_hash(user, stage), withdrawn_at__isnull=True)
        .select_related("project", "category")
        .order_by("category_id", "slot")
    )


def counts_visible(stage: Stage, now=None) -> bool:
    """Whether the public may see vote counts now: live if the rules say so, otherwise once closed."""
    now = now or timezone.now()
    if now >= stage.closes_at:
        return True
    return _counts_visible(stage, rules_for(stage), now)


def _counts_visible(stage: Stage, rules: VotingRules | None, now) -> bool:
    if now >= stage.closes_at:
        return True
    return rules is not None and rules.show_counts == VotingRules.ShowCounts.LIVE and now >= stage.starts_at


def delayed_as_of(stage: Stage, rules: VotingRules | None, now):
    """With delayed counts, while the vote is open: the full hour the public counts stand at
    (``count_delay_hours`` before the current hour, never before the vote opened); otherwise None."""
    if rules is None or rules.show_counts != VotingRules.ShowCounts.DELAYED or not stage.is_open(now):
        return None
    current_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return current_hour - timedelta(hours=rules.count_delay_hours)


def counts_at(stage: Stage, as_of) -> dict[int, int]:
    """Counted votes per project id as they stood at ``as_of`` (a full hour): the sum of the maintained
    per-hour changes before it. Reads a few rows per project, never the vote table."""
    rows = (
        ProjectHourCount.objects.filter(stage=stage, hour__lt=as_of)
        .values("project_id")
        .annotate(n=Sum("votes"))
        .values_list("project_id", "n")
    )
    return dict(rows)


def delayed_counts(stage: Stage, as_of) -> dict[int, int]:
    """``counts_at`` for the public pages, cached: the hours before ``as_of`` are over, and every later
    change (a vote, a withdrawal, an annulment) is written to the hour it happens in, so the sums
    cannot change. Each page view of a delayed vote reads the cache, not the hourly rows."""
    key = f"voting:delayed:{stage.public_id}:{as_of:%Y%m%d%H}"
    found = cache.get(key)
    if found is None:
        found = counts_at(stage, as_of)
        cache.set(key, found, timeout=2 * 3600)
    return found


def results(stage: Stage):
    """Eligible projects of the stage's edition with their maintained counts: O(projects), not O(votes)."""
    return (
        Project.objects.filter(edition_id=stage.edition_id, status=Project.Status.ELIGIBLE)
        .select_related("category")
        .order_by("category__order", "category_id", "-vote_count", "title")
    )


def annulled_counts(stage: Stage) -> dict[int, int]:
    """Annulled votes per project id (read from the few annulled rows, not the whole table)."""
    rows = (
        Vote.objects.filter(stage=stage, annulled_at__isnull=False)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return dict(rows)


def check_receipt(stage: Stage, code: str) -> Vote | None:
    """The vote a receipt code belongs to (anyone holding the code may check it was counted)."""
    return Vote.objects.filter(stage=stage, receipt_hash=receipt_hash(code)).select_related("project").first()


def _csv_line(row) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


def ballot_csv_lines(stage: Stage):
    """The published ballot, line by line (for streaming): receipt hash, project, hour, status."""
    yield _csv_line(BALLOT_HEADER)
    rows = (
        Vote.objects.filter(stage=stage)
        .order_by("receipt_hash")
        .values_list("receipt_hash", "project__public_id", "created_at", "withdrawn_at", "annulled_at")
    )
    for receipt, project, created_at, withdrawn_at, annulled_at in rows.iterator(chunk_size=2000):
        hour = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:00Z")
        status = (
            "annulled" if annulled_at is not None else "withdrawn" if withdrawn_at is not None else "counted"
        )
        yield _csv_line([receipt, project, hour, status])


def ballot_csv(stage: Stage) -> str:
    return "".join(ballot_csv_lines(stage))


# --- Public pages -------------------------------------------------------------------------------------


def has_verified_email(user) -> bool:
    return (
        bool(user and user.is_authenticated)
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def vote_stage(edition_id: int) -> Stage | None:
    """The public-vote stage of an edition (with its edition and contest), or None."""
    return (
        Stage.objects.filter(edition_id=edition_id, kind=Stage.Kind.PUBLIC_VOTE)
        .select_related("edition__contest")
        .first()
    )


# The vote path's lookup runs on every vote. Django's query compiler costs several thousand Python
# calls for a query with five joins (more than the rest of the vote); this one is a single fixed
# statement, built once per process from the models' own metadata: the columns it reads are each
# model's concrete fields, the columns it joins and filters on are looked up by field name. Its rows go
# through the same field converters the ORM applies (aware datetimes on SQLite, for example) and become
# instances through ``Model.from_db``, as the ORM's own rows do. For a vote it also reads the voter's
# verified addresses (``project.voter_emails``), which the vote's checks need.
# tests/test_raw_sql.py compares the statement with the models.
_VOTE_TARGET_MODELS = ("project", "category", "edition", "contest", "stage", "rules")
_vote_target_sql: dict[tuple, tuple] = {}


def _vote_target_tables():
    from hramada.contests.models import Category, Contest, Edition

    return {
        "project": (Project, "p"),
        "category": (Category, "c"),
        "edition": (Edition, "e"),
        "contest": (Contest, "k"),
        "stage": (Stage, "s"),
        "rules": (VotingRules, "r"),
    }


def _vote_target_statement(connection, with_emails: bool):
    key = (connection.alias, with_emails)
    if key in _vote_target_sql:
        return _vote_target_sql[key]
    q = connection.ops.quote_name
    tables = _vote_target_tables()
    columns, parts = [], []
    for name in _VOTE_TARGET_MODELS:
        model, alias = tables[name]
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{q(f.column)}" for f in fields]
        converters = []
        for f in fields:
            col = f.get_col(alias)
            found = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            if found:
                converters.append((fields.index(f), col, found))
        parts.append((model, [f.attname for f in fields], converters, fields.index(model._meta.pk)))

    def column(name: str, field: str) -> str:
        """``alias."column"`` of a field of one of the joined models, by the field's name."""
        model, alias = tables[name]
        return f"{alias}.{q(model._meta.get_field(field).column)}"

    if with_emails:
        aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        address = EmailAddress._meta
        columns.append(
            f"(SELECT {aggregate}(a.{q(address.get_field('email').column)}, ' ')"  # noqa: S608
            f" FROM {q(address.db_table)} a"
            f" WHERE a.{q(address.get_field('user').column)} = %s AND a.{q(address.get_field('verified').column)})"
        )
    # Identifiers come from the models' metadata (quoted); the values are parameters.
    table = {name: q(model._meta.db_table) for name, (model, _alias) in tables.items()}
    sql = " ".join(
        [
            "SELECT",
            ", ".join(columns),
            f"FROM {table['project']} p",
            f"JOIN {table['category']} c ON {column('category', 'id')} = {column('project', 'category')}",
            f"JOIN {table['edition']} e ON {column('edition', 'id')} = {column('project', 'edition')}",
            f"JOIN {table['contest']} k ON {column('contest', 'id')} = {column('edition', 'contest')}",
            f"LEFT JOIN {table['stage']} s ON {column('stage', 'edition')} = {column('edition', 'id')}"
            f" AND {column('stage', 'kind')} = %s",
            f"LEFT JOIN {table['rules']} r ON {column('rules', 'stage')} = {column('stage', 'id')}",
            f"WHERE {column('project', 'public_id')} = %s AND {column('project', 'status')} = %s",
        ]
    )
    _vote_target_sql[key] = (sql, parts)
    return sql, parts


def vote_target(public_id: str, voter=None) -> Project | None:
    """An eligible project as the vote path needs it, in one query: its category, edition and
    contest, and the edition's public-vote stage (``project.vote_stage``, None if there is none) with
    its rules (``stage.voting_rules``, when set). Lighter than the public page's ``public_project``:
    no place, attachments or team. With ``voter`` (a signed-in user), ``project.voter_emails`` lists
    their verified e-mail addresses."""
    from django.db import connections

    connection = connections[Project.objects.db]
    with_emails = voter is not None and voter.is_authenticated
    sql, parts = _vote_target_statement(connection, with_emails)
    params = [Stage.Kind.PUBLIC_VOTE.value, str(public_id), Project.Status.ELIGIBLE.value]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, [voter.pk, *params] if with_emails else params)
        row = cursor.fetchone()
    if row is None:
        return None
    objects, offset = {}, 0
    for name, (model, attnames, converters, pk_index) in zip(_VOTE_TARGET_MODELS, parts, strict=True):
        values = list(row[offset : offset + len(attnames)])
        offset += len(attnames)
        if values[pk_index] is None:  # no such row (left join): no stage, or no rules
            objects[name] = None
            continue
        for i, col, found in converters:
            for convert in found:
                values[i] = convert(values[i], col, connection)
        objects[name] = model.from_db(connection.alias, attnames, values)
    project, edition, stage = objects["project"], objects["edition"], objects["stage"]
    if with_emails:
        project.voter_emails = (row[-1] or "").split()
    edition.contest = objects["contest"]
    project.edition = edition
    project.category = objects["category"]
    project.vote_stage = stage
    if stage is not None:
        stage.edition = edition
        Stage._meta.get_field("voting_rules").set_cached_value(stage, objects["rules"])
    return project


def edition_vote(user, edition, now) -> dict | None:
    """What the edition and project pages show of the vote: counts or not, whether it is open, the
    visitor's own votes (project ids and the votes themselves) and how many they may cast.

    Registered with ``contests.selectors.register_edition_extension``; a fixed number of queries.
    """
    stage = next((s for s in edition.stages.all() if s.kind == Stage.Kind.PUBLIC_VOTE), None)
    if stage is None:
        return {"counts_visible": False}
    stage.edition = edition
    rules = rules_for(stage)
    is_open = stage.is_open(now)
    visible = _counts_visible(stage, rules, now)
    as_of = None if visible else delayed_as_of(stage, rules, now)
    mine = list(my_votes(user, stage)) if user.is_authenticated else []
    require_phone = bool(rules and rules.require_phone)
    needs_phone = (
        is_open
        and user.is_authenticated
        and require_phone
        and not VoterPhone.objects.filter(stage=stage, voter_hash=voter_hash(user, stage)).exists()
    )
    return {
        "counts_visible": visible,
        # Delayed counts: the counts as they stood at this hour, by project id (the live ones stay hidden).
        "counts_as_of": as_of,
        "counts_delay_hours": rules.count_delay_hours if as_of is not None else None,
        "delayed_counts": delayed_counts(stage, as_of) if as_of is not None else {},
        "count_template": "voting/public/_count.html",
        "vote_stage": stage,
        "vote_open": is_open,
        "vote_rules": rules,
        "votes_per_category": rules.votes_per_category if rules else VotingRules().votes_per_category,
        "my_votes": mine,
        "my_project_ids": {vote.project_id for vote in mine},
        # Categories where the voter has no vote left (annulled votes keep their slots).
        "full_category_ids": _full_categories(
            mine, rules.votes_per_category if rules else VotingRules().votes_per_category
        ),
        "annulled_project_ids": {vote.project_id for vote in mine if vote.annulled_at is not None},
        "pow_required": antifraud.pow_required(),
        "can_vote": has_verified_email(user) if is_open and user.is_authenticated else False,
        "allow_codes": bool(rules and rules.allow_codes),
        "require_phone": require_phone,
        "needs_phone": needs_phone,
        "now": now,
        "panel_template": "voting/public/_panel.html",
        "button_template": "voting/public/_button.html",
    }


def _full_categories(votes, limit: int) -> set[int]:
    used = Counter(vote.category_id for vote in votes)
    return {category for category, n in used.items() if n >= limit}


def my_vote_for(user, project: Project) -> Vote | None:
    """The user's counted vote for a project, if any (to withdraw it)."""
    # A project from ``vote_target`` carries its stage already.
    stage = project.vote_stage if hasattr(project, "vote_stage") else vote_stage(project.edition_id)
    if stage is None or not user.is_authenticated:
        return None
    return my_votes(user, stage).filter(project=project).first()


def results_page(stage: Stage, now=None) -> dict:
    """The results page of a vote: counts (when the public may see them), the rules and their fingerprint."""
    now = now or timezone.now()
    rules = rules_for(stage)
    published = (
        rules if rules is not None else VotingRules(stage=stage)
    )  # a vote with no rules set: the defaults
    published.stage = stage
    visible = _counts_visible(stage, rules, now)
    annulled = annulled_counts(stage) if visible else {}
    as_of = None if visible else delayed_as_of(stage, rules, now)
    projects = []
    if visible:
        projects = _with_annulled(list(results(stage)), annulled)
        for project in projects:
            project.shown_count = project.vote_count
    elif as_of is not None:
        then = counts_at(stage, as_of)
        projects = _with_annulled(list(results(stage)), {})
        for project in projects:
            project.shown_count = then.get(project.pk, 0)
        projects.sort(key=lambda p: (p.category.order, p.category_id, -p.shown_count, p.title))
    return {
        "stage": stage,
        "rules": published,
        "rules_document": canonical_json(rules_document(published)),
        "fingerprint": published.fingerprint or rules_fingerprint(published),
        "counts_visible": visible,
        "counts_as_of": as_of,
        "vote_open": stage.is_open(now),
        "vote_started": now >= stage.starts_at,
        "projects": projects,
        "annulled_total": sum(annulled.values()),
    }


def _with_annulled(projects, annulled: dict[int, int]):
    for project in projects:
        project.annulled_votes = annulled.get(project.pk, 0)
    return projects


# --- Voting codes and the phone check -----------------------------------------------------------------


def code_votes(stage: Stage, voter: str):
    """The counted (or annulled) votes cast with one code, found by its voter hash."""
    return (
        Vote.objects.filter(stage=stage, voter_hash=voter, withdrawn_at__isnull=True)
        .select_related("project", "category")
        .order_by("category_id", "slot")
    )


def code_batches(stage: Stage) -> list:
    """The stage's batches with how many codes were used and revoked (counts only, never codes); a
    batch whose codes were forgotten after the vote shows the counts it kept."""
    batches = list(
        VotingCodeBatch.objects.filter(stage=stage)
        .annotate(
            n_used=Count("codes", filter=Q(codes__first_used_at__isnull=False)),
            n_revoked=Count("codes", filter=Q(codes__revoked_at__isnull=False)),
        )
        .order_by("-created_at")
    )
    for batch in batches:
        if batch.codes_forgotten_at is not None:
            batch.n_used, batch.n_revoked = batch.used_count, batch.revoked_count
    return batches


def pending_phone_check(user, stage: Stage, now=None) -> PhoneCheck | None:
    """The voter's phone check waiting for its code (not expired), if any."""
    now = now or timezone.now()
    return PhoneCheck.objects.filter(
        stage=stage, voter_hash=voter_hash(user, stage), expires_at__gt=now
    ).first()


def votes_in_category(stage_id: int, category_id: int, voter: str) -> int:
    """How many of a voter's votes hold a slot in a category (counted or annulled, not withdrawn)."""
    return Vote.objects.filter(
        stage_id=stage_id, category_id=category_id, voter_hash=voter, withdrawn_at__isnull=True
    ).count()


def other_vote_projects(project: Project) -> list[Project]:
    """The other eligible projects of a project's category, as the vote area needs them (ordered as
    the category page lists them)."""
    return list(
        Project.objects.filter(category_id=project.category_id, status=Project.Status.ELIGIBLE)
        .exclude(pk=project.pk)
        .select_related("edition__contest")
        .order_by("title")
    )
