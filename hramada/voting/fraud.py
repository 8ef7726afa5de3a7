"""Explainable fraud signals over the append-only vote log (read-only; the fraud panel and the
benchmark ``bench/fraud_replay.py`` run this same code).

Every flag says why, in numbers an organiser can check. The thresholds live in ``THRESHOLDS``
(override with the ``VOTING_FRAUD_THRESHOLDS`` setting). A vote is flagged when it has one strong
signal, or two weak ones; a flag is a reason to look, not a verdict: organisers decide and annul.
"""

import functools
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
    network_new_account_votes: int = 8  # strong: this many new-account votes from one network in the window
    burst_window_minutes: int = 10
    burst_min_votes: int = 20  # weak: more votes than this for one project within the window...
    burst_rate_factor: float = 5.0  # ...and more than this many times the project's normal rate


def thresholds() -> Thresholds:
    overrides = getattr(settings, "VOTING_FRAUD_THRESHOLDS", {}) or {}
    return _thresholds(tuple(sorted(overrides.items())))


@functools.lru_cache(maxsize=8)
def _thresholds(overrides: tuple) -> Thresholds:
    """The thresholds for one set of overrides (the vote path asks several times per vote)."""
    known = {f.name for f in fields(Thresholds)}
    return replace(Thresholds(), **{k: v for k, v in overrides if k in known})


STRONG = {"fast_vote", "network_new_accounts", "disposable_email"}
SIGNAL_LABELS = {
    "fast_vote": gettext_lazy("vote seconds after sign-up"),
    "network_new_accounts": gettext_lazy("many new accounts from one network"),
    "disposable_email": gettext_lazy("throw-away e-mail address"),
    "burst": gettext_lazy("burst of votes for one project"),
    "aliased_email": gettext_lazy("aliased e-mail address (+tag or dotted)"),
    "automation": gettext_lazy("automated browser"),
}


@dataclass
class Row:
    """One accepted vote-log row, as the signals see it."""

    key: object  # the log row's public id (or any identifier in the benchmark)
    project: object
    at: object
    network: str = ""
    ua: str = ""
    age: int | None = None
    disposable: bool = False
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
        return self.strong or len(self.signals) >= 2


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
        if row.disposable:
            found[i]["disposable_email"] = _("the account's address is at a throw-away e-mail service")
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

    # Many new accounts voting from one network.
    new_age = limits.new_account_hours * 3600
    by_network = defaultdict(list)
    for i, row in enumerate(rows):
        if row.network and row.age is not None and row.age < new_age:
            by_network[row.network].append(i)
    window = timedelta(minutes=limits.network_window_minutes)
    bar = limits.network_new_account_votes - 1  # "at least N"
    for indexes in by_network.values():
        if len(indexes) <= bar:
            continue
        indexes.sort(key=lambda i: rows[i].at)
        marks = _window_marks([rows[i].at for i in indexes], window, lambda _count: bar)
        for i, mark in zip(indexes, marks, strict=True):
            if mark:
                found[i]["network_new_accounts"] = _(
                    "%(n)s votes by accounts younger than %(h)s h from the same network within %(w)s minutes"
                ) % {"n": mark, "h": limits.new_account_hours, "w": limits.network_window_minutes}

    return [Flag(rows[i], signals) for i, signals in sorted(found.items())]


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
