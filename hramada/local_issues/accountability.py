"""The public record of authorities' answers, computed from the issues' timelines (never typed in).

Which issues count: only the issues the public can see — published, not hidden by moderators, not
merged into another issue. An issue waiting for moderation, hidden or merged away is in no figure, so
no figure tells the public of an issue it cannot read (a merged issue's backings and history live on
in the issue it was merged into).

Per authority A (``authority_figures``), over the public issues forwarded to A (a "forwarded" timeline
entry naming A):
- received: how many issues were forwarded to A (an issue forwarded to A twice counts once);
- answered: how many of them A answered at least once (any answer kind: acknowledged, planned,
  resolved, declined, not ours);
- days to first answer: per answered issue, from A's first forwarding to A's first answer; the median;
- resolved: issues that are now resolved (or resolved and confirmed) and still A's; share of received;
- confirmed: issues whose residents confirmed A's resolution; share of received;
- days to resolution: per resolved issue, from A's first forwarding to A's latest "resolved" answer
  (the one that stands after a reopening); the median;
- reopened: issues of A that residents reopened (status "reopened" now);
- the oldest unanswered: A's issues still waiting for its first answer (status "forwarded"), oldest
  forwarding first, ten of them;
- by category: received, answered, resolved per category.
Per region and for the whole country (``area_figures``) the same figures per issue, over the issues of
the region's settlements: forwarded to any authority, first answer by the authority it was forwarded
to, and a table of those authorities with their figures counted over that region's issues only.

Medians are computed in SQL (PostgreSQL's percentile_cont; on SQLite, window functions: ROW_NUMBER
over the durations, the mean of the middle one or two); only the difference of two times in days is
written per database. Computing them reads every timeline entry of the authority or region, which
grows with its issues (~70 ms for an authority with 20,000 issues), so the figures (not the page:
the oldest unanswered issues and whether they are overdue are read on every view) are kept in the
default cache (Redis in production, shared by the app servers) under the revision of
``FiguresRevision``, which signals.py moves after every committed change to an issue, a timeline
entry or a settlement: the first view after an answer, a reopening or a hidden issue computes the
figures again, and every view shows the committed state. An entry lives ``FIGURES_TTL`` seconds at
most, so a revision that failed to move (the database gone just after a commit) heals itself.

Who raises and backs issues (``who_figures``): people, not issues; a person's gender counts only if
they gave it with consent (``gender_consent_at``), all others are "not given"; any group of 1-4 people
is shown as "<5" (with a second group hidden when one hidden group could be found by subtraction).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.privacy import HIDDEN, SMALL, SMALL_GROUP, suppress_groups  # noqa: F401 (re-exported)
from hramada.core.privacy import suppress_small as shown_total
from hramada.orgs.models import Organisation
from hramada.people.models import Gender, Person
from hramada.places.models import Settlement

from .models import Backing, Category, FiguresRevision, Issue, Status, TimelineEntry

OLDEST = 10  # oldest unanswered issues shown
FIGURES_TTL = 600  # seconds a cached set of figures is kept at most
RESOLVED_STATUSES = (Status.RESOLVED, Status.CONFIRMED)


# --- the figures -----------------------------------------------------------------------------------------


@dataclass
class Figures:
    received: int = 0
    answered: int = 0
    resolved: int = 0
    confirmed: int = 0
    reopened: int = 0
    median_days_to_answer: float | None = None
    median_days_to_resolution: float | None = None

    @property
    def unanswered(self) -> int:
        return self.received - self.answered

    def share(self, part: int) -> int | None:
        """Whole per cent of received (None when nothing was received)."""
        return round(100 * part / self.received) if self.received else None

    @property
    def share_answered(self):
        return self.share(self.answered)

    @property
    def share_resolved(self):
        return self.share(self.resolved)

    @property
    def share_confirmed(self):
        return self.share(self.confirmed)


@dataclass
class CategoryRow:
    category: Category
    figures: Figures


@dataclass
class AuthorityRow:
    authority: Organisation
    figures: Figures


@dataclass
class AuthorityRecord:
    authority: Organisation
    figures: Figures
    by_category: list[CategoryRow] = field(default_factory=list)
    oldest_unanswered: list[Issue] = field(default_factory=list)


@dataclass
class AreaRecord:
    region: object | None  # a Region, or None for the whole country
    figures: Figures
    authorities: list[AuthorityRow] = field(default_factory=list)
    by_category: list[CategoryRow] = field(default_factory=list)
    oldest_unanswered: list[Issue] = field(default_factory=list)


# --- SQL -------------------------------------------------------------------------------------------------


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _days(later: str, earlier: str) -> str:
    """SQL: days from ``earlier`` to ``later`` (NULL if either is NULL), fractional."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def _public_issue(alias: str = "i") -> str:
    return (
        f"{alias}.{_c(Issue, 'published_at')} IS NOT NULL AND {alias}.{_c(Issue, 'hidden_at')} IS NULL "
        f"AND {alias}.{_c(Issue, 'status')} <> 'merged'"
    )


def _in_list(values) -> str:
    # Fixed model constants (timeline kinds, statuses), never user input.
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _spans_sql(*, per_authority: bool, authority_filter: bool) -> str:
    """Per issue (and authority): first forwarding, first answer, latest "resolved" answer."""
    answers = _in_list(TimelineEntry.ANSWERS)
    kinds = _in_list(("forwarded", *TimelineEntry.ANSWERS))
    auth = f"t.{_c(TimelineEntry, 'authority')}"
    created = f"t.{_c(TimelineEntry, 'created_at')}"
    kind = f"t.{_c(TimelineEntry, 'kind')}"
    group = f"t.{_c(TimelineEntry, 'issue')}" + (f", {auth}" if per_authority else "")
    select_auth = f"{auth} AS authority_id" if per_authority else "NULL AS authority_id"
    where = f"{auth} IS NOT NULL AND {kind} IN {kinds}" + (
        f" AND {auth} = %(authority)s" if authority_filter else ""
    )
    return (
        f"SELECT t.{_c(TimelineEntry, 'issue')} AS issue_id, {select_auth}, "  # noqa: S608 - names from the models
        f"MIN(CASE WHEN {kind} = 'forwarded' THEN {created} END) AS fwd, "
        f"MIN(CASE WHEN {kind} IN {answers} THEN {created} END) AS ans, "
        f"MAX(CASE WHEN {kind} = 'resolved' THEN {created} END) AS res "
        f"FROM {_t(TimelineEntry)} t WHERE {where} GROUP BY {group}"
    )


KEYS = {"authority": "s.authority_id", "category": "i.{category}", "all": "0"}


def _figures_sql(*, keys: tuple, per_authority: bool, authority_filter: bool, region_filter: bool) -> str:
    """Figures grouped by each of ``keys`` (``'authority'``, ``'category'``, ``'all'``), in one query
    over the same rows: key name, key, received, answered, resolved, confirmed, reopened, median days
    to answer, median days to resolution."""
    resolved = _in_list(RESOLVED_STATUSES)
    status = f"i.{_c(Issue, 'status')}"
    # Per authority, "resolved" counts only while the issue is still that authority's.
    still_theirs = f" AND i.{_c(Issue, 'authority')} = s.authority_id" if per_authority else ""
    region_join = (
        f" JOIN {_t(Settlement)} st ON st.{_c(Settlement, 'id')} = i.{_c(Issue, 'settlement')} AND st.{_c(Settlement, 'region')} = %(region)s"
        if region_filter
        else ""
    )
    key_columns = ", ".join(f"{KEYS[k].format(category=_c(Issue, 'category'))} AS k_{k}" for k in keys)
    parts, selects = [], []
    for k in keys:
        if connection.vendor == "postgresql":
            # One pass per grouping: the counts and both medians (percentile_cont leaves NULLs out).
            group = "" if k == "all" else f" GROUP BY k_{k}"  # "all": one plain aggregate, no sort by key
            selects.append(
                f"SELECT '{k}' AS g, {'0' if k == 'all' else f'k_{k}'}, COUNT(*), SUM(answered), SUM(resolved), "  # noqa: S608
                "SUM(confirmed), SUM(reopened), percentile_cont(0.5) WITHIN GROUP (ORDER BY d_answer), "
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY d_resolution) FROM rows{group}"
            )
            continue
        parts.append(
            f"counts_{k} AS (SELECT k_{k} AS k, COUNT(*) AS received, SUM(answered) AS answered, "  # noqa: S608
            "SUM(resolved) AS resolved, SUM(confirmed) AS confirmed, SUM(reopened) AS reopened "
            f"FROM rows GROUP BY k_{k})"
        )
        parts.append(f"med_answer_{k} AS ({_median_sql(k, 'd_answer')})")
        parts.append(f"med_resolution_{k} AS ({_median_sql(k, 'd_resolution')})")
        selects.append(
            f"SELECT '{k}' AS g, c.k, c.received, c.answered, c.resolved, c.confirmed, c.reopened, a.m, r.m "  # noqa: S608
            f"FROM counts_{k} c LEFT JOIN med_answer_{k} a ON a.k = c.k LEFT JOIN med_resolution_{k} r ON r.k = c.k"
        )
    row = f"""SELECT {key_columns},
    CASE WHEN s.ans IS NOT NULL THEN 1 ELSE 0 END AS answered,
    CASE WHEN {status} IN {resolved}{still_theirs} THEN 1 ELSE 0 END AS resolved,
    CASE WHEN {status} = 'confirmed'{still_theirs} THEN 1 ELSE 0 END AS confirmed,
    CASE WHEN {status} = 'reopened'{still_theirs} THEN 1 ELSE 0 END AS reopened,
    {_days("s.ans", "s.fwd")} AS d_answer,
    CASE WHEN {status} IN {resolved}{still_theirs} THEN {_days("s.res", "s.fwd")} END AS d_resolution
  FROM spans s JOIN {_t(Issue)} i ON i.{_c(Issue, "id")} = s.issue_id{region_join}
  WHERE s.fwd IS NOT NULL AND {_public_issue()}"""  # noqa: S608
    spans = _spans_sql(per_authority=per_authority, authority_filter=authority_filter)
    ctes = [f"spans AS ({spans})"]
    if authority_filter:
        # One authority: its issues are read through the index on (authority, id) (not a scan of every
        # issue); the few it received that are no longer its own ("not ours", escalated) are picked
        # out of the spans first by an anti-join on that index, then read one by one.
        authority = f"i.{_c(Issue, 'authority')}"
        ctes.append(
            "passed_on AS MATERIALIZED (SELECT * FROM spans s WHERE NOT EXISTS ("  # noqa: S608
            f"SELECT 1 FROM {_t(Issue)} m WHERE m.{_c(Issue, 'id')} = s.issue_id "
            f"AND m.{_c(Issue, 'authority')} = %(authority)s))"
        )
        rows = f"{row} AND {authority} = %(authority)s\nUNION ALL\n" + row.replace(
            "FROM spans s", "FROM passed_on s"
        )
    else:
        rows = row
    union = "\nUNION ALL\n".join(selects)
    return "WITH " + ",\n".join([*ctes, f"rows AS ({rows})", *parts]) + f"\n{union}"


def _median_sql(k: str, column: str) -> str:
    """The median of ``column`` per key (NULLs left out) where there is no percentile_cont (SQLite):
    the mean of the middle one or two rows by ROW_NUMBER, the same value as PostgreSQL's."""
    return (
        f"SELECT k, AVG(d) AS m FROM (SELECT k_{k} AS k, {column} AS d, "  # noqa: S608
        f"ROW_NUMBER() OVER (PARTITION BY k_{k} ORDER BY {column}) AS rn, COUNT(*) OVER (PARTITION BY k_{k}) AS n "
        f"FROM rows WHERE {column} IS NOT NULL) x WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY k"
    )


def _run(sql: str, params: dict) -> dict[str, dict]:
    """{key name: {key: Figures}}."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result: dict[str, dict] = {}
    for g, k, received, answered, resolved, confirmed, reopened, m_answer, m_resolution in rows:
        result.setdefault(g, {})[k] = Figures(
            received=int(received),
            answered=int(answered or 0),
            resolved=int(resolved or 0),
            confirmed=int(confirmed or 0),
            reopened=int(reopened or 0),
            median_days_to_answer=_round_days(m_answer),
            median_days_to_resolution=_round_days(m_resolution),
        )
    return result


def _round_days(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _figures(*keys, per_authority, authority=None, region=None) -> dict[str, dict]:
    """The figures grouped by ``keys``, from the cache when no issue or timeline changed since."""
    revision = FiguresRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    key = (
        f"local_issues:figures:{revision}:{'.'.join(keys)}:{int(per_authority)}:"
        f"{authority.pk if authority is not None else '-'}:{region.pk if region is not None else '-'}"
    )
    found = cache.get(key)
    if found is None:
        found = _compute_figures(keys, per_authority=per_authority, authority=authority, region=region)
        cache.set(key, found, FIGURES_TTL)
    return found


def _compute_figures(keys, *, per_authority, authority, region) -> dict[str, dict]:
    sql = _figures_sql(
        keys=keys,
        per_authority=per_authority,
        authority_filter=authority is not None,
        region_filter=region is not None,
    )
    params = {}
    if authority is not None:
        params["authority"] = authority.pk
    if region is not None:
        params["region"] = region.pk
    found = _run(sql, params)
    return {k: found.get(k, {}) for k in keys}


def _by_category(figures_by_id: dict) -> list[CategoryRow]:
    categories = Category.objects.filter(pk__in=list(figures_by_id)) if figures_by_id else []
    return [CategoryRow(c, figures_by_id[c.pk]) for c in categories]


def _oldest_unanswered(issues):
    """Public issues waiting for their authority's first answer (status "forwarded"), oldest first."""
    oldest = list(
        issues.filter(status=Status.FORWARDED, published_at__isnull=False, hidden_at__isnull=True)
        .select_related("settlement", "category", "authority")
        .order_by("forwarded_at", "id")[:OLDEST]
    )
    now = timezone.now()
    for issue in oldest:
        issue.past_due = issue.answer_due_at is not None and issue.answer_due_at < now
    return oldest


# --- selectors -------------------------------------------------------------------------------------------


def public_authorities():
    return Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY, is_public=True)


def authority_figures(authority: Organisation) -> AuthorityRecord:
    """An authority's record: its figures, by category, and its oldest unanswered issues (3 queries)."""
    found = _figures("all", "category", per_authority=True, authority=authority)
    return AuthorityRecord(
        authority=authority,
        figures=found["all"].get(0, Figures()),
        by_category=_by_category(found["category"]),
        oldest_unanswered=_oldest_unanswered(Issue.objects.filter(authority=authority)),
    )


def authorities_list() -> list[AuthorityRow]:
    """Every public authority with its headline figures (over all its public issues), most received first."""
    figures = _figures("authority", per_authority=True)["authority"]
    rows = [AuthorityRow(a, figures.get(a.pk, Figures())) for a in public_authorities()]
    rows.sort(key=lambda r: (-r.figures.received, r.authority.name))
    return rows


def area_figures(region=None) -> AreaRecord:
    """A region's record (or the whole country's, ``region=None``): the figures per issue, the
    authorities that received the region's issues with their figures over those issues, the figures
    by category and the oldest unanswered issues of the region."""
    found = _figures("all", "category", per_authority=False, region=region)
    per_authority = _figures("authority", per_authority=True, region=region)["authority"]
    authorities = {a.pk: a for a in public_authorities().filter(pk__in=list(per_authority))}
    rows = [AuthorityRow(authorities[pk], f) for pk, f in per_authority.items() if pk in authorities]
    rows.sort(key=lambda r: (-r.figures.received, r.authority.name))
    issues = Issue.objects.all() if region is None else Issue.objects.filter(settlement__region=region)
    return AreaRecord(
        region=region,
        figures=found["all"].get(0, Figures()),
        authorities=rows,
        by_category=_by_category(found["category"]),
        oldest_unanswered=_oldest_unanswered(issues),
    )


# --- who raises and backs issues -------------------------------------------------------------------------


# The "<5" rule lives in core.privacy. ``suppress_small`` (a breakdown's counts, with the second group
# hidden) and ``shown_total`` (one count) keep the names the accountability pages and reports.indicators
# import.
suppress_small = suppress_groups


GENDER_GROUPS = [(Gender.WOMAN, Gender.WOMAN.label), (Gender.MAN, Gender.MAN.label)]
GENDER_GROUPS += [(Gender.OTHER, Gender.OTHER.label), ("", _("not given"))]


@dataclass
class GenderRow:
    key: str
    label: str
    reporters: object  # a number, SMALL or HIDDEN
    backers: object


@dataclass
class WhoRecord:
    region: object | None
    rows: list[GenderRow]
    reporters_total: object  # a number or SMALL
    backers_total: object
    women_share_reporters: int | None  # per cent of those who gave their gender, when nothing is hidden
    women_share_backers: int | None


def _by_gender(people) -> dict:
    counts = {key: 0 for key, _label in GENDER_GROUPS}
    # Only a gender given with consent counts (the database already refuses a gender without it).
    given = Case(When(gender_consent_at__isnull=False, then=F("gender")), default=Value(""))
    grouped = (
        Person.objects.filter(pk__in=people).annotate(g=given).values("g").annotate(n=Count("id")).order_by()
    )
    for row in grouped:
        counts[row["g"] if row["g"] in counts else ""] += row["n"]
    return counts


def _women_share(counts: dict) -> int | None:
    given = counts[Gender.WOMAN] + counts[Gender.MAN] + counts[Gender.OTHER]
    if any(0 < n < SMALL_GROUP for n in counts.values()) or not given:
        return None
    return round(100 * counts[Gender.WOMAN] / given)


def who_figures(region=None) -> WhoRecord:
    """Reporters and backers of public issues (of a region or everywhere), by consented gender."""
    issues = Issue.objects.filter(published_at__isnull=False, hidden_at__isnull=True).exclude(status="merged")
    if region is not None:
        issues = issues.filter(settlement__region=region)
    reporters = issues.values("reporter")
    backers = Backing.objects.filter(issue__in=issues.values("pk")).values("person")
    r_counts, b_counts = _by_gender(reporters), _by_gender(backers)
    r_shown, b_shown = suppress_small(r_counts), suppress_small(b_counts)
    rows = [GenderRow(key, label, r_shown[key], b_shown[key]) for key, label in GENDER_GROUPS]
    return WhoRecord(
        region=region,
        rows=rows,
        reporters_total=shown_total(sum(r_counts.values())),
        backers_total=shown_total(sum(b_counts.values())),
        women_share_reporters=_women_share(r_counts),
        women_share_backers=_women_share(b_counts),
    )
