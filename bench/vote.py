"""Benchmark: many voters voting at once through the real public-vote endpoint.

Runs the app under gunicorn on a fresh PostgreSQL database (rate limits in Redis, as in production),
seeds a contest with an open public vote (frozen rules, a few votes per category) and many voters
with verified e-mail addresses and accounts weeks old, spread over many simulated networks (the
client address arrives in X-Forwarded-For from one trusted proxy). Each vote goes through everything
the real path does: session login, CSRF, a proof-of-work challenge fetched from /voting/challenge/
and verified (and spent) by the server, the per-account and per-network rate limits, the vote log,
the audit entry and the project's counter. Votes are posted as the vote widget posts them (htmx: the
widget needs JavaScript for the proof of work, and the vote area comes back); ``--page`` posts them
as the plain form instead and gets the full receipt page, the fallback of a browser without htmx.
In the same run it measures the baseline: a logged-in POST to a view that inserts one row
(bench/urls.py), same middleware, login and request headers. Baseline and votes alternate in
``--rounds`` rounds (each slice of the votes right after the same slice of baseline requests); the
ratio is the median of the rounds' ratios, so a burst of other work on the machine spoils one round,
not the result.

Challenges are fetched over HTTP and solved (the altcha library, two processes) before each round,
not timed, so the client's hashing does not compete with the server for the two cores while
measuring; they stay valid for 10 minutes, much longer than a round (a whole run can take longer on
a busy machine). Each network stays under the "busy network"
threshold, so the level-0 challenges the voters fetched are still the level the server demands.

A few intentional extra requests check integrity under load: double submits (the same voter and
project twice in a row, half with the same solved challenge as a double-click would send, half with
a fresh one) and greedy voters who try to vote for ``limit + 2`` projects of one category at once.
Afterwards: counted votes == accepted responses == the vote log's accepted rows == the sum of the
projects' counters; no voter has two counted votes for one project or more than the limit in a
category; every honest vote was accepted and every extra one refused. Exit status 1 otherwise.

    .venv/bin/python bench/vote.py [--voters 2000] [--rounds 5] [--concurrency 16] [--page]

Last line: RESULT vote <votes/s> votes/s baseline <insert-view req/s> ratio <vote/baseline>
(throughputs: the medians of the rounds; ratio: the median of the rounds' ratios)
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Our own database (other benchmarks may run at the same time) and a fresh HASH_KEY: voter and
# network hashes, hence the rate-limit keys in the shared Redis, cannot meet another run's.
os.environ.setdefault("BENCH_DB", "hramada_bench_vote")
os.environ["HASH_KEY"] = secrets.token_hex(16)
os.environ["TRUSTED_PROXY_COUNT"] = "1"  # one reverse proxy in front, which appends the client address

from bench import harness  # noqa: E402

GOAL = 0.6
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
]


def seed(args, rng):
    """Organisation, contest, edition, categories with eligible projects, an open vote with frozen
    rules, and voters: verified e-mail, weeks-old accounts, each in one simulated /24 network."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from hramada.contests.models import Category, Contest, Edition, Project, Stage
    from hramada.orgs.models import Organisation
    from hramada.people.models import Person, User
    from hramada.places.services import sync_regions
    from hramada.voting import services
    from hramada.voting.models import VotingRules
    from hramada.voting.selectors import rules_fingerprint

    sync_regions(country_codes=["BY"])
    now = timezone.now()
    org = Organisation.objects.create(name="Bench", name_en="Bench", slug="bench", kind="ngo", country_id=1)
    contest = Contest.objects.create(
        organisation=org, title="Social Weekend", title_en="Social Weekend", slug="bench-sw"
    )
    edition = Edition.objects.create(
        contest=contest,
        year=2026,
        title="Bench 2026",
        title_en="Bench 2026",
        published_at=now - timedelta(days=1),
    )
    stage = Stage.objects.create(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
    )
    rules = VotingRules(stage=stage, votes_per_category=args.limit, format_version=2)
    rules.fingerprint = rules_fingerprint(rules)
    rules.save()
    services.freeze_rules(stage=stage)  # the vote has opened: the system freezes its rules
    categories = []
    for c in range(args.categories):
        category = Category.objects.create(
            edition=edition, title=f"Category {c}", title_en=f"Category {c}", order=c
        )
        projects = [
            Project.objects.create(
                edition=edition,
                category=category,
                title=f"Project {c}.{p}",
                summary="A social project.",
                status=Project.Status.ELIGIBLE,
            )
            for p in range(args.projects)
        ]
        categories.append(projects)

    total = args.voters + args.warm + args.greedy + args.profile_votes
    users = User.objects.bulk_create(
        [
            User(
                email=f"voter{i}@example.org",
                password="!",  # noqa: S106 - unusable; sessions are made directly
                date_joined=now - timedelta(days=rng.randint(7, 400)),
            )
            for i in range(total)
        ]
    )
    Person.objects.bulk_create(
        [Person(user=u, display_name=f"Voter {i}", email=u.email) for i, u in enumerate(users)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    return stage, categories, list(User.objects.order_by("pk"))


def ip_of(voter_index: int, n_networks: int) -> str:
    """Voters share /24 networks round-robin (several people behind one village or office network)."""
    net = voter_index % n_networks
    host = 2 + voter_index // n_networks % 250
    return f"100.{64 + net // 256}.{net % 256}.{host}"


def plan(args, rng, categories, n_honest_voters, first_voter):
    """Units of requests that are sent next to each other: one honest vote; a double submit; a greedy
    voter's burst. Returns (units, expected accepted votes, double-submit groups)."""
    units, expected = [], 0
    for v in range(first_voter, first_voter + n_honest_voters):
        chosen, per_category = [], {}
        candidates = [p for projects in categories for p in projects]
        rng.shuffle(candidates)
        for project in candidates:
            if len(chosen) == args.votes_each:
                break
            if per_category.get(project.category_id, 0) < args.limit:
                chosen.append(project)
                per_category[project.category_id] = per_category.get(project.category_id, 0) + 1
        units.extend([[{"voter": v, "project": p, "kind": "honest"}] for p in chosen])
        expected += len(chosen)
    # Double submits: the same voter and project twice, adjacent so they race on two connections.
    honest = [u for u in units if len(u) == 1]
    for n, unit in enumerate(rng.sample(honest, min(args.doubles, len(honest)))):
        first = unit[0]
        first["kind"] = "double"
        unit.append(
            {
                "voter": first["voter"],
                "project": first["project"],
                "kind": "double",
                "same_payload": n % 2 == 0,  # a double-click posts the same solved challenge twice
            }
        )
    return units, expected, min(args.doubles, len(honest))


def main():  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating baseline/vote rounds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--votes-each", type=int, default=1, help="votes per honest voter")
    parser.add_argument("--categories", type=int, default=4)
    parser.add_argument("--projects", type=int, default=6, help="projects per category")
    parser.add_argument("--limit", type=int, default=3, help="votes per category (frozen rules)")
    parser.add_argument("--voters-per-network", type=int, default=4)
    parser.add_argument("--doubles", type=int, default=10, help="double submits")
    parser.add_argument("--greedy", type=int, default=5, help="voters trying limit+2 votes in a category")
    parser.add_argument("--warm", type=int, default=20, help="warm-up voters (one vote each, counted)")
    parser.add_argument(
        "--profile", choices=["auto", "always", "never"], default="auto", help="auto: when below the goal"
    )
    parser.add_argument("--profile-votes", type=int, default=60)
    parser.add_argument("--profile-dump", default="", help="also save the vote profile (pstats) to this file")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="cache for rate limits and sessions, as in production ('' = per-process memory)",
    )
    parser.add_argument(
        "--page",
        action="store_true",
        help="post votes without htmx (the full receipt page of the no-JavaScript form); by default they "
        "are posted as the vote widget posts them (htmx, the vote area comes back)",
    )
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if args.projects < args.limit + 2 or args.votes_each > args.limit * args.categories:
        parser.error("need --projects >= --limit + 2 and --votes-each <= --limit * --categories")
    rng = random.Random(args.seed)
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)

    started_all = time.perf_counter()
    url = harness.fresh_database()
    harness.setup_django(url)
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from django.db import connections
    from django.db.models import Count, Sum
    from django.urls import reverse
    from django.utils import translation

    from hramada.contests.models import Project
    from hramada.voting import antifraud
    from hramada.voting.models import UsedChallenge, Vote, VoteLog

    stage, categories, users = seed(args, rng)
    cookies = harness.session_cookies(users)
    n_networks = max(1, (args.voters + args.warm + args.greedy) // args.voters_per_network)

    # Warm-up voters first (index 0..warm-1), then honest voters, then greedy ones.
    warm_units, warm_expected, _ = plan(
        argparse.Namespace(**{**vars(args), "votes_each": 1, "doubles": 0}), rng, categories, args.warm, 0
    )
    units, expected, double_groups = plan(args, rng, categories, args.voters, args.warm)
    first_greedy = args.warm + args.voters
    for g in range(args.greedy):
        projects = rng.choice(categories)[: args.limit + 2]
        units.append(
            [
                {"voter": first_greedy + g, "project": p, "kind": "greedy"}
                for p in rng.sample(projects, len(projects))
            ]
        )
        expected += args.limit
    rng.shuffle(units)
    votes = [item for unit in units for item in unit]
    warm_votes = [item for unit in warm_units for item in unit]
    expected += warm_expected

    with translation.override("en"):
        challenge_path = reverse("voting:challenge")
        for item in warm_votes + votes:
            item["path"] = reverse("voting:cast", args=[item["project"].public_id])
            item["page"] = reverse("contests:project", args=[item["project"].public_id])

    def headers(voter: int) -> dict:
        cookie, csrf = cookies[voter]
        return {
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "X-Forwarded-For": ip_of(voter, n_networks),
            "User-Agent": USER_AGENTS[voter % len(USER_AGENTS)],
            "Referer": "http://127.0.0.1/",
        }

    server = harness.Server(url)
    try:
        import json

        widget = {} if args.page else {"HX-Request": "true", "HX-Target": "vote"}
        previous = {}
        for before, item in zip(votes, votes[1:], strict=False):
            if item.get("same_payload"):
                previous[id(item)] = before
        armed = {"fetched": 0, "fetch_s": 0.0, "solve_s": 0.0, "levels": {}}

        def arm(items):
            """Fetch and solve the challenges of ``items`` (not timed), then make their POSTs.

            The widget fetches a challenge for the project when the voter presses Vote; a double-click
            re-sends the same solved one, everything else fetches its own. Done just before the round
            that sends them: a challenge lives 10 minutes, less than a whole run on a busy machine.
            """
            fetch = [
                {
                    "method": "GET",
                    "path": f"{challenge_path}?project={item['project'].public_id}",
                    "headers": headers(item["voter"]),
                    "vote": item,
                }
                for item in items
                if not item.get("same_payload")
            ]
            t = time.perf_counter()
            fetched = harness.send(server.port, fetch, args.concurrency, keep_body=True)
            challenges = [json.loads(f["response"]) for f in fetch if f["status"] == 200]
            if len(challenges) != len(fetch):
                print(f"CHECK FAILED: challenge fetch statuses {fetched['statuses']}")
                sys.exit(1)
            for c in challenges:
                level = c["parameters"]["data"]["level"]
                armed["levels"][level] = armed["levels"].get(level, 0) + 1
            armed["fetched"] += len(fetch)
            armed["fetch_s"] += time.perf_counter() - t
            t = time.perf_counter()
            connections.close_all()  # the solver processes are forked: no shared database connections
            with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
                payloads = list(pool.map(antifraud.solve, challenges, chunksize=64))
            armed["solve_s"] += time.perf_counter() - t
            for f, payload in zip(fetch, payloads, strict=True):
                f["vote"]["payload"] = payload
            for item in items:
                if item.get("same_payload"):
                    item["payload"] = previous[id(item)]["payload"]
                # The widget posts the vote with htmx once the proof of work is done (without
                # JavaScript there is no proof of work, so no vote), and swaps in the area it gets back.
                item.update(
                    method="POST",
                    headers={
                        **headers(item["voter"]),
                        "Content-Type": "application/x-www-form-urlencoded",
                        **widget,
                    },
                    body=urlencode({"next": item["page"], "altcha": item["payload"]}),
                )

        def baseline_items(items):
            # Same voters, same headers and a body of the same shape as the votes.
            return [
                {
                    "method": "POST",
                    "path": "/bench/insert/",
                    "headers": item["headers"],
                    "body": urlencode({"next": item["page"], "altcha": item["payload"]}),
                }
                for item in items
            ]

        arm(warm_votes)
        warm_baseline = harness.send(server.port, baseline_items(warm_votes * 5), args.concurrency)
        warm = harness.send(server.port, warm_votes, min(args.concurrency, 4), keep_body=True)
        # Alternating rounds: each slice of the votes right after the same slice of baseline requests,
        # so both sides of a round see the same machine (2 shared cores: other work comes and goes).
        size = -(-len(votes) // args.rounds)
        rounds = []
        for start in range(0, len(votes), size):
            part = votes[start : start + size]
            arm(part)
            rounds.append(
                (
                    harness.send(server.port, baseline_items(part), args.concurrency),
                    harness.send(server.port, part, args.concurrency, keep_body=True),
                )
            )
        print(
            f"fetched {armed['fetched']} challenges in {armed['fetch_s']:.1f} s, levels {armed['levels']}; "
            f"solved them in {armed['solve_s']:.1f} s (2 processes), before each round"
        )
    finally:
        server.stop()
    if not args.page:
        # htmx answers a refusal with the vote area and its notice (200, so htmx swaps it in); only an
        # accepted vote carries a receipt code. Count refusals as the page's redirect (302).
        for item in warm_votes + votes:
            if item["status"] == 200 and b"receipt-code" not in item["response"]:
                item["status"] = 302
        warm["statuses"] = {}
        for item in warm_votes:
            warm["statuses"][item["status"]] = warm["statuses"].get(item["status"], 0) + 1

    # --- Checks ------------------------------------------------------------------------------------
    checks = harness.Checks()
    failures = checks.failures
    checks.statuses("warm-up baseline", warm_baseline, {204})
    checks.statuses("baseline insert view", [b for b, _t in rounds], {204})
    all_votes = warm_votes + votes
    accepted = sum(1 for item in all_votes if item["status"] == 200)
    errors = [item["status"] for item in all_votes if item["status"] not in (200, 302)]
    if errors:
        failures.append(
            f"{len(errors)} responses neither accepted nor refused: {sorted(set(map(str, errors)))}"
        )
    refused_honest = sum(1 for item in all_votes if item["kind"] == "honest" and item["status"] != 200)
    if refused_honest:
        failures.append(f"{refused_honest} honest votes were not accepted")
    groups = {}
    for item in votes:
        if item["kind"] in ("double", "greedy"):
            key = (item["kind"], item["voter"]) + ((item["project"].pk,) if item["kind"] == "double" else ())
            groups.setdefault(key, []).append(item["status"])
    doubles_ok = sum(1 for k, s in groups.items() if k[0] == "double" and s.count(200) == 1)
    greedy_ok = sum(1 for k, s in groups.items() if k[0] == "greedy" and s.count(200) == args.limit)
    if doubles_ok != double_groups:
        failures.append(f"double submits: {doubles_ok} of {double_groups} counted exactly once")
    if greedy_ok != args.greedy:
        failures.append(f"greedy voters: {greedy_ok} of {args.greedy} got exactly {args.limit} votes")
    counted = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True, annulled_at__isnull=True)
    n_counted = counted.count()
    counters = Project.objects.filter(edition=stage.edition).aggregate(s=Sum("vote_count"))["s"] or 0
    logged = VoteLog.objects.filter(stage=stage, outcome=VoteLog.Outcome.ACCEPTED).count()
    doubled = counted.values("voter_hash", "project").annotate(n=Count("id")).filter(n__gt=1).count()
    over = counted.values("voter_hash", "category").annotate(n=Count("id")).filter(n__gt=args.limit).count()
    refusals = VoteLog.objects.filter(stage=stage).exclude(outcome=VoteLog.Outcome.ACCEPTED)
    refusal_outcomes = dict(refusals.values_list("outcome").annotate(n=Count("id")))
    if not (n_counted == accepted == expected == counters == logged):
        failures.append(
            f"counted {n_counted}, accepted {accepted}, expected {expected}, counters {counters}, log {logged}"
        )
    if doubled or over:
        failures.append(f"{doubled} doubled (voter, project), {over} (voter, category) above the limit")

    round_ratios = [t["rps"] / b["rps"] for b, t in rounds]
    ratio = statistics.median(round_ratios)
    base1 = harness.combined([b for b, _t in rounds])
    target = harness.combined([t for _b, t in rounds])
    baseline_rps = base1["rps"]
    if not args.page:
        target["statuses"] = {}
        for item in votes:
            target["statuses"][item["status"]] = target["statuses"].get(item["status"], 0) + 1
    print(
        f"seeded {len(users)} users, {sum(map(len, categories))} projects in {len(categories)} categories, "
        f"limit {args.limit}/category, {n_networks} networks (/24), Redis {'on' if args.redis else 'off'}, "
        f"votes posted {'as the no-JavaScript form (receipt page)' if args.page else 'by the widget (htmx)'}"
    )
    print(f"warm-up votes:        {warm['n']} sent, statuses {warm['statuses']}")
    print(
        f"baseline insert view: {base1['rps']:.0f} req/s (median of {len(rounds)} rounds), "
        f"p50 {base1['p50_ms']:.1f} ms, p99 {base1['p99_ms']:.1f} ms ({base1['n']} requests)"
    )
    print("ratio per round (votes/s / baseline req/s): " + ", ".join(f"{r:.2f}" for r in round_ratios))
    print(
        f"votes:                {target['rps']:.0f} req/s, p50 {target['p50_ms']:.1f} ms, "
        f"p99 {target['p99_ms']:.1f} ms, statuses {target['statuses']} ({target['n']} requests, "
        f"{target['wall']:.1f} s)"
    )
    print(
        f"check: accepted {accepted} (expected {expected}), counted {n_counted}, vote log {logged}, "
        f"sum of counters {counters}; doubled {doubled}, above limit {over}; double submits counted once "
        f"{doubles_ok}/{double_groups}, greedy voters held to {args.limit}: {greedy_ok}/{args.greedy}; "
        f"refusals logged {refusal_outcomes}, challenges spent {UsedChallenge.objects.count()}"
    )
    if args.profile == "always" or (args.profile == "auto" and ratio < GOAL):
        profile(args, stage, categories, users[-args.profile_votes :] if args.profile_votes else [])
    print(f"total time {time.perf_counter() - started_all:.0f} s")
    checks.finish(f"RESULT vote {target['rps']:.0f} votes/s baseline {baseline_rps:.0f} ratio {ratio:.2f}")


def profile(args, stage, categories, users):
    """One vote each for ``users`` in this process (Django test client, CSRF enforced), under cProfile
    and with the queries captured; the same for the baseline view. Prints where the time goes."""
    import cProfile
    import io
    import pstats
    from collections import Counter

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from hramada.voting import antifraud

    if not users:
        return
    projects = [p for ps in categories for p in ps]
    clients = []
    with translation.override("en"):
        for n, user in enumerate(users):
            csrf = secrets.token_hex(16)
            client = Client(
                enforce_csrf_checks=True,
                HTTP_HOST="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"100.127.{n // 4 % 256}.{2 + n % 4}",
                HTTP_USER_AGENT=USER_AGENTS[n % len(USER_AGENTS)],
                HTTP_X_CSRFTOKEN=csrf,
            )
            client.force_login(user)
            client.cookies["csrftoken"] = csrf
            project = projects[n % len(projects)]
            challenge = client.get(reverse("voting:challenge"), {"project": project.public_id}).json()
            path = reverse("voting:cast", args=[project.public_id])
            clients.append((client, path, antifraud.solve(challenge)))

    def run(post, batch, profiled):
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            if profiled:
                profiler.enable()
            statuses = Counter(post(client, path, payload) for client, path, payload in batch)
            profiler.disable()
            wall = time.perf_counter() - t
        return profiler, queries.captured_queries, statuses, wall

    form = "application/x-www-form-urlencoded"

    def insert(c, path, payload):
        return c.post("/bench/insert/", urlencode({"altcha": payload}), form).status_code

    widget = {} if args.page else {"HTTP_HX_REQUEST": "true"}

    def cast(c, path, payload):
        return c.post(path, urlencode({"altcha": payload}), form, **widget).status_code

    half = len(clients) // 2
    timed, profiled = clients[:half], clients[half:]
    # Timed without the profiler (its overhead falls on Python calls, not on waiting for the database).
    results = {"baseline": run(insert, timed, False), "vote": run(cast, timed, False)}
    vote_profile = run(cast, profiled, True)[0]
    if args.profile_dump:
        vote_profile.dump_stats(args.profile_dump)
    n = len(timed)
    print(f"\nPROFILE (in process, Django test client, one connection, no concurrency; {n} requests each)")
    for name, (_prof, queries, statuses, wall) in results.items():
        sql = sum(float(q["time"]) for q in queries)
        print(
            f"  {name}: {wall / n * 1000:.2f} ms/request, {len(queries) / n:.1f} queries/request, "
            f"{sql / n * 1000:.2f} ms of it waiting for the database; statuses {dict(statuses)}"
        )
    queries = results["vote"][1]
    kinds, kind_time = Counter(), Counter()
    for q in queries:
        words = q["sql"].split()
        verb = words[0].upper() if words else ""
        table = next(
            (
                words[i + 1].strip('"')
                for i, w in enumerate(words[:-1])
                if w.upper() in ("FROM", "INTO", "UPDATE")
            ),
            "",
        )
        kinds[f"{verb} {table}".strip()] += 1
        kind_time[f"{verb} {table}".strip()] += float(q["time"])
    print("  queries per vote, by statement and table (count/vote, ms/vote; Django keeps each time to 1 ms):")
    for kind, count in kinds.most_common():
        print(f"    {count / n:5.2f} {kind_time[kind] / n * 1000:7.2f} ms  {kind}")
    per_vote = len(queries) // n
    print("  one vote's queries in order (ms, statement):")
    for q in queries[-per_vote:]:
        print(f"    {float(q['time']) * 1000:6.2f}  {' '.join(q['sql'].split())[:150]}")
    out = io.StringIO()
    stats = pstats.Stats(vote_profile, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/hramada/", 25)  # our code
    stats.sort_stats("cumulative").print_stats(r"site-packages", 30)  # Django, psycopg, redis, altcha
    stats.sort_stats("tottime").print_stats(15)
    text = out.getvalue().replace(str(Path(sys.prefix)) + "/lib/", "")
    print("\n".join("  " + line for line in text.splitlines() if line.strip()))


if __name__ == "__main__":
    main()
