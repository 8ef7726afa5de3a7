"""Benchmark: choosing a cohort of 200 from 3,000 reviewed applicants under the committee's rules.

The production path: ``hramada.programmes.selection.propose`` (HiGHS through scipy.optimize.milp, then
its linear relaxation), fed as ``programmes.decisions`` feeds it: application rows as
``decisions.candidate_rows`` reads them (public id, region, community, gender and disability with
their consent times) turned into candidates by ``selection.candidates_from``, with each applicant's
score computed by the reviews app's own ``review_total`` (a review's weighted total on a 0-100 scale)
and averaged as ``reviews.selectors.results`` does for a round that does not normalise. The database
read is not part of it: the rows are built in memory (no PostgreSQL needed), so the time is the
solver's.

The data (seeded, so every run solves the same problem): 3,000 applicants from 120 communities in 7
regions (Minsk city with 24 communities and 900 applicants, six oblasts with 16 communities and 350
applicants each, spread unevenly over their communities); 10 reviewers, each applicant scored by 3 of
them (balanced), each with their own strictness, on a rubric of 4 criteria (1-10, weights 2/1/1/1).
Applicants from Minsk and men score a little higher on average, so the rules bite: the plain top 200
breaks them. 55 % of applicants are women, 85 % of all gave their gender with consent (only those
count as women).

Rules: a cohort of exactly 200, at least 20 per region, at most 2 per community, at least 50 % women.

Prints the solver's total score, the bound of the linear relaxation, the plain ranking's score, the
applicants the rules brought in and pushed out, and the time. Checks (status 1 if any fails), each
counted again here independently of the solver: 200 selected, every region at least 20, no community
more than 2, at least 100 women with consent; the solver said optimal; time under 5 s; and the goal,
ratio objective / bound at least 0.99.

    .venv/bin/python bench/selection.py [--applicants 3000] [--size 200] [--seed 10]

Last line: RESULT selection <objective> score baseline <LP bound> ratio <objective / bound>
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIME_LIMIT = 5.0  # seconds, the solver's whole run (integer solve and relaxation)
GOAL = 0.99  # objective / LP bound, at least
REGIONS = [("Minsk", 24, 900, 6.0)] + [
    (name, 16, 350, effect)
    for name, effect in [
        ("Minsk Region", 3.0),
        ("Brest Region", 0.0),
        ("Grodno Region", -1.0),
        ("Gomel Region", -2.0),
        ("Mogilev Region", -3.0),
        ("Vitebsk Region", -4.0),
    ]
]
CRITERIA = [
    SimpleNamespace(pk=1, weight=2, scale_min=1, scale_max=10),
    SimpleNamespace(pk=2, weight=1, scale_min=1, scale_max=10),
    SimpleNamespace(pk=3, weight=1, scale_min=1, scale_max=10),
    SimpleNamespace(pk=4, weight=1, scale_min=1, scale_max=10),
]
REVIEWERS = 10
REVIEWS_PER_APPLICANT = 3


def build(n_applicants: int, seed: int):
    """Application rows as ``decisions.candidate_rows`` reads them, and each one's review scores."""
    from hramada.reviews.selectors import DECIMALS, review_total

    rng = random.Random(seed)
    consent = datetime(2026, 3, 1, tzinfo=UTC)
    scale = n_applicants / sum(r[2] for r in REGIONS)
    rows, quality = [], {}
    number = 0
    for region, n_communities, n_people, effect in REGIONS:
        communities = [f"{region}/{i}" for i in range(n_communities)]
        weights = [1 / (i + 1) ** 0.7 for i in range(n_communities)]  # a few communities send many
        for _ in range(round(n_people * scale)):
            number += 1
            key = f"A{number:05d}"
            woman = rng.random() < 0.55
            gender_given = rng.random() < 0.85
            disabled_given = rng.random() < 0.05 * 0.7  # 5 % with a disability, 70 % of them say so
            rows.append(
                {
                    "public_id": key,
                    "region": region,
                    "community": rng.choices(communities, weights)[0],
                    "gender": ("woman" if woman else "man") if gender_given else "",
                    "gender_consent_at": consent if gender_given else None,
                    "disability": "yes" if disabled_given else "",
                    "disability_consent_at": consent if disabled_given else None,
                }
            )
            quality[key] = rng.gauss(6.0, 1.3) + effect / 6 + (0 if woman else 0.35)
    strictness = [rng.gauss(0, 0.8) for _ in range(REVIEWERS)]
    order = list(range(REVIEWERS))
    scores, reviews = {}, 0
    for i, row in enumerate(rows):
        if i % REVIEWERS == 0:
            rng.shuffle(order)  # balanced: every reviewer gets the same share
        totals = []
        for j in range(REVIEWS_PER_APPLICANT):
            reviewer = order[(i + j) % REVIEWERS]
            values = {
                c.pk: min(
                    10, max(1, round(quality[row["public_id"]] - strictness[reviewer] + rng.gauss(0, 1)))
                )
                for c in CRITERIA
            }
            totals.append(review_total(values, CRITERIA))
            reviews += 1
        scores[row["public_id"]] = round(sum(totals) / len(totals), DECIMALS)
    return rows, scores, reviews


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=3000)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--min-per-region", type=int, default=20)
    parser.add_argument("--max-per-community", type=int, default=2)
    parser.add_argument("--min-women-percent", type=int, default=50)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hramada.settings")
    import django

    django.setup()
    from hramada.programmes.selection import OPTIMAL, Rules, candidates_from, propose

    rows, scores, n_reviews = build(args.applicants, args.seed)
    rules = Rules(
        cohort_size=args.size,
        min_per_region=args.min_per_region,
        max_per_community=args.max_per_community,
        min_women_percent=args.min_women_percent,
    )
    print(
        f"{len(rows)} applicants, {len({r['community'] for r in rows})} communities in "
        f"{len({r['region'] for r in rows})} regions, {n_reviews} reviews by {REVIEWERS} reviewers"
    )
    print(
        f"rules: {rules.cohort_size} places, at least {rules.min_per_region} per region, at most "
        f"{rules.max_per_community} per community, at least {rules.min_women_percent}% women"
    )
    started = time.perf_counter()
    candidates = candidates_from(rows, scores)
    proposal = propose(candidates, rules, time_limit=30.0)
    elapsed = time.perf_counter() - started

    failures = []
    by_key = {r["public_id"]: r for r in rows}
    chosen = [by_key[k] for k in proposal.selected]
    ranking_score = sum(scores[k] for k in proposal.ranking)
    print(f"status {proposal.status}")
    print(f"objective (total score of the selection) {proposal.objective:.4f}")
    print(f"LP relaxation bound                      {proposal.bound:.4f}")
    print(f"plain ranking (top {args.size}, rules ignored)   {ranking_score:.4f}")
    print(
        f"the rules brought in {len(proposal.brought_in)} and pushed out {len(proposal.pushed_out)} "
        "applicants of the plain ranking"
    )
    print(f"solver time {proposal.seconds:.3f} s (with building the candidates {elapsed:.3f} s)")

    if proposal.status != OPTIMAL:
        failures.append(f"solver status {proposal.status}")
    if len(chosen) != args.size:
        failures.append(f"{len(chosen)} selected, not {args.size}")
    per_region = Counter(r["region"] for r in chosen)
    for region, *_ in REGIONS:
        print(f"  {region:<15} {per_region[region]:>4}")
        if per_region[region] < args.min_per_region:
            failures.append(f"{region}: {per_region[region]} < {args.min_per_region}")
    per_community = Counter(r["community"] for r in chosen)
    worst = per_community.most_common(1)[0] if per_community else ("-", 0)
    print(f"  most from one community: {worst[1]} ({len(per_community)} communities represented)")
    if worst[1] > args.max_per_community:
        failures.append(f"community {worst[0]}: {worst[1]} > {args.max_per_community}")
    women = sum(1 for r in chosen if r["gender"] == "woman" and r["gender_consent_at"] is not None)
    print(f"  women (given with consent): {women} of {len(chosen)}")
    if women * 100 < args.min_women_percent * len(chosen):
        failures.append(f"{women} women of {len(chosen)} < {args.min_women_percent}%")
    if abs(sum(scores[k] for k in proposal.selected) - proposal.objective) > 1e-6:
        failures.append("objective is not the selection's total score")
    if proposal.seconds >= TIME_LIMIT:
        failures.append(f"solver time {proposal.seconds:.2f} s >= {TIME_LIMIT} s")
    ratio = proposal.objective / proposal.bound if proposal.bound else 0.0
    if ratio < GOAL:
        failures.append(f"ratio {ratio:.5f} < goal {GOAL}")
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    print(f"RESULT selection {proposal.objective:.4f} score baseline {proposal.bound:.4f} ratio {ratio:.5f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
