"""Choosing a cohort under the committee's rules: a pure function, data in, result out.

The committee's rules (``Rules``) are: a cohort size, at least ``min_per_region`` per region (among
regions with scored applicants), at most ``max_per_community`` per community, at least
``min_women_percent`` % women (gender counted only where given with consent) and at least
``min_disability`` people with disabilities (consented data only). ``propose`` returns the selection
that maximises the total review score subject to every rule, found by the HiGHS mixed-integer solver
through ``scipy.optimize.milp`` (never a hand-written search), together with the bound of the linear
relaxation (how good any selection could possibly be), the plain ranking (the top N by score) and
which applicants the rules brought in or pushed out. When the rules cannot all be met it names a
minimal set of conflicting rules (removing any one of them makes a selection possible) with the
numbers that show why.

How the rules read (docs/programme-selection.md says the same for the committee):

* Only applicants with a score take part; one without a score is listed and can be added by hand.
* The cohort size is exact; when fewer applicants have a score than the size asks, it becomes "at
  most": the solver first finds how many places the other rules let it fill, then the best selection
  of that many.
* A region asks for ``min(min_per_region, its scored applicants)``: a region with one applicant and a
  rule of two asks for that one. Applicants without a region count in no region; applicants without a
  community are limited by no community.
* "At least p % women" means at least ``ceil(p × size / 100)`` women.

Equal scores: the plain ranking breaks ties by the order the candidates are given in (the caller gives
them in submission order); after solving, an applicant the rules brought in is swapped for a pushed-out
one of the same score whenever every rule still holds, so ties never show as rule effects.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

RULE_SIZE = "cohort_size"
RULE_REGION = "min_per_region"
RULE_COMMUNITY = "max_per_community"
RULE_WOMEN = "min_women_percent"
RULE_DISABILITY = "min_disability"
# The rules that may conflict with the cohort size, in the order they are tried and shown.
DROPPABLE = (RULE_REGION, RULE_COMMUNITY, RULE_WOMEN, RULE_DISABILITY)

OPTIMAL = "optimal"
FEASIBLE = "feasible"  # stopped at the time limit with a selection, optimality not proven
INFEASIBLE = "infeasible"
EMPTY = "empty"  # no applicant with a score
TIMEOUT = "timeout"  # stopped at the time limit without any selection


@dataclass(frozen=True)
class Candidate:
    key: str  # the application's public id
    score: float | None
    region: str | None = None
    community: str | None = None
    woman: bool = False  # True only where the gender was given with consent
    disability: bool = False  # True only where given with consent


@dataclass(frozen=True)
class Rules:
    cohort_size: int
    min_per_region: int = 0
    max_per_community: int | None = None
    min_women_percent: int = 0
    min_disability: int = 0

    def without(self, dropped) -> Rules:
        return Rules(
            cohort_size=self.cohort_size,
            min_per_region=0 if RULE_REGION in dropped else self.min_per_region,
            max_per_community=None if RULE_COMMUNITY in dropped else self.max_per_community,
            min_women_percent=0 if RULE_WOMEN in dropped else self.min_women_percent,
            min_disability=0 if RULE_DISABILITY in dropped else self.min_disability,
        )

    def active(self) -> list[str]:
        """The rules that ask for something (the droppable ones, in order)."""
        out = []
        if self.min_per_region > 0:
            out.append(RULE_REGION)
        if self.max_per_community is not None:
            out.append(RULE_COMMUNITY)
        if self.min_women_percent > 0:
            out.append(RULE_WOMEN)
        if self.min_disability > 0:
            out.append(RULE_DISABILITY)
        return out


@dataclass
class Check:
    """One rule's count in a selection: what it asks and what the selection has."""

    rule: str
    label: str  # the region or community it is about, or ""
    required: int
    actual: int
    met: bool


@dataclass
class Proposal:
    status: str
    selected: list[str] = field(default_factory=list)  # keys, best score first
    objective: float | None = None
    bound: float | None = None  # the linear relaxation's optimum: no selection scores more
    seconds: float = 0.0
    size: int = 0  # the places the selection fills
    size_rule: str = "exactly"  # or "at most" (fewer scored applicants than the cohort size)
    ranking: list[str] = field(default_factory=list)  # the plain top N by score
    brought_in: list[str] = field(default_factory=list)  # selected, not in the plain ranking
    pushed_out: list[str] = field(default_factory=list)  # in the plain ranking, not selected
    unscored: list[str] = field(default_factory=list)
    conflict: list[str] = field(default_factory=list)  # a minimal set of conflicting rules
    facts: list[dict] = field(default_factory=list)  # numbers that show the conflict
    checks: list[Check] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.objective is None or not self.bound:
            return None
        return self.objective / self.bound

    def as_json(self) -> dict:
        """What ``SelectionRules.proposal`` stores."""
        return {
            "status": self.status,
            "selected": self.selected,
            "objective": self.objective,
            "bound": self.bound,
            "seconds": round(self.seconds, 3),
            "size": self.size,
            "size_rule": self.size_rule,
            "ranking": self.ranking,
            "brought_in": self.brought_in,
            "pushed_out": self.pushed_out,
            "unscored": self.unscored,
            "conflict": self.conflict,
            "facts": self.facts,
        }


def candidates_from(rows, scores: dict[str, float]) -> list[Candidate]:
    """Candidates from applications read as rows (``decisions.candidate_rows`` reads them; the bench
    builds the same rows): ``public_id``, ``region``, ``community``, ``gender``,
    ``gender_consent_at``, ``disability``, ``disability_consent_at``; ``scores`` maps public ids to
    review scores (absent: not scored). Gender and disability count only where given with consent."""
    return [
        Candidate(
            key=row["public_id"],
            score=scores.get(row["public_id"]),
            region=row["region"],
            community=row["community"],
            woman=row["gender"] == "woman" and row["gender_consent_at"] is not None,
            disability=row["disability"] == "yes" and row["disability_consent_at"] is not None,
        )
        for row in rows
    ]


def women_needed(percent: int, size: int) -> int:
    return (percent * size + 99) // 100


def region_demands(candidates: list[Candidate], min_per_region: int) -> dict[str, int]:
    """What the region rule asks of each region with scored applicants."""
    if min_per_region <= 0:
        return {}
    counts: dict[str, int] = {}
    for c in candidates:
        if c.region is not None:
            counts[c.region] = counts.get(c.region, 0) + 1
    return {region: min(min_per_region, n) for region, n in counts.items()}


def plain_ranking(candidates: list[Candidate], size: int) -> list[str]:
    """The top ``size`` scored candidates by score, ties in the order given."""
    order = sorted(
        (c for c in candidates if c.score is not None),
        key=lambda c: -c.score,  # sorted() is stable: ties keep the given order
    )
    return [c.key for c in order[:size]]


def check(candidates: list[Candidate], rules: Rules, selected, size: int | None = None) -> list[Check]:
    """Every rule's count in ``selected`` (keys), judged against the scored applicants; ``size`` is
    the number of places the selection should fill (the cohort size unless fewer were possible)."""
    chosen = set(selected)
    scored = [c for c in candidates if c.score is not None]
    picked = [c for c in candidates if c.key in chosen]
    size = rules.cohort_size if size is None else size
    checks = [Check(RULE_SIZE, "", size, len(picked), len(picked) == size)]
    for region, need in sorted(region_demands(scored, rules.min_per_region).items()):
        n = sum(1 for c in picked if c.region == region)
        checks.append(Check(RULE_REGION, region, need, n, n >= need))
    if rules.max_per_community is not None:
        per: dict[str, int] = {}
        for c in picked:
            if c.community is not None:
                per[c.community] = per.get(c.community, 0) + 1
        for community, n in sorted(per.items()):
            checks.append(
                Check(RULE_COMMUNITY, community, rules.max_per_community, n, n <= rules.max_per_community)
            )
    if rules.min_women_percent:
        need = women_needed(rules.min_women_percent, len(picked))
        n = sum(1 for c in picked if c.woman)
        checks.append(Check(RULE_WOMEN, "", need, n, n >= need))
    if rules.min_disability:
        n = sum(1 for c in picked if c.disability)
        checks.append(Check(RULE_DISABILITY, "", rules.min_disability, n, n >= rules.min_disability))
    return checks


def _model(scored: list[Candidate], rules: Rules, size: int | None):
    """The constraints of the rules; ``size`` None leaves the count free (at most the cohort size),
    used to find how many places can be filled."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.sparse import coo_array

    n = len(scored)
    rows, cols, data, lower, upper = [], [], [], [], []

    def add(indices, lo, hi, coefficients=None):
        r = len(lower)
        rows.extend([r] * len(indices))
        cols.extend(indices)
        data.extend(coefficients if coefficients is not None else [1.0] * len(indices))
        lower.append(lo)
        upper.append(hi)

    everyone = list(range(n))
    if size is None:
        add(everyone, 0, rules.cohort_size)
    else:
        add(everyone, size, size)
    for region, need in region_demands(scored, rules.min_per_region).items():
        add([i for i, c in enumerate(scored) if c.region == region], need, np.inf)
    if rules.max_per_community is not None:
        for indices in _community_members(scored).values():
            if len(indices) > rules.max_per_community:
                add(indices, 0, rules.max_per_community)
    if rules.min_women_percent:
        p = rules.min_women_percent
        if size is None:
            # women >= p % of the selected, whatever their number: Σ (100·woman − p)·x >= 0.
            add(everyone, 0, np.inf, [(100.0 - p) if c.woman else -float(p) for c in scored])
        else:
            add([i for i, c in enumerate(scored) if c.woman], women_needed(p, size), np.inf)
    if rules.min_disability:
        add([i for i, c in enumerate(scored) if c.disability], rules.min_disability, np.inf)
    matrix = coo_array((np.asarray(data), (rows, cols)), shape=(len(lower), n)).tocsr()
    return LinearConstraint(matrix, lower, upper), Bounds(0, 1)


def _community_members(scored: list[Candidate]) -> dict[str, list[int]]:
    members: dict[str, list[int]] = {}
    for i, c in enumerate(scored):
        if c.community is not None:
            members.setdefault(c.community, []).append(i)
    return members


def _solve(scored, rules, size, *, objective, integral=True, time_limit=30.0, gap=1e-7):
    import numpy as np
    from scipy.optimize import milp

    constraints, bounds = _model(scored, rules, size)
    n = len(scored)
    integrality = np.ones(n) if integral else np.zeros(n)
    options = {"time_limit": time_limit, "presolve": True}
    if integral:
        options["mip_rel_gap"] = gap
    return milp(
        c=-np.asarray(objective, dtype=float),
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options=options,
    )


def _feasible(scored, rules, size, time_limit) -> bool:
    result = _solve(scored, rules, size, objective=[0.0] * len(scored), time_limit=time_limit, gap=1.0)
    return result.x is not None


def _facts(scored: list[Candidate], rules: Rules, size: int, conflict: list[str]) -> list[dict]:
    """Numbers that show why the rules in ``conflict`` cannot be met together with the size."""
    facts: list[dict] = []
    demands = region_demands(scored, rules.min_per_region)
    communities: dict[str, list[Candidate]] = {}
    loose = []
    for c in scored:
        if c.community is None:
            loose.append(c)
        else:
            communities.setdefault(c.community, []).append(c)
    cap = rules.max_per_community
    if RULE_REGION in conflict:
        facts.append(
            {
                "rule": RULE_REGION,
                "per_region": rules.min_per_region,
                "regions": len(demands),
                "needs": sum(demands.values()),
                "size": size,
            }
        )
    if RULE_COMMUNITY in conflict:
        allows = sum(min(cap, len(m)) for m in communities.values()) + len(loose)
        facts.append(
            {
                "rule": RULE_COMMUNITY,
                "per_community": cap,
                "communities": len(communities),
                "without_community": len(loose),
                "allows": allows,
                "size": size,
            }
        )
        if RULE_REGION in conflict:
            short = []
            for region, need in sorted(demands.items()):
                in_region = [c for c in scored if c.region == region]
                possible = sum(
                    min(cap, sum(1 for c in m if c.region == region)) for m in communities.values()
                ) + sum(1 for c in in_region if c.community is None)
                if possible < need:
                    short.append({"region": region, "needs": need, "allows": possible})
            if short:
                facts.append({"rule": "region_by_community", "regions": short})
    if RULE_WOMEN in conflict:
        women = [c for c in scored if c.woman]
        fact = {
            "rule": RULE_WOMEN,
            "percent": rules.min_women_percent,
            "size": size,
            "needs": women_needed(rules.min_women_percent, size),
            "women": len(women),
        }
        if cap is not None:
            fact["women_within_community_limit"] = sum(
                min(cap, sum(1 for c in m if c.woman)) for m in communities.values()
            ) + sum(1 for c in loose if c.woman)
        facts.append(fact)
    if RULE_DISABILITY in conflict:
        facts.append(
            {
                "rule": RULE_DISABILITY,
                "needs": rules.min_disability,
                "people": sum(1 for c in scored if c.disability),
            }
        )
    return facts


def _conflict(scored, rules, size, time_limit) -> list[str]:
    """A minimal set of rules that cannot be met together (with the cohort size): the deletion
    filter drops each rule in turn and keeps it dropped while the rest stay infeasible."""
    kept = rules.active()
    if not kept:
        return [RULE_SIZE]
    for rule in list(kept):
        trial = [r for r in kept if r != rule]
        dropped = [r for r in DROPPABLE if r not in trial]
        if not _feasible(scored, rules.without(dropped), size, time_limit):
            kept = trial
    return kept or [RULE_SIZE]


def _repair_ties(scored, rules, size, selected: list[str], ranking: list[str]) -> list[str]:
    """Swap a brought-in applicant for a pushed-out one of exactly the same score whenever every
    rule still holds, so that equal scores never show as the rules' doing."""
    by_key = {c.key: c for c in scored}
    chosen = set(selected)
    in_rank = set(ranking)
    changed = True
    while changed:
        changed = False
        brought = [k for k in selected if k not in in_rank and k in chosen]
        pushed = [k for k in ranking if k not in chosen]
        for out_key in pushed:
            for in_key in brought:
                if by_key[in_key].score != by_key[out_key].score:
                    continue
                trial = (chosen - {in_key}) | {out_key}
                if all(ch.met for ch in check(scored, rules, trial, size)):
                    chosen = trial
                    changed = True
                    break
            if changed:
                break
    return [c.key for c in sorted(scored, key=lambda c: -c.score) if c.key in chosen]


def propose(candidates: list[Candidate], rules: Rules, *, time_limit: float = 30.0) -> Proposal:
    """The selection of maximal total score that meets every rule, with its LP bound, the plain
    ranking and the rules' effect; or, when the rules conflict, which ones and why."""
    started = time.perf_counter()
    scored = [c for c in candidates if c.score is not None]
    unscored = [c.key for c in candidates if c.score is None]
    if not scored:
        return Proposal(status=EMPTY, unscored=unscored, seconds=time.perf_counter() - started)
    proposal = Proposal(status=OPTIMAL, unscored=unscored)
    size = rules.cohort_size
    if len(scored) < rules.cohort_size:
        # "At most": fill as many places as the other rules allow.
        proposal.size_rule = "at most"
        count = _solve(scored, rules, None, objective=[1.0] * len(scored), time_limit=time_limit, gap=0)
        size = len(scored) if count.x is None else int(round(sum(count.x)))
    proposal.size = size
    proposal.ranking = plain_ranking(scored, size)
    scores = [c.score for c in scored]
    result = _solve(scored, rules, size, objective=scores, time_limit=time_limit)
    if result.x is None:
        proposal.status = INFEASIBLE if result.status == 2 else TIMEOUT
        if proposal.status == INFEASIBLE:
            proposal.conflict = _conflict(scored, rules, size, time_limit)
            proposal.facts = _facts(scored, rules, size, proposal.conflict)
        proposal.seconds = time.perf_counter() - started
        return proposal
    if result.status != 0:
        proposal.status = FEASIBLE
    picked = [scored[i].key for i in range(len(scored)) if result.x[i] > 0.5]
    proposal.selected = _repair_ties(scored, rules, size, picked, proposal.ranking)
    relaxed = _solve(scored, rules, size, objective=scores, integral=False, time_limit=time_limit)
    proposal.seconds = time.perf_counter() - started
    by_key = {c.key: c for c in scored}
    proposal.objective = math.fsum(by_key[k].score for k in proposal.selected)
    proposal.bound = -relaxed.fun if relaxed.x is not None else None
    ranked = set(proposal.ranking)
    chosen = set(proposal.selected)
    proposal.brought_in = [k for k in proposal.selected if k not in ranked]
    proposal.pushed_out = [k for k in proposal.ranking if k not in chosen]
    proposal.checks = check(scored, rules, proposal.selected, size)
    return proposal
