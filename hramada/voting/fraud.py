"""Explainable fraud signals over the append-only vote log (read-only; the fraud panel and the
benchmark ``bench/fraud_replay.py`` run this same code).

The signals use only what the log keeps (docs/privacy.md): the time, the project, a keyed hash of the
network, the browser family, the account's age at the vote and whether its address looked aliased.
Every flag says why, in numbers an organiser can check. The thresholds live in ``Thresholds``
(override with the ``VOTING_FRAUD_THRESHOLDS`` setting). A vote is flagged when it has one strong
signal, or two weak ones of different kinds (``WEAK_KINDS``). A flag is a reason for a person to look, never a verdict: honest voters can
look the same (a school on one address, a team's supporters who signed up early), and organisers
decide what to annul.

What the signals look for, by the attacker's skill:

- fresh accounts from one network (a script at home or on one server): votes seconds after sign-up,
  many new-account votes from one network in a day (``network_flood``; fewer, within an hour, is a
  weak signal, and also what makes the proof of work harder);
- accounts made beforehand, each voting from another network (bought or made over days, sent through
  residential proxies): a project whose votes in an hour, or over the whole vote, come from accounts
  made in the weeks before far more often than the other projects' votes do (``recent_accounts_*``).
  Honest newcomers sign up and vote in one sitting; established voters' accounts are older.

What they cannot see: accounts older than ``recent_account_max_days`` voting from many networks, and
accounts made on the spot from many networks (they look like an honest social-media surge).
"""

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import VoteLog


@dataclass(frozen=True)
class Thresholds:
    fast_vote_seconds: int = 30  # strong: a vote this soon after sign-up (e-mail confirmation takes longer)
    new_account_hours: int = 24  # what counts as a new account
    network_window_minutes: int = 60
    # weak: this many new-account votes from one network within the window; it also gives that
    # network the hardest proof of work (``antifraud.network_is_suspicious``)
    network_new_account_votes: int = 8
    # strong: this many new-account votes from one network within a day (more than a large class or
    # a village meeting signing up together)
    network_flood_votes: int = 50
    burst_window_minutes: int = 10
    burst_min_votes: int = 20  # weak: more votes than this for one project within the window...
    burst_rate_factor: float = 5.0  # ...and more than this many times the project's normal rate
    # "Recent" accounts: made at least an hour before the vote (not in the same sitting) and at most
    # this many days before it.
    recent_account_min_hours: int = 1
    recent_account_max_days: int = 30
    # strong: within the window, at least this many of a project's votes come from recent accounts,
    # more than z standard deviations above what the other projects' share of them predicts...
    recent_window_minutes: int = 60
    recent_window_min_votes: int = 15
    recent_window_z: float = 4.0
    # ...or, over the whole vote, at least this many, this many times the other projects' share and
    # z standard deviations above it.
    recent_project_min_votes: int = 30
    recent_project_factor: float = 2.0
    recent_project_z: float = 5.0


def thresholds() -> Thresholds:
    overrides = getattr(settings, "VOTING_FRAUD_THRESHOLDS", {}) or {}
    return _thresholds(tuple(sorted(overrides.items())))


@functools.lru_cache(maxsize=8)
def _thresholds(overrides: tuple) -> Thresholds:
    """The thresholds for one set of overrides (the vote path asks several times per vote)."""
    known = {f.name for f in fields(Thresholds)}
    return replace(Thresholds(), **{k: v for k, v in overrides if k in known})


STRONG = {"fast_vote", "network_flood", "recent_accounts_hour", "recent_accounts_project"}
SIGNAL_LABELS = {
    "fast_vote": gettext_lazy("vote seconds after sign-up"),
    "network_flood": gettext_lazy("very many new accounts from one network in a day"),
    "recent_accounts_hour": gettext_lazy(
        "burst of votes for one project from accounts made in the weeks before"
    ),
    "recent_accounts_project": gettext_lazy(
        "a project's votes come mostly from accounts made in the weeks before"
    ),
    "network_new_accounts": gettext_lazy("several new accounts from one network"),
    "burst": gettext_lazy("burst of votes for one project"),
    "aliased_email": gettext_lazy("aliased e-mail address (+tag or dotted)"),
    "automation": gettext_lazy("automated browser"),
}


# Weak signals of one kind count once: a burst for a project and several new accounts on one network
# both describe people voting together (a class signing up at school does both), not two pieces of
# evidence.
WEAK_KINDS = {"burst": "crowd", "network_new_accounts": "crowd"}


@dataclass
class Row:
    """One accepted vote-log row, as the signals see it."""

    key: object  # the log row's public id (or any identifier in the benchmark)
    project: object
    at: object
    network: str = ""
    ua: str = ""
    age: int | None = None
    disposable: bool = False  # never true on an accepted vote (such voters are refused); kept for the log
    aliased: bool = False
    vote: object = None


@dataclass
class Flag:
    row: Row
    signals: dict  # signal name -> human explanation

    @property
    def strong(self) -> bool:
        return bool(STRONG & set(self.signals))

    @property
    def flagged(self) -> bool:
        return self.strong or len({WEAK_KINDS.get(name, name) for name in self.signals}) >= 2


def _window_marks(times: list, window: timedelta, threshold_for) -> list[int]:
    """For sorted times: for each index, the count of the first window (of ``window`` length)
    containing it whose count exceeds its threshold; 0 if none."""
    marks = [0] * len(times)
    start = marked_upto = 0
    for end, t in enumerate(times):
        while times[start] < t - window:
            start += 1
        count = end - start + 1
        if count > threshold_for(count):
            for i in range(max(start, marked_upto), end + 1):  # each index marked once: O(n)
                marks[i] = count
            marked_upto = end + 1
    return marks


def _over(k: int, n: int, p: float, z: float) -> bool:
    """Whether k of n is more than z standard deviations above n * p (normal approximation)."""
    return k > n * p + z * math.sqrt(n * p * (1 - p))


def _recent_window_marks(times: list, recent: list[bool], window: timedelta, bar) -> list:
    """For sorted times and which of them are recent: for each recent index, (k, n) of the first
    window containing it where ``bar(k, n)`` holds (k recent of n votes); None elsewhere. O(n)."""
    marks = [None] * len(times)
    start = k = marked_upto = 0
    for end, t in enumerate(times):
        k += recent[end]
        while times[start] < t - window:
            k -= recent[start]
            start += 1
        n = end - start + 1
        if bar(k, n):
            for i in range(max(start, marked_upto), end + 1):
                if recent[i]:
                    marks[i] = (k, n)
            marked_upto = end + 1
    return marks


def evaluate(rows: list[Row], limits: Thresholds | None = None, now=None) -> list[Flag]:
    """Signals for each row (rows with no signal are left out). Pure: no database access."""
    limits = limits or thresholds()
    found: dict[int, dict] = defaultdict(dict)

    for i, row in enumerate(rows):
        if row.age is not None and row.age < limits.fast_vote_seconds:
            found[i]["fast_vote"] = _("voted %(s)s s after the account was created (under %(t)s s)") % {
                "s": row.age,
                "t": limits.fast_vote_seconds,
            }
        if row.aliased:
            found[i]["aliased_email"] = _("the account's address is a +tag or dotted variant")
        if row.ua == "automation":
            found[i]["automation"] = _("the browser says it is automated (headless, script)")

    # Bursts: per project, windows with many more votes than the project's usual rate.
    by_project = defaultdict(list)
    for i, row in enumerate(rows):
        by_project[row.project].append(i)
    window = timedelta(minutes=limits.burst_window_minutes)
    if rows:  # the vote so far: from the first logged vote to the last (or now)
        first = min(row.at for row in rows)
        last = max([row.at for row in rows] + ([now] if now else []))
        span = max((last - first) / window, 1.0)
    for indexes in by_project.values():
        indexes.sort(key=lambda i: rows[i].at)
        times = [rows[i].at for i in indexes]
        normal = len(times) / span  # the project's votes per window, on average over the vote so far
        bar = max(limits.burst_min_votes, limits.burst_rate_factor * normal)
        marks = _window_marks(times, window, lambda _count, bar=bar: bar)
        for i, mark in zip(indexes, marks, strict=True):
            if mark:
                found[i]["burst"] = _(
                    "%(n)s votes for this project within %(w)s minutes; its usual rate is %(r).1f"
                ) % {"n": mark, "w": limits.burst_window_minutes, "r": normal}

    _network_signals(rows, limits, found)
    _recent_account_signals(rows, by_project, limits, found)
    return [Flag(rows[i], signals) for i, signals in sorted(found.items())]


def _network_signals(rows, limits, found) -> None:
    """New accounts voting from one network: several within an hour (weak), very many in a day (strong)."""
    new_age = limits.new_account_hours * 3600
    by_network = defaultdict(list)
    for i, row in enumerate(rows):
        if row.network and row.age is not None and row.age < new_age:
            by_network[row.network].append(i)
    hour = timedelta(minutes=limits.network_window_minutes)
    weak_bar = limits.network_new_account_votes - 1  # "at least N"
    flood_bar = limits.network_flood_votes - 1
    for indexes in by_network.values():
        if len(indexes) <= weak_bar:
            continue
        indexes.sort(key=lambda i: rows[i].at)
        times = [rows[i].at for i in indexes]
        for i, mark in zip(indexes, _window_marks(times, hour, lambda _count: weak_bar), strict=True):
            if mark:
                found[i]["network_new_accounts"] = _(
                    "%(n)s votes by accounts younger than %(h)s h from the same network within %(w)s minutes"
                ) % {"n": mark, "h": limits.new_account_hours, "w": limits.network_window_minutes}
        if len(indexes) <= flood_bar:
            continue
        for i, mark in zip(
            indexes, _window_marks(times, timedelta(days=1), lambda _count: flood_bar), strict=True
        ):
            if mark:
                found[i]["network_flood"] = _(
                    "%(n)s votes by accounts younger than %(h)s h from the same network within 24 hours"
                ) % {"n": mark, "h": limits.new_account_hours}


def _recent_account_signals(rows, by_project, limits, found) -> None:
    """Projects whose votes come from recent accounts (made in the weeks before, not in the same
    sitting) far more often than the other projects' votes do: in an hour, or over the whole vote."""
    low, high = limits.recent_account_min_hours * 3600, limits.recent_account_max_days * 86400
    recent = [row.age is not None and low <= row.age <= high for row in rows]
    total, total_recent = len(rows), sum(recent)
    window = timedelta(minutes=limits.recent_window_minutes)
    for indexes in by_project.values():  # each sorted by time (above)
        n_project = len(indexes)
        k_project = sum(recent[i] for i in indexes)
        if k_project < min(limits.recent_window_min_votes, limits.recent_project_min_votes):
            continue
        # The other projects' share of recent-account votes (smoothed: a vote with few of them
        # elsewhere does not make a handful here look impossible).
        p = (total_recent - k_project + 1) / (total - n_project + 2)
        explain = {
            "p": 100 * p,
            "min": limits.recent_account_min_hours,
            "max": limits.recent_account_max_days,
        }
        if (
            k_project >= limits.recent_project_min_votes
            and k_project >= limits.recent_project_factor * p * n_project
            and _over(k_project, n_project, p, limits.recent_project_z)
        ):
            why = _(
                "%(k)s of this project's %(n)s votes came from accounts made %(min)s h to %(max)s days before "
                "voting; such accounts cast %(p).0f%% of the other projects' votes"
            ) % {"k": k_project, "n": n_project, **explain}
            for i in indexes:
                if recent[i]:
                    found[i]["recent_accounts_project"] = why

        def bar(k, n, p=p):
            return k >= limits.recent_window_min_votes and _over(k, n, p, limits.recent_window_z)

        marks = _recent_window_marks([rows[i].at for i in indexes], [recent[i] for i in indexes], window, bar)
        for i, mark in zip(indexes, marks, strict=True):
            if mark:
                found[i]["recent_accounts_hour"] = _(
                    "%(k)s of %(n)s votes for this project within %(w)s minutes came from accounts made "
                    "%(min)s h to %(max)s days before voting; such accounts cast %(p).0f%% of the other "
                    "projects' votes"
                ) % {"k": mark[0], "n": mark[1], "w": limits.recent_window_minutes, **explain}


# --- Selectors over the log ---------------------------------------------------------------------------


def log_rows(stage) -> list[Row]:
    """The accepted votes' log rows of a stage, as signal input (one query)."""
    values = (
        VoteLog.objects.filter(stage=stage, outcome=VoteLog.Outcome.ACCEPTED)
        .order_by("at", "id")
        .values_list(
            "public_id",
            "project_id",
            "at",
            "network_hash",
            "ua_family",
            "account_age_seconds",
            "disposable_email",
            "aliased_email",
            "vote_id",
        )
    )
    return [Row(*v) for v in values.iterator(chunk_size=5000)]


def flagged(stage, limits: Thresholds | None = None, now=None) -> list[Flag]:
    """Flagged votes of a stage (one strong or two weak signals), newest first."""
    flags = [f for f in evaluate(log_rows(stage), limits, now) if f.flagged]
    flags.sort(key=lambda f: f.row.at, reverse=True)
    return flags
