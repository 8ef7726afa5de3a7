"""Benchmark: does the fraud panel point organisers at attacks of three levels of skill, and how much
honest traffic that looks suspicious does it point at?

One public vote (4 categories of 10 projects, one vote per category, seven days) receives:

- honest traffic: 5,000 voters with a daily rhythm (a third sign up to vote, minutes before; a sixth
  made their account earlier this season; the rest years ago), on home networks, mobile carriers'
  shared addresses (carrier-grade NAT: 48 /24s for three carriers) and VPN exits, voting in one to
  three categories; a social-media surge: 600 people, most of them signing up there and then, voting
  for a popular project in the hours after a post; a village school where 40 people on the school's
  one address (30 of them signing up in class) vote for their village's project within 30 minutes; a
  family of four on one address;
- level A: 400 fresh accounts (made seconds to minutes before) voting from one network for one
  project within 40 minutes;
- level B: 400 accounts made over the 14 days before at mainstream providers (gmail.com, mail.ru,
  yandex.by), each vote from another residential network across the country, all for one project
  within two hours;
- level C: as B, but spread over the whole vote with a daily rhythm, and each account also votes for
  up to two projects in other categories, to blend in;
- two probes beyond the brief, reported without a goal: level B with accounts made on the spot (the
  attack the signals cannot tell from the honest surge), and honest supporters of a team who made
  their accounts during the call for projects and vote together on the first evening (the honest
  traffic the signals cannot tell from level B).

Every vote goes through the production vote path, in process: Django's test client with the real
middleware, a logged-in session and CSRF enforced, the client address in X-Forwarded-For behind one
trusted proxy, a proof-of-work challenge fetched from /voting/challenge/ for the project, solved, and
posted to /projects/<id>/vote/ as the vote widget posts it (htmx); the service logs each vote with
what the platform really keeps (docs/privacy.md: keyed network hash, browser family, account age,
e-mail flags, time). A simulated clock (time-machine) moves to each vote's moment. The log is then
read (``voting.fraud.log_rows``) and judged by the panel's own ``voting.fraud.evaluate``: for each
level, the honest rows plus that level's (a vote's log row does not depend on who else voted, so this
is the vote as it would have been with that attack alone); and ``voting.fraud.flagged``, what the
panel shows, for the whole vote. Nothing here detects anything: the bench only knows which voter was
which, to count.

Departures from production, all stated: the proof of work keeps its levels (the server demands and
checks the level each vote needs) but does 400 times less work, because this benchmark measures
detection, not the cost of work (``bench/vote_wait.py`` does); accounts are made directly in the
database with the sign-up time the scenario gives them (addresses verified), since sign-up is not what
is measured; and the database does not wait for the disk at commit (``synchronous_commit = off``), as
speed is not measured either.

Checks (exit status 1 if one fails): every challenge and vote answered 200, every vote accepted (its
answer carries a receipt code), nothing refused in the log, and the counted votes == the planned
votes == the log's accepted rows == the sum of the projects' counters.

Thresholds were chosen with seeds 101-103; the reported run uses the default seed 7, not used for
tuning. Synthetic traffic: real attackers and real honest campaigns differ; the figures say what the
signals can and cannot separate, not how a real vote will go.

    .venv/bin/python bench/fraud_replay.py [--voters 5000] [--seed 7] [--redis redis://127.0.0.1:6379/10]

Needs PostgreSQL (BENCH_PG_URL; database BENCH_DB, default hramada_bench_fraud) and Redis, as in
production. Second-to-last line: the false-positive rate on all honest traffic (the highest of the
three levels' evaluations). Last line:
RESULT fraud_recall <lower of the recalls of A and B> recall baseline 0.9 ratio <recall/0.9>
"""

import argparse
import os
import random
import secrets
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("BENCH_DB", "hramada_bench_fraud")
os.environ["HASH_KEY"] = secrets.token_hex(16)  # network and voter hashes cannot meet another run's
os.environ["TRUSTED_PROXY_COUNT"] = "1"  # one reverse proxy in front, which appends the client address

from bench import harness  # noqa: E402

GOAL_RECALL, GOAL_FP = 0.9, 0.01
HONEST = ("daily", "surge", "school", "family")
LEVELS = ("A", "B", "C")
PROBES = ("B_fresh", "supporters")  # beyond the brief: reported, outside the goal's figures
POW_MAXNUMBERS = (50, 500, 5_000)  # production: 20,000 / 200,000 / 2,000,000
CATEGORIES, PROJECTS = 4, 10
VOTE_DAYS = 7
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 7, 6, 6, 6, 7, 8, 10, 12, 12, 10, 6, 3]
USER_AGENTS = [
    (
        "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        34,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        22,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1",
        14,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "YaBrowser/24.10 Mobile Safari/537.36",
        10,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 YaBrowser/24.10 Safari/537.36",
        8,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 6),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        6,
    ),
]
# E-mail providers of honest voters (Belarus): mainstream ones, as the attackers use.
HONEST_DOMAINS = [
    ("gmail.com", 40),
    ("mail.ru", 20),
    ("yandex.by", 10),
    ("yandex.ru", 8),
    ("tut.by", 5),
    ("inbox.ru", 3),
    ("outlook.com", 3),
    ("icloud.com", 3),
    ("list.ru", 2),
    ("bk.ru", 2),
    ("rambler.ru", 2),
    ("ngo.by", 2),
]
ATTACK_DOMAINS = ["gmail.com", "mail.ru", "yandex.by"]
NAMES = [
    "anna",
    "alena",
    "volha",
    "maryna",
    "iryna",
    "tatsiana",
    "natallia",
    "sviatlana",
    "katsiaryna",
    "yulia",
    "aliaksandr",
    "siarhei",
    "dzmitry",
    "andrei",
    "pavel",
    "mikalai",
    "ivan",
    "maksim",
    "uladzimir",
    "artsiom",
    "viktar",
    "yauhen",
    "ihar",
    "vadzim",
]
SURNAMES = [
    "ivanova",
    "kavaliou",
    "novik",
    "marozau",
    "shautsova",
    "kazlou",
    "lukashevich",
    "bondar",
    "tkachuk",
    "savitskaya",
    "zhuk",
    "melnik",
    "karpovich",
    "hrynevich",
    "vasilevich",
    "sidarenka",
]


@dataclass
class Voter:
    key: int
    group: str  # daily, school, family, surge, A, B, C
    email: str
    joined: timedelta  # sign-up, relative to the vote's start (negative: before the vote)
    user_agent: str
    votes: list = field(default_factory=list)  # (at offset, project index, client address)


class Networks:
    """Addresses: home networks (residential /24s across the country), mobile carriers' shared
    addresses (carrier-grade NAT: many subscribers behind a few /24s), VPN exits."""

    def __init__(self, rng):
        self.rng = rng
        self.residential = [
            f"{a}.{b}.{c}" for a in (37, 46, 86, 93, 178) for b in range(40, 60) for c in range(0, 256, 1)
        ]
        self.rng.shuffle(self.residential)
        self.carriers = [f"{a}.{b}.{c}" for a, b in ((134, 17), (176, 60), (91, 149)) for c in range(16)]
        self.vpns = [
            f"185.{b}.{c}"
            for b, c in (
                (220, 101),
                (220, 102),
                (107, 56),
                (159, 158),
                (65, 135),
                (193, 127),
                (146, 232),
                (216, 34),
                (195, 65),
                (94, 216),
                (246, 211),
                (183, 106),
            )
        ]
        self._next_distinct = 0

    def host(self, prefix):
        return f"{prefix}.{self.rng.randrange(2, 255)}"

    def home(self):
        return self.residential[self.rng.randrange(len(self.residential))]

    def distinct_residential(self):
        """A residential /24 no earlier call returned (the attackers' proxies: one per vote)."""
        self._next_distinct += 1
        return self.residential[-self._next_distinct]

    def honest(self, mobile_share=0.25, vpn_share=0.05):
        r = self.rng.random()
        if r < vpn_share:
            return self.rng.choice(self.vpns)
        if r < vpn_share + mobile_share:
            return self.rng.choice(self.carriers)
        return self.home()


def pick(rng, weighted):
    return rng.choices([x for x, _ in weighted], weights=[w for _, w in weighted])[0]


def email_of(rng, key, domains):
    """A name-like address; about 1% of honest people use a +tag, a few Gmail users dot their name."""
    local = f"{rng.choice(NAMES)}.{rng.choice(SURNAMES)}{key}"
    domain = pick(rng, domains) if isinstance(domains[0], tuple) else rng.choice(domains)
    if isinstance(domains[0], tuple):
        r = rng.random()
        if r < 0.01:
            local += "+vote"
        elif r < 0.015 and domain == "gmail.com":
            local = ".".join(local[:6]) + local[6:]
    return f"{local}@{domain}"


def sign_up_delay(rng):
    """Seconds from creating an account to voting, for someone who signs up to vote: fill in the form,
    open the confirmation e-mail, come back, find the project (a few confirm only hours later)."""
    if rng.random() < 0.05:
        return rng.uniform(2 * 3600, 20 * 3600)
    return 35 + rng.lognormvariate(5.0, 0.8) + rng.lognormvariate(4.3, 0.9)


def honest_age_class(rng, new_share):
    """How long before the first vote the account was made: 'new' (for this vote), 'season' (this
    season: the call for projects, an earlier day of the vote), or 'old' (years)."""
    r = rng.random()
    if r < new_share:
        return "new"
    if r < new_share + (1 - new_share) * 0.25:
        return "season"
    return "old"


def joined_for(rng, kind, first_vote):
    if kind == "new":
        return first_vote - timedelta(seconds=sign_up_delay(rng))
    if kind == "season":
        return first_vote - timedelta(days=rng.uniform(1, 60))
    return first_vote - timedelta(days=rng.uniform(60, 2000))


def daily_time(rng):
    """A moment of the vote with the daily rhythm; a sitting starting in its last minutes could end
    after the vote closed (its votes refused), so sittings start before the hour's 56th minute."""
    day = rng.randrange(VOTE_DAYS)
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    return timedelta(days=day, hours=hour, minutes=rng.uniform(0, 55))


def plan(rng, n_voters):
    """Honest traffic and the three attacks, as voters with their votes (times relative to the vote's
    start, project indexes category * PROJECTS + rank by popularity in the category)."""
    nets = Networks(rng)
    popularity = [1 / (rank + 1) for rank in range(PROJECTS)]
    voters = []

    def new_voter(group, joined, ua=None, email=None, domains=HONEST_DOMAINS):
        key = len(voters)
        voter = Voter(key, group, email or email_of(rng, key, domains), joined, ua or pick(rng, USER_AGENTS))
        voters.append(voter)
        return voter

    def categories_besides(category, n):
        others = [c for c in range(CATEGORIES) if c != category]
        rng.shuffle(others)
        return others[:n]

    def ballot(first=None, n=None):
        """Projects in ``n`` different categories (``first`` first), each by popularity."""
        n = n or rng.choices([1, 2, 3], [65, 25, 10])[0]
        if first is None:
            cats = rng.sample(range(CATEGORIES), n)
        else:
            cats = [first, *categories_besides(first, n - 1)]
        return [c * PROJECTS + rng.choices(range(PROJECTS), popularity)[0] for c in cats]

    def sitting(voter, at, projects, address):
        for k, project in enumerate(projects):
            voter.votes.append((at + timedelta(seconds=25 * k + rng.uniform(0, 20)), project, address))

    # Honest voters with a daily rhythm.
    for _ in range(n_voters):
        at = daily_time(rng)
        voter = new_voter("daily", None)
        voter.joined = joined_for(rng, honest_age_class(rng, 0.33), at)
        sitting(voter, at, ballot(), nets.host(nets.honest()))

    # A social-media post for a popular project (category 0, second most popular): people arrive over a
    # few hours, most of them signing up there and then; a third also vote in another category.
    surge_project = 0 * PROJECTS + 1
    surge_start = timedelta(days=2, hours=19)
    for _ in range(600):
        at = surge_start + timedelta(minutes=min(rng.expovariate(1 / 45), 300))
        voter = new_voter("surge", None)
        voter.joined = joined_for(rng, honest_age_class(rng, 0.8), at)
        projects = [surge_project] + (ballot(0, 2)[1:] if rng.random() < 0.33 else [])
        sitting(voter, at, projects, nets.host(nets.honest(mobile_share=0.45)))

    # A village school: 40 people on the school's one address vote for their village's project (an
    # unpopular one) within 30 minutes; 30 sign up in class, 10 (teachers, parents) have accounts.
    school_project = 3 * PROJECTS + 8
    school_net = nets.home()
    school_start = timedelta(days=3, hours=10)
    for n in range(40):
        at = school_start + timedelta(minutes=rng.uniform(0, 30))
        voter = new_voter("school", None)
        voter.joined = at - timedelta(seconds=sign_up_delay(rng)) if n < 30 else joined_for(rng, "old", at)
        sitting(voter, at, [school_project], nets.host(school_net))

    # A family on one home address: one new account, three old ones, one evening, the same project.
    family_net = nets.home()
    family_project = 2 * PROJECTS + rng.randrange(PROJECTS)
    for n in range(4):
        at = timedelta(days=4, hours=20, minutes=rng.uniform(0, 90))
        voter = new_voter("family", None)
        voter.joined = joined_for(rng, "new" if n == 0 else "old", at)
        sitting(voter, at, [family_project] + ballot(2, 2)[1:], nets.host(family_net))

    # Level A: one network, fresh accounts, a burst for one project.
    a_project = 1 * PROJECTS + 6
    a_net = nets.home()
    a_start = timedelta(days=5, hours=rng.uniform(10, 18))
    a_ua = pick(rng, USER_AGENTS)
    for _ in range(400):
        at = a_start + timedelta(minutes=rng.uniform(0, 40))
        voter = new_voter("A", at - timedelta(seconds=rng.uniform(5, 600)), ua=a_ua, domains=ATTACK_DOMAINS)
        sitting(voter, at, [a_project], nets.host(a_net))

    # Level B: accounts made over the 14 days before, a residential proxy per vote, one project, 2 hours.
    b_project = 2 * PROJECTS + 5
    b_start = timedelta(days=4, hours=rng.uniform(9, 20))
    for _ in range(400):
        at = b_start + timedelta(minutes=rng.uniform(0, 120))
        voter = new_voter("B", b_start - timedelta(days=rng.uniform(0, 14)), domains=ATTACK_DOMAINS)
        sitting(voter, at, [b_project], nets.host(nets.distinct_residential()))

    # Level C: as B, spread over the whole vote, with votes for other projects mixed in.
    c_project = 1 * PROJECTS + 5
    for _ in range(400):
        at = daily_time(rng)
        voter = new_voter("C", -timedelta(days=rng.uniform(0, 14)), domains=ATTACK_DOMAINS)
        sitting(
            voter,
            at,
            [c_project] + ballot(1, rng.choice([1, 2, 3]))[1:],
            nets.host(nets.distinct_residential()),
        )

    # Probes beyond the brief, reported without a goal. The attack the signals cannot see: level B with
    # accounts made on the spot (each from another residential network), as an honest surge's are.
    f_project = 3 * PROJECTS + 4
    f_start = timedelta(days=6, hours=rng.uniform(9, 20))
    for _ in range(400):
        at = f_start + timedelta(minutes=rng.uniform(0, 120))
        voter = new_voter("B_fresh", None, domains=ATTACK_DOMAINS)
        voter.joined = at - timedelta(seconds=sign_up_delay(rng))
        sitting(voter, at, [f_project], nets.host(nets.distinct_residential()))
    # The honest traffic they cannot tell from level B: a team asked its supporters to sign up during
    # the call for projects and, on the vote's first evening, to vote for its project.
    s_project = 3 * PROJECTS + 2
    for _ in range(150):
        at = timedelta(hours=18, minutes=rng.uniform(0, 120))
        voter = new_voter("supporters", -timedelta(days=rng.uniform(2, 21)))
        sitting(voter, at, [s_project], nets.host(nets.honest()))
    return voters


# --- Replay through the real vote path ------------------------------------------------------------------


def seed_vote(start):
    """An organisation's contest edition with an open public vote starting at ``start``."""
    from hramada.contests.models import Category, Contest, Edition, Project, Stage
    from hramada.orgs.models import Organisation
    from hramada.places.services import sync_regions
    from hramada.voting import services
    from hramada.voting.models import VotingRules
    from hramada.voting.selectors import rules_fingerprint

    sync_regions(country_codes=["BY"])
    org = Organisation.objects.filter(slug="bench").first() or Organisation.objects.create(
        name="Bench", name_en="Bench", slug="bench", kind="ngo", country_id=1
    )
    contest = Contest.objects.filter(slug="bench-fraud").first() or Contest.objects.create(
        organisation=org, title="Social Weekend", title_en="Social Weekend", slug="bench-fraud"
    )
    edition = Edition(contest=contest, year=2026, title="Fraud replay", title_en="Fraud replay")
    if any(f.name == "published_at" for f in Edition._meta.get_fields()):
        edition.published_at = start - timedelta(days=30)
    edition.save()
    stage = Stage.objects.create(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=start,
        ends_at=start + timedelta(days=VOTE_DAYS),
    )
    rules = VotingRules(stage=stage, votes_per_category=1, format_version=2)
    rules.fingerprint = rules_fingerprint(rules)
    rules.save()
    services.freeze_rules(stage=stage, now=start)
    projects = []
    for c in range(CATEGORIES):
        category = Category.objects.create(
            edition=edition, title=f"Category {c}", title_en=f"Category {c}", order=c
        )
        projects += [
            Project.objects.create(
                edition=edition,
                category=category,
                title=f"Project {c}.{p}",
                summary="A social project.",
                status=Project.Status.ELIGIBLE,
            )
            for p in range(PROJECTS)
        ]
    return stage, projects


def make_accounts(voters, start):
    from allauth.account.models import EmailAddress

    from hramada.people.models import Person, User

    users = User.objects.bulk_create(
        [
            User(email=v.email, password="!", date_joined=start + v.joined)  # noqa: S106 - unusable
            for v in voters
        ]
    )
    Person.objects.bulk_create(
        [
            Person(user=u, display_name=f"Voter {v.key}", email=u.email)
            for u, v in zip(users, voters, strict=True)
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    return users


@dataclass
class Replay:
    statuses: Counter = field(default_factory=Counter)
    refused: list = field(default_factory=list)
    levels: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def replay(voters, users, projects, start) -> Replay:
    """Every vote, in time order, through /voting/challenge/ and /projects/<id>/vote/ at its moment."""
    import time_machine
    from django.test import Client
    from django.urls import reverse

    from hramada.voting import antifraud

    out = Replay()
    votes = sorted(
        ((start + at, voter, project, address) for voter in voters for at, project, address in voter.votes),
        key=lambda item: item[0],
    )
    challenge_path = reverse("voting:challenge")
    cast_paths = [reverse("voting:cast", args=[p.public_id]) for p in projects]
    clients = {}
    form = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    for at, voter, project, address in votes:
        with time_machine.travel(at, tick=False):
            client = clients.get(voter.key)
            if client is None:
                csrf = secrets.token_hex(16)  # an unmasked 32-character secret is accepted in the header
                client = clients[voter.key] = Client(
                    enforce_csrf_checks=True, HTTP_HOST="127.0.0.1", HTTP_X_CSRFTOKEN=csrf
                )
                client.force_login(users[voter.key])
                client.cookies["csrftoken"] = csrf
            headers = {"HTTP_X_FORWARDED_FOR": address, "HTTP_USER_AGENT": voter.user_agent}
            answer = client.get(challenge_path, {"project": projects[project].public_id}, **headers)
            out.statuses[("challenge", answer.status_code)] += 1
            if answer.status_code != 200:
                out.refused.append((voter.group, "challenge", answer.status_code))
                continue
            challenge = answer.json()
            out.levels[(challenge.get("parameters", {}).get("data") or {}).get("level")] += 1
            body = urlencode({"altcha": antifraud.solve(challenge), "next": "/"})
            answer = client.post(cast_paths[project], body, form, HTTP_HX_REQUEST="true", **headers)
            out.statuses[("vote", answer.status_code)] += 1
            if answer.status_code != 200 or b"receipt-code" not in answer.content:
                out.refused.append((voter.group, "vote", answer.status_code, answer.content[:300]))
    out.seconds = time.perf_counter() - started
    return out


def vote_and_check(voters, start, failures):
    """Replay every voter's votes in one public vote and check that each was accepted and counted.
    Returns the stage, the replay's figures and each vote's group (by the vote's id)."""
    from django.db.models import Sum

    from hramada.contests.models import Project
    from hramada.voting import selectors
    from hramada.voting.models import Vote, VoteLog

    stage, projects = seed_vote(start)
    users = dict(zip((v.key for v in voters), make_accounts(voters, start), strict=True))
    done = replay(voters, users, projects, start)

    planned = sum(len(v.votes) for v in voters)
    counted = Vote.objects.filter(stage=stage, withdrawn_at__isnull=True, annulled_at__isnull=True).count()
    logged = VoteLog.objects.filter(stage=stage, outcome=VoteLog.Outcome.ACCEPTED).count()
    refusals = VoteLog.objects.filter(stage=stage).exclude(outcome=VoteLog.Outcome.ACCEPTED).count()
    counters = Project.objects.filter(edition=stage.edition).aggregate(s=Sum("vote_count"))["s"] or 0
    if done.refused:
        failures.append(f"{len(done.refused)} votes not accepted, e.g. {done.refused[:3]}")
    if not (counted == planned == logged == counters) or refusals:
        failures.append(
            f"planned {planned}, counted {counted}, log {logged} (and {refusals} refusals), counters {counters}"
        )
    group_of_hash = {selectors.voter_hash(users[v.key], stage): v.group for v in voters}
    group_of_vote = {
        vote_id: group_of_hash[h]
        for vote_id, h in Vote.objects.filter(stage=stage).values_list("id", "voter_hash")
    }
    print(
        f"replayed {logged} votes in {done.seconds:.0f} s ({done.seconds / max(logged, 1) * 1000:.0f} ms a vote, "
        f"challenge and vote); answers {dict(sorted(done.statuses.items()))}; proof-of-work levels demanded "
        f"{dict(sorted(done.levels.items(), key=str))}; counted {counted}, vote log {logged}, counters {counters}"
    )
    return stage, group_of_vote


def score(flags, group_of_vote, level):
    """Recall on one level's votes and false positives on the honest ones, with the signals' counts."""
    totals = Counter(g for g in group_of_vote.values() if g in HONEST or g == level)
    hit = Counter(group_of_vote[f.row.vote] for f in flags)
    signals = defaultdict(Counter)
    for f in flags:
        for name in f.signals:
            signals[name][group_of_vote[f.row.vote]] += 1
    honest_total = sum(totals[g] for g in HONEST)
    honest_hit = sum(hit[g] for g in HONEST)
    return {
        "level": level,
        "recall": hit[level] / max(totals[level], 1),
        "fp": honest_hit / max(honest_total, 1),
        "fp_n": honest_hit,
        "honest_total": honest_total,
        "totals": totals,
        "hit": hit,
        "signals": signals,
    }


def report(r):
    level, totals, hit = r["level"], r["totals"], r["hit"]
    print(
        f"level {level}: recall {r['recall']:.3f} ({hit[level]} of {totals[level]} attack votes flagged); "
        f"false positives {r['fp']:.3%} ({r['fp_n']} of {r['honest_total']} honest votes)"
    )
    print("  honest votes flagged: " + ", ".join(f"{g} {hit[g]}/{totals[g]}" for g in HONEST))
    for name, by_group in sorted(r["signals"].items()):
        honest = sum(by_group[g] for g in HONEST)
        print(f"  signal {name:24s} on attack votes {by_group[level]:4d}, on honest votes {honest:4d}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=5000, help="honest voters with a daily rhythm")
    parser.add_argument("--seed", type=int, default=7, help="7 reports; 101-103 were used for tuning")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"),
        help="cache for rate limits, counters and sessions, as in production ('' = per-process memory)",
    )
    args = parser.parse_args()
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)

    started = time.perf_counter()
    url = harness.fresh_database()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # Only detection is measured here, not speed: commits need not wait for the disk.
        conn.execute(f'ALTER DATABASE "{os.environ["BENCH_DB"]}" SET synchronous_commit = off')
    harness.setup_django(url)
    from django.conf import settings
    from django.utils import translation

    from hramada.voting import fraud

    settings.VOTING_POW_MAXNUMBERS = POW_MAXNUMBERS
    voters = plan(random.Random(args.seed), args.voters)
    count = Counter(v.group for v in voters)
    print(f"thresholds: {fraud.thresholds()}")
    print(
        f"seed {args.seed}; honest traffic: {count['daily']} voters with a daily rhythm, {count['surge']} in a "
        f"social-media surge, a school of {count['school']}, a family of {count['family']} "
        f"({sum(len(v.votes) for v in voters if v.group in HONEST)} votes); attackers and probes: "
        + ", ".join(
            f"{x} {count[x]} ({sum(len(v.votes) for v in voters if v.group == x)} votes)"
            for x in (*LEVELS, *PROBES)
        )
    )
    failures = []
    with translation.override("en"):
        stage, group_of_vote = vote_and_check(voters, datetime(2026, 3, 2, 0, 0, tzinfo=UTC), failures)
    rows = fraud.log_rows(stage)
    results = {}
    for level in LEVELS:
        # The honest rows and this level's, through the panel's own evaluation: a vote's log row does
        # not depend on who else voted, so this is the vote as it would have been with only this attack.
        subset = [
            row for row in rows if group_of_vote[row.vote] in HONEST or group_of_vote[row.vote] == level
        ]
        t = time.perf_counter()
        flags = [f for f in fraud.evaluate(subset) if f.flagged]
        results[level] = score(flags, group_of_vote, level)
        report(results[level])
        print(f"  signals evaluated over {len(subset)} log rows in {time.perf_counter() - t:.2f} s")
    probes = {}
    for probe in PROBES:
        subset = [row for row in rows if group_of_vote[row.vote] in (*HONEST, probe)]
        probes[probe] = score([f for f in fraud.evaluate(subset) if f.flagged], group_of_vote, probe)
    fresh, early = probes["B_fresh"], probes["supporters"]
    print(
        f"probe, attack: level B with accounts made on the spot (as an honest surge's): recall "
        f"{fresh['recall']:.3f} ({fresh['hit']['B_fresh']} of {fresh['totals']['B_fresh']})"
    )
    early_n, early_total = early["hit"]["supporters"], early["totals"]["supporters"]
    print(
        f"probe, honest: a team's supporters who signed up during the call for projects and vote together: "
        f"{early_n} of {early_total} flagged; with them the false positives of that run would be "
        f"{(early['fp_n'] + early_n) / (early['honest_total'] + early_total):.3%} instead of {early['fp']:.3%}"
    )
    # What the organisers' panel shows for the whole vote, all three attacks in it.
    panel = fraud.flagged(stage)
    shown = Counter(group_of_vote[f.row.vote] for f in panel)
    print(
        "fraud panel of the whole vote (every attack and probe in it): "
        + ", ".join(f"{g} {shown[g]}" for g in (*LEVELS, *HONEST, *PROBES))
        + f" flagged of {len(group_of_vote)} votes"
    )
    recall = min(results["A"]["recall"], results["B"]["recall"])
    fp = max(r["fp"] for r in results.values())
    met = recall >= GOAL_RECALL and fp <= GOAL_FP
    print(
        f"goal (recall >= {GOAL_RECALL} for levels A and B at <= {GOAL_FP:.0%} false positives; level C "
        f"reported without a goal): {'met' if met else 'NOT met'}; total time {time.perf_counter() - started:.0f} s"
    )
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    print(
        f"false-positive rate on all honest traffic: {fp:.4f} (the highest of the {len(results)} levels' runs)"
    )
    print(f"RESULT fraud_recall {recall:.3f} recall baseline {GOAL_RECALL} ratio {recall / GOAL_RECALL:.3f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
