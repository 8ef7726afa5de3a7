"""Indicators for a period and a scope, computed from the records (selectors: reads only).

The definitions below are the ones shown on the page (``DEFINITIONS``) and in docs/reports.md.

**Participations.** One participation is one of these records (each names one person):
- *event attendance*: a registration for an event that was checked in (``checked_in_at`` set), for
  events that start in the period;
- *programme participation*: a participant of a programme cohort (taking part, completed or left),
  for cohorts that run during the period (start on or before its end, end on or after its start);
- *volunteering*: a volunteer's sign-up for a shift of an initiative, not cancelled, for shifts that
  start in the period;
- *contest team*: a member of a contest project's team (the lead, or a co-author who accepted the
  invitation and has a login), for projects submitted in the period;
- *local issue*: the resident who raised a public local issue (published, not hidden, not merged),
  for issues raised in the period.

**Where.** A participation happens in the settlement of its activity (the event's settlement; the
programme application's settlement, else the participant's community's; the initiative's community;
the contest project's settlement; the issue's settlement), else in the person's home settlement; its
community likewise (the activity's community, else the person's). Region and country follow from the
settlement. Country, region and community scopes select participations by that place.

**Unique people reached**: the number of distinct people among the participations (a person counted
once however many activities they took part in). By country and by region a person is counted once
in each place they took part in, so the rows may add up to more than the total.

**Women, people with disabilities**: among the people reached, by the gender and disability they gave
with consent (``gender_consent_at``, ``disability_consent_at``); everyone else is "not given". The
share of women is of those who gave a gender; of people with a disability, of those who answered.

**Small groups.** Any count of 1-4 people is shown as "<5"; when exactly one group of a breakdown is
"<5", the next smallest group is hidden too, so the small one cannot be found by subtracting the others
from the total (``local_issues.accountability.suppress_small``). Shares are shown only when no group
of their breakdown is hidden.

Cost: a fixed number of queries whatever the data; the reach tables are one statement that gathers
the participations (``UNION ALL`` of the five sources, an event's attendees read from the index
``registration_attended`` alone) without the person rows, folds them per person, kind and place, joins
the people to the folded rows, and folds those once more per person; every breakdown is a hashed
``GROUP BY`` over the per-person rows (a few hundred groups), and only people of several settlements
are counted per place from their own rows (no ``COUNT(DISTINCT)`` over all the participations).
Contest votes read the projects' maintained ``vote_count``. It runs on PostgreSQL and SQLite alike
(docs/reports.md, "Performance").
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.awards.models import Award, Finalist
from hramada.contests.models import Project, ProjectMember
from hramada.events.models import Registration
from hramada.initiatives.models import ShiftSignup
from hramada.local_issues.accountability import (
    HIDDEN,
    RESOLVED_STATUSES,
    SMALL,
    SMALL_GROUP,
    shown_total,
    suppress_small,
)
from hramada.local_issues.models import PUBLIC_LIST, Issue
from hramada.people.models import Disability, Gender, Person
from hramada.places.models import Community, Country, Region, Settlement
from hramada.programmes.models import (
    ActionPlan,
    Application,
    Certificate,
    CohortSession,
    Participant,
)

__all__ = ["HIDDEN", "SMALL", "Period", "Scope", "report"]

# --- scope and period ------------------------------------------------------------------------------------

PLACE_KINDS = ("all", "country", "region", "community")
ORG_KINDS = ("organisation", "programme", "donor_project")


@dataclass(frozen=True)
class Scope:
    """What a report covers: ``kind`` is one of PLACE_KINDS or ORG_KINDS; ``obj`` the country, region,
    community, organisation, programme or donor project (None for "all")."""

    kind: str = "all"
    obj: object = None

    @property
    def label(self) -> str:
        if self.kind == "all":
            return str(_("everywhere"))
        return str(self.obj)


@dataclass(frozen=True)
class Period:
    """Inclusive dates; a missing bound is open."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def _bounds(self):
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tz) if self.start else None
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tz) if self.end else None
        return start, end

    def moments(self, field_name: str) -> Q:
        """Q: the datetime ``field_name`` falls in the period."""
        start, end = self._bounds()
        q = Q()
        if start:
            q &= Q(**{f"{field_name}__gte": start})
        if end:
            q &= Q(**{f"{field_name}__lt": end})
        return q

    def overlaps(self, starts: str, ends: str) -> Q:
        """Q: a span of dates ``starts``-``ends`` overlaps the period."""
        q = Q()
        if self.end:
            q &= Q(**{f"{starts}__lte": self.end})
        if self.start:
            q &= Q(**{f"{ends}__gte": self.start})
        return q

    @property
    def label(self) -> str:
        if (
            self.start
            and self.end
            and (self.start.month, self.start.day, self.end.month, self.end.day)
            == (
                1,
                1,
                12,
                31,
            )
            and self.start.year == self.end.year
        ):
            return str(self.start.year)
        return f"{self.start or '…'} – {self.end or '…'}"


# --- the participations ----------------------------------------------------------------------------------

KINDS = {
    "event": pgettext_lazy("a kind of participation", "event attendance"),
    "programme": pgettext_lazy("a kind of participation", "programme participation"),
    "volunteering": pgettext_lazy("a kind of participation", "volunteering"),
    "contest": pgettext_lazy("a kind of participation", "contest team"),
    "issue": pgettext_lazy("a kind of participation", "local issue raised"),
}
# In the statement a kind is a bit, so the kinds a person took part in are one number (their BIT_OR).
KIND_BITS = {kind: 1 << i for i, kind in enumerate(KINDS)}
KIND_OF_BIT = {bit: kind for kind, bit in KIND_BITS.items()}
COLUMNS = ("r_person", "r_kind", "r_settlement", "r_community")


def _place(qs, kind: str, settlement: str, community: str, person: str = "person"):
    """Annotate a source with the participation's person, kind and the activity's place (settlement and
    community; None when the activity has none: the person's home stands in later, ``_participations``)."""
    return qs.annotate(
        r_person=F(f"{person}__id"),
        r_kind=Value(KIND_BITS[kind]),
        r_settlement=F(f"{settlement}_id"),
        r_community=F(f"{community}_id"),
    )


def _sources(scope: Scope, period: Period) -> list:
    events = _place(
        Registration.objects.filter(checked_in_at__isnull=False).filter(period.moments("event__starts_at")),
        "event",
        "event__settlement",
        "event__community",
    )
    participants = Participant.objects.filter(period.overlaps("cohort__starts_on", "cohort__ends_on"))
    participants = participants.annotate(
        r_person=F("person_id"),
        r_kind=Value(KIND_BITS["programme"]),
        r_settlement=Coalesce("application__settlement_id", "community__settlement_id"),
        r_community=Coalesce("community_id", "application__community_id"),
    )
    volunteering = _place(
        ShiftSignup.objects.filter(cancelled_at__isnull=True).filter(period.moments("shift__starts_at")),
        "volunteering",
        "shift__role__initiative__community__settlement",
        "shift__role__initiative__community",
    )
    team = ProjectMember.objects.filter(user__person__isnull=False, project__submitted_at__isnull=False)
    team = team.filter(Q(role=ProjectMember.Role.LEAD) | Q(accepted_at__isnull=False))
    contest = _place(
        team.filter(period.moments("project__submitted_at")),
        "contest",
        "project__settlement",
        "project__community",
        person="user__person",
    )
    issues = Issue.objects.filter(PUBLIC_LIST, reporter__isnull=False).filter(period.moments("created_at"))
    issues = _place(issues, "issue", "settlement", "community", person="reporter")
    sources = {
        "event": events,
        "programme": participants,
        "volunteering": volunteering,
        "contest": contest,
        "issue": issues,
    }
    return [qs.values(*COLUMNS).order_by() for qs in _scoped(sources, scope).values()]


def _scoped(sources: dict, scope: Scope) -> dict:
    obj = scope.obj
    if scope.kind == "all":
        return sources
    if scope.kind in ("country", "region", "community"):
        # Region and country follow from the participation's settlement (the activity's, else the
        # person's home), so a place scope is "its settlement is one of the place's". Here the
        # activity's place is known: a participation whose activity has a place outside the scope is
        # left out; one whose activity has none waits for the home place (``_home_filter``).
        if scope.kind == "community":
            keep = Q(r_community=obj.pk) | Q(r_community__isnull=True)
        else:
            keep = Q(r_settlement__in=_scope_settlements(scope)) | Q(r_settlement__isnull=True)
        return {name: qs.filter(keep) for name, qs in sources.items()}
    if scope.kind == "organisation":
        return {
            "event": sources["event"].filter(event__organisation=obj),
            "programme": sources["programme"].filter(
                Q(cohort__programme__organisation=obj) | Q(partner__organisation=obj)
            ),
            "volunteering": sources["volunteering"].filter(shift__role__initiative__organisation=obj),
            "contest": sources["contest"].filter(project__edition__contest__organisation=obj),
        }
    if scope.kind == "programme":
        session_events = CohortSession.objects.filter(cohort__programme=obj).values("event_id")
        return {
            "event": sources["event"].filter(event_id__in=session_events),
            "programme": sources["programme"].filter(cohort__programme=obj),
            "volunteering": sources["volunteering"].filter(
                shift__role__initiative__action_plan__participant__cohort__programme=obj
            ),
        }
    if scope.kind == "donor_project":
        programmes = obj.programmes.values("pk")
        session_events = CohortSession.objects.filter(cohort__programme__in=programmes).values("event_id")
        return {
            "event": sources["event"].filter(
                Q(event_id__in=obj.events.values("pk")) | Q(event_id__in=session_events)
            ),
            "programme": sources["programme"].filter(cohort__programme__in=programmes),
            "volunteering": sources["volunteering"].filter(
                shift__role__initiative__in=obj.initiatives.values("pk")
            ),
            "contest": sources["contest"].filter(project__edition__in=obj.editions.values("pk")),
        }
    raise ValueError(f"unknown scope {scope.kind!r}")


def _scope_settlements(scope: Scope):
    """The settlements (``pk`` values) of a country or region scope."""
    field = "region__country" if scope.kind == "country" else "region"
    return Settlement.objects.filter(**{field: scope.obj}).values("pk")


def _home_filter(scope: Scope, person: str) -> tuple[str, list]:
    """SQL over ``f`` (the folded participations) and the person row ``person``: the participation is
    in a place scope, its activity's place (already filtered in ``_scoped``) else the person's home."""
    q = connection.ops.quote_name
    meta = Person._meta
    if scope.kind == "community":
        home = f"{person}.{q(meta.get_field('home_community').column)}"
        return f"(f.community_id IS NOT NULL OR {home} = %s)", [scope.obj.pk]
    if scope.kind in ("country", "region"):
        sql, params = _scope_settlements(scope).query.sql_with_params()
        home = f"{person}.{q(meta.get_field('home_settlement').column)}"
        return f"(f.settlement_id IS NOT NULL OR {home} IN ({sql}))", list(params)
    return "", []


def _participations(scope: Scope, period: Period) -> tuple[str | None, list]:
    """SQL for CTEs ending in ``p``, the participations folded: one row per person, kind, settlement
    and community with its number of participations ``n``, the place being the activity's, else the
    person's home, and the person's gender and disability given with consent (else ''); and its
    parameters. (None, []) if no source can have rows. The region and country of a participation are
    its settlement's (``_places_join``).

    The sources are gathered without the person rows (``p0``) and folded (``f``) before the people are
    joined, so a person is read once per place and kind, not once per participation."""
    parts, params = [], []
    for i, qs in enumerate(_sources(scope, period)):
        try:
            sql, p = qs.query.sql_with_params()
        except EmptyResultSet:
            continue
        cols = ", ".join(f"s{i}.{connection.ops.quote_name(c)}" for c in COLUMNS)
        parts.append(f"SELECT {cols} FROM ({sql}) s{i}")  # noqa: S608 - SQL from querysets
        params.extend(p)
    if not parts:
        return None, []
    q = connection.ops.quote_name
    meta = Person._meta

    def col(name):
        return f"pp.{q(meta.get_field(name).column)}"

    where, where_params = _home_filter(scope, "pp")
    # SQL from querysets and model metadata; every value is a parameter.
    cte = (
        f"WITH p0 (person_id, kind, settlement_id, community_id) AS ({' UNION ALL '.join(parts)}), "  # noqa: S608
        "f AS (SELECT person_id, kind, settlement_id, community_id, COUNT(*) AS n FROM p0 "
        "GROUP BY person_id, kind, settlement_id, community_id), "
        f"p AS (SELECT f.person_id, f.kind, COALESCE(f.settlement_id, {col('home_settlement')}) AS settlement_id, "
        f"COALESCE(f.community_id, {col('home_community')}) AS community_id, "
        f"CASE WHEN {col('gender_consent_at')} IS NOT NULL THEN {col('gender')} ELSE '' END AS gender, "
        f"CASE WHEN {col('disability_consent_at')} IS NOT NULL THEN {col('disability')} ELSE '' END "
        f"AS disability, f.n FROM f INNER JOIN {q(meta.db_table)} pp ON pp.{q(meta.pk.column)} = f.person_id"
        f"{' WHERE ' + where if where else ''}) "
    )
    return cte, params + where_params


def _places_join(alias: str) -> tuple[str, str, str]:
    """(LEFT JOINs from ``alias.settlement_id`` to its settlement and region, the region id, the
    country id): a participation's region and country are its settlement's."""
    q = connection.ops.quote_name
    settlement, region = Settlement._meta, Region._meta
    join = (
        f"LEFT JOIN {q(settlement.db_table)} pl_s ON pl_s.{q(settlement.pk.column)} = {alias}.settlement_id "
        f"LEFT JOIN {q(region.db_table)} pl_r ON pl_r.{q(region.pk.column)} = "
        f"pl_s.{q(settlement.get_field('region').column)}"
    )
    return join, f"pl_r.{q(region.pk.column)}", f"pl_r.{q(region.get_field('country').column)}"


def _rows(cte: str, params, select: str) -> list[tuple]:
    """Run ``select`` (fixed SQL over ``p``) after the CTE; every value travels as a parameter. On
    PostgreSQL without JIT compilation: the planner cannot estimate the folds' rows, and on large data
    its estimate crosses ``jit_above_cost``, where compiling costs more than the statement (seen: 1.4 s
    added to 0.45 s)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(cte + select, params)
        return cursor.fetchall()


# --- the report ------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One table of the page, as shown (small groups already suppressed) and as exported."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart_column: int | None = None  # the column drawn as bars (None: no chart)


@dataclass
class Report:
    scope: Scope
    period: Period
    tables: list[Table]
    definitions: list[tuple[str, str]]
    # [(settlement id or None, people, participations)] before suppression: the map's (``geo``),
    # from the same statement as the reach tables.
    by_settlement: list[tuple] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


DEFINITIONS = [
    (
        _("Participation"),
        _(
            "One person's part in one activity: attending an event (checked in), taking part in a "
            "programme cohort, a volunteering shift (not cancelled), being on the team of a submitted "
            "contest project, or raising a public local issue. Dated by the event's start, the cohort's "
            "dates, the shift's start, the project's submission and the issue's creation."
        ),
    ),
    (
        _("Unique people reached"),
        _(
            "Distinct people with at least one participation in the period and scope: each person is "
            "counted once, however many activities they took part in."
        ),
    ),
    (
        _("Place of a participation"),
        _(
            "The settlement and community of the activity (event, programme application or community, "
            "initiative, contest project, local issue), else the person's home settlement and community. "
            "Region and country follow from the settlement. By country and region a person is counted "
            "once in each place they took part in, so rows may add up to more than the total."
        ),
    ),
    (
        _("Settlements and communities"),
        _("Distinct settlements and distinct communities where participations took place."),
    ),
    (
        _("Women, people with disabilities"),
        _(
            "Among the people reached, by the gender and disability they gave with their consent; "
            "everyone else is “not given”. The share of women is of those who gave a gender; the share "
            "of people with a disability is of those who answered."
        ),
    ),
    (
        _("Small groups"),
        _(
            "Any group of 1 to 4 people is shown as “<5”. When only one group of a table is “<5”, the "
            "next smallest is hidden too, so that it cannot be found by subtraction. Shares are shown "
            "only when nothing in their table is hidden."
        ),
    ),
    (
        _("Contests"),
        _(
            "Submissions: contest projects submitted in the period (and scope); eligible: those found "
            "eligible; votes: the public votes those projects hold (not withdrawn, not annulled); "
            "finalists: those chosen as finalists; awards: the prizes they won and the prize amounts, "
            "per currency."
        ),
    ),
    (
        _("Programmes"),
        _(
            "For cohorts running during the period: applicants (people who submitted an application), "
            "participants, those who completed (and the share of participants), certificates issued "
            "and not revoked, action plans submitted and action plans done."
        ),
    ),
    (
        _("Local issues"),
        _(
            "Public local issues (published, not hidden, not merged) raised in the period: how many, how "
            "many an authority answered, how many are resolved now, and the median days from the first "
            "forwarding to an authority to its first answer."
        ),
    ),
]


def _share(part: int, whole: int, *, allowed: bool = True):
    if not allowed or not whole:
        return "—"
    return f"{round(100 * part / whole)}%"


def _suppressed_column(keys: list, counts: list[int]) -> list:
    shown = suppress_small(dict(zip(keys, counts, strict=True)))
    return [shown[k] for k in keys]


MULTI = -1  # a person's settlement in ``persons`` when they took part in more than one


def _reach_rows(scope: Scope, period: Period) -> dict:
    """The reach's figures before suppression: ``totals`` (people, participations, settlements,
    communities), ``by_kind`` [(kind, people, participations)], ``by_country`` and ``by_region`` [(id or
    None, people, participations, settlements)], ``by_person`` [(gender, disability, people)] and
    ``by_settlement`` [(settlement id or None, people, participations)] (the map's, ``geo``)."""
    out = {
        "totals": (0, 0, 0, 0),
        "by_kind": [],
        "by_country": [],
        "by_region": [],
        "by_person": [],
        "by_settlement": [],
    }
    cte, params = _participations(scope, period)
    if cte is None:
        return out
    # One statement over the folded participations ``p``. ``persons`` folds them once more into one
    # row per person: participations, the kinds taken part in (``KIND_BITS``, or-ed) and the
    # settlement when it is the only one (else MULTI). The people, the kinds' people, gender and
    # disability, and the places of everyone with one settlement then come from one grouping of
    # ``persons`` by those columns (a few hundred rows). Only the people of several settlements (``m``)
    # are counted per settlement, region and country from their rows of ``p``; the participations
    # per kind and the communities are one pass over ``p`` each.
    # SQLite has no BIT_OR; the sum of the distinct bits is the same number.
    kinds_of = "BIT_OR(kind)" if connection.vendor == "postgresql" else "SUM(DISTINCT kind)"
    join, region, country = _places_join("p")
    rows = _rows(
        cte,
        [*params, MULTI, MULTI],
        ", persons AS (SELECT person_id, gender, disability, SUM(n) AS n, "  # noqa: S608
        f"{kinds_of} AS kinds, "
        "CASE WHEN COUNT(settlement_id) = 0 OR (COUNT(settlement_id) = COUNT(*) "
        "AND MIN(settlement_id) = MAX(settlement_id)) THEN MIN(settlement_id) ELSE %s END AS settlement_id "
        "FROM p GROUP BY person_id, gender, disability), "
        f"m AS (SELECT p.settlement_id, {region} AS region_id, {country} AS country_id, p.person_id, p.n "
        f"FROM p INNER JOIN persons ON persons.person_id = p.person_id AND persons.settlement_id = %s {join}) "
        "SELECT 'persons', gender, disability, kinds, settlement_id, COUNT(*), SUM(n) "
        "FROM persons GROUP BY gender, disability, kinds, settlement_id "
        "UNION ALL SELECT 'kind', '', '', kind, NULL, 0, SUM(n) FROM p GROUP BY kind "
        "UNION ALL SELECT 'communities', '', '', 0, NULL, COUNT(*), 0 FROM "
        "(SELECT community_id FROM p WHERE community_id IS NOT NULL GROUP BY community_id) c "
        "UNION ALL SELECT 'settlement', '', '', 0, settlement_id, COUNT(*), SUM(n) FROM "
        "(SELECT settlement_id, person_id, SUM(n) AS n FROM m GROUP BY settlement_id, person_id) x "
        "GROUP BY settlement_id "
        "UNION ALL SELECT 'region', '', '', 0, region_id, COUNT(*), SUM(n) FROM "
        "(SELECT region_id, person_id, SUM(n) AS n FROM m GROUP BY region_id, person_id) x GROUP BY region_id "
        "UNION ALL SELECT 'country', '', '', 0, country_id, COUNT(*), SUM(n) FROM "
        "(SELECT country_id, person_id, SUM(n) AS n FROM m GROUP BY country_id, person_id) x "
        "GROUP BY country_id",
    )
    people = participations = communities = 0
    by_person, kind_people, kind_parts = defaultdict(int), defaultdict(int), {}
    places = {part: defaultdict(lambda: [0, 0]) for part in ("settlement", "region", "country")}
    single = []  # [(settlement id or None, people, participations)] of people with one settlement
    for part, gender, disability, kind_bits, key, count, n in rows:
        count, n = int(count or 0), int(n or 0)  # PostgreSQL's SUM of integers is a numeric
        if part == "persons":
            people += count
            participations += n
            by_person[(gender, disability)] += count
            for kind, bit in KIND_BITS.items():
                if int(kind_bits or 0) & bit:
                    kind_people[kind] += count
            if key != MULTI:
                single.append((key, count, n))
        elif part == "kind":
            kind_parts[KIND_OF_BIT[kind_bits]] = n
        elif part == "communities":
            communities = count
        else:
            places[part][key][0] += count
            places[part][key][1] += n
    # Where each settlement lies (the settlements reached, a few thousand at most).
    ids = {key for key, *_rest in single} | set(places["settlement"])
    lies = {
        pk: (region_id, country_id)
        for pk, region_id, country_id in Settlement.objects.filter(pk__in=ids - {None}).values_list(
            "pk", "region_id", "region__country_id"
        )
    }
    for key, count, n in single:
        region_id, country_id = lies.get(key, (None, None))
        for part, place in (("settlement", key), ("region", region_id), ("country", country_id)):
            places[part][place][0] += count
            places[part][place][1] += n
    settled = {"region": defaultdict(int), "country": defaultdict(int)}
    for key in places["settlement"]:
        if key is not None:
            region_id, country_id = lies[key]
            settled["region"][region_id] += 1
            settled["country"][country_id] += 1
    out["totals"] = (
        people,
        participations,
        len(places["settlement"]) - (None in places["settlement"]),
        communities,
    )
    out["by_kind"] = [(kind, kind_people[kind], n) for kind, n in kind_parts.items()]
    out["by_person"] = [(g, d, count) for (g, d), count in by_person.items()]
    out["by_settlement"] = [(key, a, b) for key, (a, b) in places["settlement"].items()]
    for part in ("country", "region"):
        out[f"by_{part}"] = [(key, a, b, settled[part].get(key, 0)) for key, (a, b) in places[part].items()]
    return out


def _reach(figures: dict) -> list[Table]:
    totals, by_kind, by_country, by_region, by_person = (
        figures[k] for k in ("totals", "by_kind", "by_country", "by_region", "by_person")
    )
    people, participations, settlements, communities = totals

    genders = {Gender.WOMAN: 0, Gender.MAN: 0, Gender.OTHER: 0, "": 0}
    disabilities = {Disability.YES: 0, Disability.NONE: 0, "": 0}
    for g, d, n in by_person:
        genders[g if g in genders else ""] += n
        disabilities[d if d in disabilities else ""] += n
    g_keys = list(genders)
    g_shown = _suppressed_column(g_keys, list(genders.values()))
    d_keys = list(disabilities)
    d_shown = _suppressed_column(d_keys, list(disabilities.values()))
    g_given = people - genders[""]
    d_given = people - disabilities[""]
    g_clear = all(not isinstance(v, str) for v in g_shown)
    d_clear = all(not isinstance(v, str) for v in d_shown)

    summary = Table(
        "summary",
        str(_("Reach")),
        str(_("People and participations in the period and scope.")),
        [str(_("Indicator")), str(_("Value"))],
        [
            [str(_("Unique people reached")), shown_total(people)],
            [str(_("Participations")), shown_total(participations)],
            [str(_("Settlements")), settlements],
            [str(_("Communities")), communities],
            [
                str(_("Share of women (of those who gave a gender)")),
                _share(genders[Gender.WOMAN], g_given, allowed=g_clear),
            ],
            [
                str(_("Share of people with a disability (of those who answered)")),
                _share(disabilities[Disability.YES], d_given, allowed=d_clear),
            ],
        ],
    )

    kinds = dict.fromkeys(KINDS, (0, 0))
    for kind, n_people, n in by_kind:
        kinds[kind] = (n_people, n)
    k_keys = list(kinds)
    k_people = _suppressed_column(k_keys, [kinds[k][0] for k in k_keys])
    k_parts = _suppressed_column(k_keys, [kinds[k][1] for k in k_keys])
    by_kind_table = Table(
        "by_activity",
        str(_("By kind of activity")),
        str(_("A person who took part in several kinds of activity is counted in each.")),
        [str(pgettext_lazy("kind of activity", "Activity")), str(_("People")), str(_("Participations"))],
        [[str(KINDS[k]), k_people[i], k_parts[i]] for i, k in enumerate(k_keys)],
        chart_column=1,
    )

    def place_table(key, title, rows, model, label):
        names = {o.pk: o for o in model.objects.filter(pk__in=[r[0] for r in rows if r[0] is not None])}
        if model is Region:
            names = {o.pk: o for o in Region.objects.select_related("country").filter(pk__in=list(names))}
        rows = sorted(rows, key=lambda r: (r[0] is None, str(names.get(r[0], ""))))
        keys = [r[0] for r in rows]
        people_col = _suppressed_column(keys, [r[1] for r in rows])
        parts_col = _suppressed_column(keys, [r[2] for r in rows])
        out = []
        for i, r in enumerate(rows):
            obj = names.get(r[0])
            name = str(_("place not recorded")) if obj is None else label(obj)
            out.append([name, people_col[i], parts_col[i], r[3]])
        return Table(
            key,
            title,
            str(_("A person is counted once in each place they took part in.")),
            [str(_("Place")), str(_("People")), str(_("Participations")), str(_("Settlements"))],
            out,
            chart_column=1,
        )

    country_table = place_table("by_country", str(_("By country")), by_country, Country, lambda o: o.name)
    region_table = place_table(
        "by_region", str(_("By region")), by_region, Region, lambda o: f"{o.name} ({o.country.code})"
    )
    gender_labels = {
        Gender.WOMAN: Gender.WOMAN.label,
        Gender.MAN: Gender.MAN.label,
        Gender.OTHER: Gender.OTHER.label,
    }
    gender_table = Table(
        "by_gender",
        str(_("People by gender")),
        str(_("The gender people gave with their consent.")),
        [str(_("Gender")), str(_("People"))],
        [[str(gender_labels.get(k, _("not given"))), g_shown[i]] for i, k in enumerate(g_keys)],
        chart_column=1,
    )
    disability_labels = {Disability.YES: Disability.YES.label, Disability.NONE: Disability.NONE.label}
    disability_table = Table(
        "by_disability",
        str(_("People by disability")),
        str(_("What people told us, with their consent, about a disability.")),
        [str(_("Disability")), str(_("People"))],
        [[str(disability_labels.get(k, _("not given"))), d_shown[i]] for i, k in enumerate(d_keys)],
        chart_column=1,
    )
    return [summary, by_kind_table, country_table, region_table, gender_table, disability_table]


# --- contests, programmes, local issues ------------------------------------------------------------------


def _place_filter(scope: Scope, settlement: str, community: str, home: str | None = None) -> Q:
    """Q: the record's place (its settlement or community, else the person's home) is in the scope."""
    if scope.kind == "country":
        q = Q(**{f"{settlement}__region__country": scope.obj})
        if home:
            q |= Q(**{f"{settlement}__isnull": True, f"{home}__region__country": scope.obj})
        return q
    if scope.kind == "region":
        q = Q(**{f"{settlement}__region": scope.obj})
        if home:
            q |= Q(**{f"{settlement}__isnull": True, f"{home}__region": scope.obj})
        return q
    if scope.kind == "community":
        return Q(**{community: scope.obj})
    return Q()


def _contests(scope: Scope, period: Period) -> Table:
    projects = Project.objects.filter(submitted_at__isnull=False).filter(period.moments("submitted_at"))
    if scope.kind in ("country", "region", "community"):
        projects = projects.filter(_place_filter(scope, "settlement", "community"))
    elif scope.kind == "organisation":
        projects = projects.filter(edition__contest__organisation=scope.obj)
    elif scope.kind == "donor_project":
        projects = projects.filter(edition__in=scope.obj.editions.values("pk"))
    elif scope.kind == "programme":
        projects = projects.none()
    ids = projects.values("pk")
    # Votes: each project's counter, which the voting services keep in the same transaction as every
    # vote, withdrawal and annulment (counted votes: not withdrawn, not annulled; votes are never
    # deleted), so the figure reads O(projects), not the vote table.
    counts = projects.aggregate(
        n=Count("pk"),
        eligible=Count("pk", filter=Q(status=Project.Status.ELIGIBLE)),
        votes=Coalesce(Sum("vote_count"), 0),
    )
    votes = counts["votes"]
    finalists = Finalist.objects.filter(project__in=ids).count()
    awards = list(
        Award.objects.filter(project__in=ids)
        .values("currency")
        .annotate(n=Count("pk"), amount=Sum("prize_amount"))
        .order_by("currency")
    )
    rows = [
        [str(_("Submissions")), counts["n"]],
        [str(_("Eligible submissions")), counts["eligible"]],
        [str(_("Votes")), votes],
        [str(_("Finalists")), finalists],
        [str(_("Awards")), sum(a["n"] for a in awards)],
    ]
    rows += [
        [str(_("Prize amounts, %(currency)s") % {"currency": a["currency"]}), a["amount"]] for a in awards
    ]
    return Table(
        "contests",
        str(_("Contests")),
        str(_("Contest projects submitted in the period, their votes, finalists and awards.")),
        [str(_("Indicator")), str(_("Value"))],
        rows,
    )


def _programmes(scope: Scope, period: Period) -> Table:
    participants = Participant.objects.filter(period.overlaps("cohort__starts_on", "cohort__ends_on"))
    applications = Application.objects.filter(submitted_at__isnull=False).filter(
        period.overlaps("cohort__starts_on", "cohort__ends_on")
    )
    if scope.kind in ("country", "region", "community"):
        participants = participants.filter(
            _place_filter(scope, "application__settlement", "community", "person__home_settlement")
        )
        applications = applications.filter(
            _place_filter(scope, "settlement", "community", "person__home_settlement")
        )
    elif scope.kind == "organisation":
        mine = Q(cohort__programme__organisation=scope.obj) | Q(partner__organisation=scope.obj)
        participants, applications = participants.filter(mine), applications.filter(mine)
    elif scope.kind == "programme":
        participants = participants.filter(cohort__programme=scope.obj)
        applications = applications.filter(cohort__programme=scope.obj)
    elif scope.kind == "donor_project":
        programmes = scope.obj.programmes.values("pk")
        participants = participants.filter(cohort__programme__in=programmes)
        applications = applications.filter(cohort__programme__in=programmes)
    p = participants.aggregate(n=Count("pk"), done=Count("pk", filter=Q(status=Participant.Status.COMPLETED)))
    applicants = applications.aggregate(n=Count("person", distinct=True))["n"]
    ids = participants.values("pk")
    certificates = Certificate.objects.filter(participant__in=ids, revoked_at__isnull=True).count()
    plans = ActionPlan.objects.filter(participant__in=ids, submitted_at__isnull=False).aggregate(
        n=Count("pk"), done=Count("pk", filter=Q(status=ActionPlan.Status.DONE))
    )
    return Table(
        "programmes",
        str(_("Programmes")),
        str(_("Cohorts running in the period: applicants, participants and what they achieved.")),
        [str(_("Indicator")), str(_("Value"))],
        [
            [str(_("Applicants")), shown_total(applicants)],
            [str(_("Participants")), shown_total(p["n"])],
            [str(_("Completed")), shown_total(p["done"])],
            [str(_("Completion rate")), _share(p["done"], p["n"], allowed=p["n"] >= SMALL_GROUP)],
            [str(_("Certificates")), shown_total(certificates)],
            [str(_("Action plans submitted")), plans["n"]],
            [str(_("Action plans done")), plans["done"]],
        ],
    )


def _issues(scope: Scope, period: Period) -> Table:
    issues = Issue.objects.filter(PUBLIC_LIST).filter(period.moments("created_at"))
    if scope.kind in ("country", "region", "community"):
        issues = issues.filter(_place_filter(scope, "settlement", "community"))
    elif scope.kind == "organisation":
        issues = issues.filter(authority=scope.obj)  # the issues forwarded to it as an authority
    elif scope.kind in ORG_KINDS:
        issues = issues.none()
    counts = issues.aggregate(
        n=Count("pk"),
        answered=Count("pk", filter=Q(first_answer_at__isnull=False)),
        resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
    )
    spans = issues.filter(first_answer_at__isnull=False, forwarded_at__isnull=False).values_list(
        "forwarded_at", "first_answer_at"
    )
    days = [(answer - forwarded).total_seconds() / 86400 for forwarded, answer in spans]
    median = round(statistics.median(days), 1) if days else "—"
    return Table(
        "local_issues",
        str(_("Local issues")),
        str(_("Public local issues raised in the period and what became of them.")),
        [str(_("Indicator")), str(_("Value"))],
        [
            [str(_("Raised")), counts["n"]],
            [str(_("Answered")), counts["answered"]],
            [str(_("Resolved")), counts["resolved"]],
            [str(_("Median days to the first answer")), median],
        ],
    )


def report(scope: Scope, period: Period) -> Report:
    """Every table of the indicators page for ``scope`` and ``period`` (small groups suppressed)."""
    figures = _reach_rows(scope, period)
    tables = _reach(figures)
    tables += [_contests(scope, period), _programmes(scope, period), _issues(scope, period)]
    return Report(
        scope=scope,
        period=period,
        tables=tables,
        definitions=[(str(a), str(b)) for a, b in DEFINITIONS],
        by_settlement=figures["by_settlement"],
    )


def reach_by_country(project) -> dict:
    """{country code: unique people} of a donor project over its whole life (unsuppressed; for the
    IATI file's recipient-country percentages, which publish shares, not people)."""
    cte, params = _participations(Scope("donor_project", project), Period())
    if cte is None:
        return {}
    join, _region, country = _places_join("p")
    rows = _rows(
        cte,
        params,
        f"SELECT {country}, COUNT(DISTINCT p.person_id) FROM p {join} GROUP BY {country}",  # noqa: S608
    )
    codes = dict(Country.objects.filter(pk__in=[r[0] for r in rows if r[0]]).values_list("pk", "code"))
    return {codes[c]: n for c, n in rows if c in codes}


def community_choices():
    return Community.objects.filter(is_published=True).select_related("settlement").order_by("name")
