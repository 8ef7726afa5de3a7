"""Reads for awards: the finalist proposal (pure computation), the jury ranking, the published results.

The finalist rule (published in docs/methodology.md):

* **Counted votes** are ``Project.vote_count`` (withdrawn and annulled votes are not counted); the
  **vote share** is a project's counted votes divided by all counted votes in its category.
* **Expert score**: the normalised (per-reviewer z-score) or the raw score of the expert round
  (``reviews.selectors.results``), as the rule says. Projects without a submitted review have none.
* **Formula**: each component is put on a 0–1 scale within the category, lowest 0, highest 1, the rest in
  proportion (``(x − min) / (max − min)``; if all are equal, everyone gets 0; a project without an
  expert score gets 0 for it); ``combined = w_vote · vote points + w_expert · expert points``, rounded to
  six decimals. The ``n`` highest combined scores are the finalists.
* **Historical**: the ⌈n/2⌉ projects with the most counted votes are finalists by the public vote (an
  odd ``n`` gives the public vote the larger half); the other ⌊n/2⌋ are the best expert scores among
  the rest.
* **Tie-breaks**: the rule's order (more votes, then the higher expert score; or the reverse), then the
  earlier submission, then the earlier created project.
"""

import csv
import hashlib
import io
import math
from dataclasses import asdict, dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.contests.models import Edition, Project, Stage
from hramada.reviews import selectors as review_selectors
from hramada.voting import selectors as voting_selectors
from hramada.voting.models import VotingRules

from .models import Award, Finalist, FinalistRule, Pledge, Publication, ReviewStage

DECIMALS = 6
SUBJECT_PREFIX = "contests.project:"


def subject_key(project) -> str:
    return f"{SUBJECT_PREFIX}{project.pk}"


def project_id_of(key: str) -> int | None:
    if not key.startswith(SUBJECT_PREFIX):
        return None
    try:
        return int(key[len(SUBJECT_PREFIX) :])
    except ValueError:
        return None


# --- Stages and the rule -------------------------------------------------------------------------------


def review_stage(edition, kind: str) -> ReviewStage | None:
    return ReviewStage.objects.filter(edition=edition, kind=kind).select_related("round__rubric").first()


def rule_for(edition) -> FinalistRule | None:
    return FinalistRule.objects.filter(edition=edition).first()


def votes_for_finalists(rule: FinalistRule) -> int:
    """Under the historical rule the public vote fills ⌈n/2⌉ places (the larger half when n is odd)."""
    return math.ceil(rule.finalists_per_category / 2)


def rule_document(rule: FinalistRule) -> dict:
    """The published finalist rule as data; the fingerprint is the SHA-256 of its canonical JSON."""
    document = {
        "version": FinalistRule.FORMAT_VERSION,
        "edition": rule.edition.public_id,
        "method": rule.method,
        "finalists_per_category": rule.finalists_per_category,
        "votes": "counted votes (withdrawn and annulled votes excluded)",
        "expert_score": "normalised" if rule.use_normalised else "raw",
        "tie_break": [
            rule.tie_break,
            "experts" if rule.tie_break == "votes" else "votes",
            "earlier submission",
        ],
    }
    if rule.method == FinalistRule.Method.FORMULA:
        document["weights"] = {"vote": str(rule.vote_weight), "expert": str(rule.expert_weight)}
        document["scaling"] = "min-max within the category"
    else:
        document["by_public_vote"] = votes_for_finalists(rule)
        document["by_experts"] = rule.finalists_per_category - votes_for_finalists(rule)
    return document


def rule_fingerprint(rule: FinalistRule) -> str:
    return hashlib.sha256(voting_selectors.canonical_json(rule_document(rule)).encode()).hexdigest()


# --- The proposal ------------------------------------------------------------------------------------


@dataclass
class Row:
    project: Project
    votes: int = 0
    share: float = 0.0
    expert_raw: float | None = None
    expert_normalised: float | None = None
    expert_reviews: int = 0
    expert: float | None = None  # the expert score the rule uses
    vote_points: float = 0.0
    expert_points: float = 0.0
    combined: float | None = None
    rank: int = 0  # position in the rule's order within the category
    vote_rank: int = 0
    expert_rank: int | None = None
    selected: bool = False
    source: str = ""

    def data(self) -> dict:
        """The numbers behind the decision (stored with a confirmed finalist, published with results)."""
        values = asdict(self)
        values.pop("project")
        return values

    @property
    def why(self) -> str:
        return why_text(self.data())


@dataclass
class CategoryProposal:
    category: object
    places: int
    rows: list[Row] = field(default_factory=list)
    confirmed: list[Finalist] = field(default_factory=list)

    @property
    def selected(self) -> list[Row]:
        return [r for r in self.rows if r.selected]

    @property
    def total_votes(self) -> int:
        return sum(r.votes for r in self.rows)


def why_text(data: dict) -> str:
    """Why a project is (or is not) a finalist, in words, from the stored numbers."""
    source = data.get("source")
    if source == Finalist.Source.FORMULA:
        return _("Finalist: combined score %(c).3f, place %(r)d in the category.") % {
            "c": data["combined"],
            "r": data["rank"],
        }
    if source == Finalist.Source.PUBLIC_VOTE:
        return _("Finalist by the public vote: place %(r)d by counted votes (%(v)d).") % {
            "r": data["vote_rank"],
            "v": data["votes"],
        }
    if source == Finalist.Source.EXPERTS:
        return _(
            "Finalist by the expert committee: place %(r)d by expert score among the projects not chosen by the vote."
        ) % {"r": data["expert_rank"] or 0}
    if source == Finalist.Source.ORGANISERS:
        return _("Finalist by the organisers' decision (departing from the rule; the reason is published).")
    if data.get("combined") is not None:
        return _("Not a finalist: combined score %(c).3f, place %(r)d.") % {
            "c": data["combined"],
            "r": data["rank"],
        }
    return _("Not a finalist: place %(v)d by votes, %(e)s by expert score among the rest.") % {
        "v": data.get("vote_rank") or 0,
        "e": data.get("expert_rank") or "—",
    }


def _min_max(values: dict[int, float]) -> dict[int, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high - low < 1e-12:
        return dict.fromkeys(values, 0.0)
    return {key: (value - low) / (high - low) for key, value in values.items()}


def expert_results(edition) -> dict[int, object]:
    """Project id → its ``reviews`` ItemResult in the edition's expert round (empty without one)."""
    stage = review_stage(edition, ReviewStage.Kind.EXPERT)
    if stage is None:
        return {}
    return _by_project(review_selectors.results(stage.round))


def jury_results(edition) -> dict[int, object]:
    stage = review_stage(edition, ReviewStage.Kind.JURY)
    if stage is None:
        return {}
    return _by_project(review_selectors.results(stage.round))


def _by_project(results) -> dict[int, object]:
    out = {}
    for result in results:
        project_id = project_id_of(result.item.subject_key)
        if project_id is not None:
            out[project_id] = result
    return out


def _submission_key(project):
    return (project.submitted_at or project.created_at, project.pk)


def rank_category(rule: FinalistRule, projects: list[Project], experts: dict[int, object]) -> list[Row]:
    """Apply the rule to one category's eligible projects (pure: reads only what it is given)."""
    rows = []
    for project in projects:
        result = experts.get(project.pk)
        row = Row(project=project, votes=project.vote_count)
        if result is not None and result.reviews:
            row.expert_raw, row.expert_normalised, row.expert_reviews = (
                result.raw,
                result.normalised,
                result.n,
            )
            row.expert = result.normalised if rule.use_normalised else result.raw
        rows.append(row)
    total = sum(r.votes for r in rows)
    vote_points = _min_max({r.project.pk: float(r.votes) for r in rows})
    expert_points = _min_max({r.project.pk: r.expert for r in rows if r.expert is not None})
    for row in rows:
        row.share = round(row.votes / total, DECIMALS) if total else 0.0
        row.vote_points = round(vote_points[row.project.pk], DECIMALS)
        row.expert_points = round(expert_points.get(row.project.pk, 0.0), DECIMALS)

    def by_votes(r):
        return (-r.votes, -(r.expert if r.expert is not None else -math.inf), *_submission_key(r.project))

    def by_experts(r):
        return (-(r.expert if r.expert is not None else -math.inf), -r.votes, *_submission_key(r.project))

    tie = by_votes if rule.tie_break == FinalistRule.TieBreak.VOTES else by_experts
    for position, row in enumerate(sorted(rows, key=by_votes), start=1):
        row.vote_rank = position
    n = rule.finalists_per_category
    if rule.method == FinalistRule.Method.FORMULA:
        w_vote, w_expert = float(rule.vote_weight), float(rule.expert_weight)
        for row in rows:
            pk = row.project.pk  # from the unrounded points: round once, at the end
            row.combined = round(w_vote * vote_points[pk] + w_expert * expert_points.get(pk, 0.0), DECIMALS)
        ordered = sorted(rows, key=lambda r: (-r.combined, *tie(r)))
        for position, row in enumerate(ordered, start=1):
            row.rank = position
            if position <= n:
                row.selected, row.source = True, Finalist.Source.FORMULA
        return ordered
    by_vote = sorted(rows, key=by_votes)
    k = votes_for_finalists(rule)
    chosen = by_vote[:k]
    rest = sorted(by_vote[k:], key=by_experts)
    for position, row in enumerate(rest, start=1):
        row.expert_rank = position if row.expert is not None else None
    for row in chosen:
        row.selected, row.source = True, Finalist.Source.PUBLIC_VOTE
    for row in rest[: n - k]:
        row.selected, row.source = True, Finalist.Source.EXPERTS
    ordered = chosen + rest
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    return ordered


def proposal(edition, rule: FinalistRule | None = None) -> list[CategoryProposal]:
    """The rule applied to every category of the edition, with the finalists already confirmed."""
    rule = rule or rule_for(edition)
    if rule is None:
        return []
    projects = list(
        Project.objects.filter(edition=edition, status=Project.Status.ELIGIBLE).order_by("category_id", "pk")
    )
    experts = expert_results(edition)
    confirmed: dict[int, list[Finalist]] = {}
    for finalist in Finalist.objects.filter(edition=edition).select_related("project"):
        confirmed.setdefault(finalist.category_id, []).append(finalist)
    out = []
    for category in edition.categories.all():
        mine = [p for p in projects if p.category_id == category.pk]
        out.append(
            CategoryProposal(
                category=category,
                places=rule.finalists_per_category,
                rows=rank_category(rule, mine, experts),
                confirmed=sorted(confirmed.get(category.pk, []), key=lambda f: f.position),
            )
        )
    return out


def category_proposal(edition, category) -> CategoryProposal | None:
    return next((p for p in proposal(edition) if p.category.pk == category.pk), None)


def finalists(edition):
    return (
        Finalist.objects.filter(edition=edition)
        .select_related("project", "category")
        .order_by("category__order", "category_id", "position")
    )


def undo_refusal(edition, category) -> str | None:
    """Why the confirmation of a category's finalists can no longer be undone, or None: once the results
    are published, once an award went to one of them, or once the jury scored one of them."""
    if is_published(edition):
        return _("The results of this edition are published; they can no longer change.")
    confirmed = list(
        Finalist.objects.filter(category=category).select_related("project").order_by("position")
    )
    award = (
        Award.objects.filter(edition=edition, project_id__in=[f.project_id for f in confirmed])
        .select_related("project")
        .order_by("order", "id")
        .first()
    )
    if award is not None:
        return _(
            "“%(award)s” has already been given to “%(project)s”, a finalist of this category, so the "
            "confirmation can no longer be undone."
        ) % {"award": award.title, "project": award.project.title}
    jury = review_stage(edition, ReviewStage.Kind.JURY)
    if jury is not None and confirmed:
        scored = review_selectors.reviewed_subjects(jury.round, [subject_key(f.project) for f in confirmed])
        if scored:
            titles = [f.project.title for f in confirmed if subject_key(f.project) in scored]
            return _(
                "The jury has already scored finalists of this category (%(list)s), so the confirmation can "
                "no longer be undone."
            ) % {"list": ", ".join(titles)}
    return None


def undo_summary(edition, category) -> dict:
    """What undoing a category's confirmation would change, for the summary page (reads only)."""
    confirmed = list(
        Finalist.objects.filter(category=category)
        .select_related("project", "confirmed_by__person")
        .order_by("position")
    )
    jury = review_stage(edition, ReviewStage.Kind.JURY)
    jury_assignments = 0
    if jury is not None and confirmed:
        jury_assignments = review_selectors.assignments_of_subjects(
            jury.round, [subject_key(f.project) for f in confirmed]
        )
    return {
        "finalists": confirmed,
        "refusal": undo_refusal(edition, category) if confirmed else None,
        "jury_stage": jury,
        "jury_assignments": jury_assignments,
    }


def jury_ranking(award: Award) -> list[tuple[Finalist, object]]:
    """The finalists an award may go to, best jury score first (unscored last): the proposal."""
    qs = finalists(award.edition)
    if award.category_id:
        qs = qs.filter(category_id=award.category_id)
    jury = jury_results(award.edition)
    pairs = [(f, jury.get(f.project_id)) for f in qs]

    def key(pair):
        result = pair[1]
        score = (
            None
            if result is None or not result.reviews
            else (result.normalised if result.item.round.normalise else result.raw)
        )
        return (score is None, -(score or 0), pair[0].category_id, pair[0].position)

    return sorted(pairs, key=key)


def awards_of(edition):
    return Award.objects.filter(edition=edition).select_related("category", "project", "sponsor", "pledge")


def pledges_of(edition):
    return Pledge.objects.filter(edition=edition).select_related("sponsor", "category", "declared_by")


def pledges_of_sponsor(organisation):
    return (
        Pledge.objects.filter(sponsor=organisation)
        .select_related("edition__contest", "category")
        .order_by("-created_at", "-id")
    )


def open_editions_for_pledges():
    """Published editions whose results are not published yet (a sponsor may still pledge a prize)."""
    return (
        Edition.objects.filter(results_publication__isnull=True, published_at__isnull=False)
        .select_related("contest")
        .prefetch_related("categories")
        .order_by("-year", "contest__title")
    )


def publication(edition) -> Publication | None:
    return Publication.objects.filter(edition=edition).first()


def is_published(edition) -> bool:
    return Publication.objects.filter(edition=edition).exists()


# --- Published results ---------------------------------------------------------------------------------


def _vote_rules(edition):
    stage = (
        Stage.objects.filter(edition=edition, kind=Stage.Kind.PUBLIC_VOTE).select_related("edition").first()
    )
    if stage is None:
        return None, None
    rules = voting_selectors.rules_for(stage) or VotingRules(stage=stage)
    rules.stage = stage
    return stage, rules


def results(edition) -> dict:
    """Everything the public results page and its exports show. Never a voter or a vote time."""
    rule = rule_for(edition)
    stage, vote_rules = _vote_rules(edition)
    annulled = voting_selectors.annulled_counts(stage) if stage else {}
    expert_stage = review_stage(edition, ReviewStage.Kind.EXPERT)
    jury = jury_results(edition)
    by_project: dict[int, Finalist] = {f.project_id: f for f in finalists(edition)}
    awards = list(awards_of(edition))
    won: dict[int, list[Award]] = {}
    for award in awards:
        if award.project_id:
            won.setdefault(award.project_id, []).append(award)
    categories = []
    for item in proposal(edition, rule) if rule else []:
        for row in item.rows:
            row.annulled = annulled.get(row.project.pk, 0)
            row.finalist = by_project.get(row.project.pk)
            jury_result = jury.get(row.project.pk)
            row.jury_raw = jury_result.raw if jury_result is not None else None
            row.awards = won.get(row.project.pk, [])
            row.published_why = (
                why_text({**row.finalist.explanation, "source": row.finalist.source})
                if row.finalist
                else why_text({**row.data(), "source": ""})
            )
        item.rows.sort(key=lambda r: (r.finalist is None, r.finalist.position if r.finalist else r.rank))
        item.annulled_total = sum(r.annulled for r in item.rows)
        categories.append(item)
    return {
        "edition": edition,
        "publication": publication(edition),
        "rule": rule,
        "rule_document": voting_selectors.canonical_json(rule_document(rule)) if rule else "",
        "rule_fingerprint": (rule.fingerprint or rule_fingerprint(rule)) if rule else "",
        "vote_stage": stage,
        "vote_fingerprint": (vote_rules.fingerprint or voting_selectors.rules_fingerprint(vote_rules))
        if vote_rules
        else "",
        "expert_round": expert_stage.round if expert_stage else None,
        "categories": categories,
        "awards": awards,
        "pledges": [p for p in pledges_of(edition) if p.status != Pledge.Status.DECLINED],
        "deviations": [f for f in by_project.values() if f.deviation_reason],
    }


def _safe_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe keeps them text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _num(value, places=6):
    return "" if value is None else round(value, places)


def export_header() -> list[str]:
    return [
        _("Category"),
        _("Project"),
        _("Project id"),
        _("Counted votes"),
        _("Annulled votes"),
        _("Vote share"),
        _("Expert reviews"),
        _("Expert score (raw, 0–100)"),
        _("Expert score (normalised)"),
        _("Combined score"),
        _("Finalist"),
        _("Why"),
        _("Jury score (raw, 0–100)"),
        _("Awards"),
    ]


def export_rows(data: dict) -> list[list]:
    rows = []
    for item in data["categories"]:
        for row in item.rows:
            rows.append(
                [
                    str(item.category),
                    row.project.title,
                    row.project.public_id,
                    row.votes,
                    row.annulled,
                    _num(row.share),
                    row.expert_reviews,
                    _num(row.expert_raw),
                    _num(row.expert_normalised),
                    _num(row.combined),
                    row.finalist.get_source_display() if row.finalist else "",
                    row.published_why,
                    _num(row.jury_raw),
                    "; ".join(a.title for a in row.awards),
                ]
            )
    return rows


def award_header() -> list[str]:
    return [_("Award"), _("Category"), _("Winner"), _("Prize amount"), _("Currency"), _("Sponsor")]


def award_rows(data: dict) -> list[list]:
    return [
        [
            a.title,
            str(a.category) if a.category else "",
            a.project.title if a.project else "",
            str(a.prize_amount),
            a.currency,
            str(a.sponsor) if a.sponsor else "",
        ]
        for a in data["awards"]
    ]


def export_csv(edition) -> str:
    data = results(edition)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for row in export_rows(data):
        writer.writerow([_safe_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(award_header())
    for row in award_rows(data):
        writer.writerow([_safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the file as UTF-8


def export_xlsx(edition) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = results(edition)
    wb = Workbook()
    sheets = [
        (wb.active, _("Projects"), export_header(), export_rows(data)),
        (wb.create_sheet(), _("Awards"), award_header(), award_rows(data)),
        (
            wb.create_sheet(),
            _("Rules"),
            [_("Document"), _("Fingerprint (SHA-256)")],
            [
                [data["rule_document"], data["rule_fingerprint"]],
                [_("Voting rules"), data["vote_fingerprint"]],
            ],
        ),
    ]
    for ws, title, header, rows in sheets:
        ws.title = title[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_safe_cell(v) for v in row])
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Links from other pages ----------------------------------------------------------------------------


def results_links(editions) -> dict[int, str]:
    """Registered with ``contests.registry``: {edition pk: results page} for the editions whose results
    are published (one query for the whole list; the editions come with their contest)."""
    published = set(
        Publication.objects.filter(edition_id__in=[e.pk for e in editions]).values_list(
            "edition_id", flat=True
        )
    )
    return {
        e.pk: reverse("awards:results", args=[e.contest.slug, e.public_id])
        for e in editions
        if e.pk in published
    }


def manage_overview(edition) -> dict:
    rule = rule_for(edition)
    return {
        "expert_stage": review_stage(edition, ReviewStage.Kind.EXPERT),
        "jury_stage": review_stage(edition, ReviewStage.Kind.JURY),
        "rule": rule,
        "rule_fingerprint": (rule.fingerprint or rule_fingerprint(rule)) if rule else "",
        "finalists": list(finalists(edition)),
        "awards": list(awards_of(edition)),
        "pledges": list(pledges_of(edition)),
        "publication": publication(edition),
        "now": timezone.now(),
    }
