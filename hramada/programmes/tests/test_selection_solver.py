"""The selection solver against brute force: on many small random cases the solver's selection is
feasible exactly when some selection is, and its total score is the best one possible. Pure: no
database."""

import itertools
import math
import random

import pytest

from hramada.programmes.selection import (
    DROPPABLE,
    EMPTY,
    INFEASIBLE,
    OPTIMAL,
    RULE_COMMUNITY,
    RULE_DISABILITY,
    RULE_REGION,
    RULE_SIZE,
    RULE_WOMEN,
    Candidate,
    Rules,
    check,
    plain_ranking,
    propose,
)


def meets(combo, rules: Rules, scored, size) -> bool:
    """The rules, written out again independently of the solver."""
    if len(combo) != size:
        return False
    regions = {c.region for c in scored if c.region is not None}
    for region in regions:
        available = sum(1 for c in scored if c.region == region)
        if sum(1 for c in combo if c.region == region) < min(rules.min_per_region, available):
            return False
    if rules.max_per_community is not None:
        for community in {c.community for c in combo if c.community is not None}:
            if sum(1 for c in combo if c.community == community) > rules.max_per_community:
                return False
    if sum(1 for c in combo if c.woman) * 100 < rules.min_women_percent * size:
        return False
    return sum(1 for c in combo if c.disability) >= rules.min_disability


def brute_force(candidates, rules: Rules):
    """(best total score, places filled) over every combination, or (None, size) if none meets the
    rules. With fewer scored candidates than the cohort size, the largest size that can be met."""
    scored = [c for c in candidates if c.score is not None]
    sizes = (
        [rules.cohort_size]
        if len(scored) >= rules.cohort_size
        else list(range(len(scored), -1, -1))  # "at most": the most places that can be filled
    )
    for size in sizes:
        best = None
        for combo in itertools.combinations(scored, size):
            if meets(combo, rules, scored, size):
                total = math.fsum(c.score for c in combo)
                best = total if best is None else max(best, total)
        if best is not None:
            return best, size
    return None, sizes[0]


def random_case(rng: random.Random):
    n = rng.randint(0, 11)
    regions = [f"r{i}" for i in range(rng.randint(1, 4))]
    communities = [f"c{i}" for i in range(rng.randint(1, 6))]
    candidates = [
        Candidate(
            key=f"a{i}",
            # Few distinct values, so ties are common; now and then no score at all.
            score=None if rng.random() < 0.1 else float(rng.randint(0, 8)) + rng.choice([0, 0.5]),
            region=rng.choice(regions + [None]) if rng.random() < 0.9 else None,
            community=rng.choice(communities) if rng.random() < 0.9 else None,
            woman=rng.random() < 0.5,
            disability=rng.random() < 0.2,
        )
        for i in range(n)
    ]
    rules = Rules(
        cohort_size=rng.randint(1, 7),
        min_per_region=rng.choice([0, 0, 1, 2]),
        max_per_community=rng.choice([None, None, 1, 2]),
        min_women_percent=rng.choice([0, 0, 30, 50, 70]),
        min_disability=rng.choice([0, 0, 1, 2]),
    )
    return candidates, rules


@pytest.mark.parametrize("seed", range(300))
def test_solver_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    candidates, rules = random_case(rng)
    best, size = brute_force(candidates, rules)
    proposal = propose(candidates, rules)
    scored = [c for c in candidates if c.score is not None]
    if not scored:
        assert proposal.status == EMPTY
        return
    if best is None:
        assert proposal.status == INFEASIBLE, (candidates, rules, proposal)
        assert proposal.conflict
        return
    assert proposal.status == OPTIMAL, (candidates, rules, proposal)
    assert proposal.size == size
    assert proposal.objective == pytest.approx(best, abs=1e-6)
    chosen = [c for c in scored if c.key in set(proposal.selected)]
    assert meets(chosen, rules, scored, size)
    assert all(ch.met for ch in proposal.checks)
    # The relaxation bounds every selection from above.
    assert proposal.bound >= proposal.objective - 1e-6


def feasible_at(candidates, rules: Rules, size: int) -> bool:
    scored = [c for c in candidates if c.score is not None]
    return any(meets(combo, rules, scored, size) for combo in itertools.combinations(scored, size))


@pytest.mark.parametrize("seed", range(60))
def test_the_conflict_named_is_minimal(seed):
    """The named rules cannot be met together (all other rules removed), and removing any one of
    them makes a selection possible: none is named without cause."""
    rng = random.Random(1000 + seed)
    candidates, rules = random_case(rng)
    proposal = propose(candidates, rules)
    if proposal.status != INFEASIBLE or proposal.conflict == [RULE_SIZE]:
        return
    assert set(proposal.conflict) <= set(DROPPABLE)
    others = [r for r in DROPPABLE if r not in proposal.conflict]
    assert not feasible_at(candidates, rules.without(others), proposal.size)
    for rule in proposal.conflict:
        assert feasible_at(candidates, rules.without(others + [rule]), proposal.size), rule


def test_no_candidates():
    proposal = propose([], Rules(cohort_size=5))
    assert proposal.status == EMPTY
    assert proposal.selected == []


def test_missing_scores_are_left_to_the_committee():
    candidates = [Candidate("a", 5.0), Candidate("b", None), Candidate("c", 3.0)]
    proposal = propose(candidates, Rules(cohort_size=2))
    assert proposal.selected == ["a", "c"]
    assert proposal.unscored == ["b"]


def test_too_few_scored_applicants_makes_the_size_at_most():
    candidates = [Candidate("a", 5.0, community="x"), Candidate("b", 4.0, community="x"), Candidate("c", 1.0)]
    proposal = propose(candidates, Rules(cohort_size=10, max_per_community=1))
    assert proposal.size_rule == "at most"
    assert proposal.size == 2
    assert proposal.selected == ["a", "c"]


def test_ties_do_not_show_as_rule_effects():
    """Four equal scores, two places: the plain ranking takes the first two given and so does the
    proposal, although the solver is free to pick any two."""
    candidates = [Candidate(k, 7.0, region="r") for k in "abcd"]
    proposal = propose(candidates, Rules(cohort_size=2))
    assert proposal.selected == ["a", "b"]
    assert proposal.brought_in == [] and proposal.pushed_out == []


def test_brought_in_and_pushed_out():
    candidates = [
        Candidate("m1", 9.0, region="minsk"),
        Candidate("m2", 8.0, region="minsk"),
        Candidate("m3", 7.0, region="minsk"),
        Candidate("v1", 2.0, region="vitebsk", woman=True),
    ]
    proposal = propose(candidates, Rules(cohort_size=3, min_per_region=1))
    assert proposal.ranking == ["m1", "m2", "m3"]
    assert proposal.selected == ["m1", "m2", "v1"]
    assert proposal.brought_in == ["v1"]
    assert proposal.pushed_out == ["m3"]
    assert proposal.objective == 19.0
    assert proposal.status == OPTIMAL


def test_region_conflict_gives_numbers():
    candidates = [Candidate(f"a{i}", float(i), region=f"r{i % 8}") for i in range(24)]
    proposal = propose(candidates, Rules(cohort_size=12, min_per_region=2))
    assert proposal.status == INFEASIBLE
    assert proposal.conflict == [RULE_REGION]
    assert proposal.facts == [{"rule": RULE_REGION, "per_region": 2, "regions": 8, "needs": 16, "size": 12}]


def test_two_rules_that_conflict_only_together():
    """Each rule alone can be met; together they cannot: 2 places, at least 1 per region in two
    regions, and both people with disabilities are in the same region."""
    candidates = [
        Candidate("a", 5.0, region="r1", disability=True),
        Candidate("b", 4.0, region="r1", disability=True),
        Candidate("c", 3.0, region="r2"),
    ]
    proposal = propose(candidates, Rules(cohort_size=2, min_per_region=1, min_disability=2))
    assert proposal.status == INFEASIBLE
    assert proposal.conflict == [RULE_REGION, RULE_DISABILITY]


def test_women_and_community_conflict():
    candidates = [Candidate(f"w{i}", 5.0, community="one", woman=True) for i in range(3)] + [
        Candidate(f"m{i}", 5.0, community=f"c{i}") for i in range(3)
    ]
    proposal = propose(candidates, Rules(cohort_size=4, max_per_community=1, min_women_percent=50))
    assert proposal.status == INFEASIBLE
    assert proposal.conflict == [RULE_COMMUNITY, RULE_WOMEN]
    women = next(f for f in proposal.facts if f["rule"] == RULE_WOMEN)
    assert women["needs"] == 2 and women["women"] == 3 and women["women_within_community_limit"] == 1


def test_women_counted_only_where_given():
    """A candidate whose gender is not known (woman False) does not count towards the share."""
    candidates = [Candidate("a", 9.0), Candidate("b", 8.0), Candidate("c", 1.0, woman=True)]
    proposal = propose(candidates, Rules(cohort_size=2, min_women_percent=50))
    assert proposal.selected == ["a", "c"]


def test_plain_ranking_keeps_the_given_order_on_ties():
    candidates = [Candidate("b", 1.0), Candidate("a", 1.0), Candidate("c", 2.0)]
    assert plain_ranking(candidates, 2) == ["c", "b"]


def test_check_reports_each_rule():
    candidates = [
        Candidate("a", 1.0, region="r1", community="x", woman=True),
        Candidate("b", 1.0, region="r1", community="x"),
        Candidate("c", 1.0, region="r2", community="y", disability=True),
    ]
    rules = Rules(
        cohort_size=2, min_per_region=1, max_per_community=1, min_women_percent=50, min_disability=1
    )
    checks = {(c.rule, c.label): c for c in check(candidates, rules, ["a", "b"])}
    assert checks[(RULE_SIZE, "")].met
    assert not checks[(RULE_REGION, "r2")].met
    assert not checks[(RULE_COMMUNITY, "x")].met
    assert checks[(RULE_WOMEN, "")].met
    assert not checks[(RULE_DISABILITY, "")].met
