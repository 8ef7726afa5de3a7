"""The "<5" rule (core.privacy): every count of 1 to 4 people is shown as "<5", never the number, and a
breakdown with exactly one small group hides the next smallest too.

Red with the guard removed: make ``suppress_small`` return ``n`` unchanged and
``test_one_to_four_are_never_shown`` fails on 1; change ``SMALL_GROUP`` to 4 and it fails on 4."""

import pytest

from hramada.core import privacy
from hramada.core.privacy import HIDDEN, SMALL, SMALL_GROUP, suppress_groups, suppress_small


def test_the_threshold_is_five():
    assert SMALL_GROUP == 5
    assert SMALL == "<5"


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_one_to_four_are_never_shown(n):
    assert suppress_small(n) == "<5"


@pytest.mark.parametrize("n", [0, 5, 6, 120])
def test_zero_and_five_or_more_are_shown(n):
    assert suppress_small(n) == n


def test_a_single_small_group_hides_the_next_smallest():
    shown = suppress_groups({"a": 3, "b": 40, "c": 9, "d": 0})
    assert shown == {"a": SMALL, "b": 40, "c": HIDDEN, "d": 0}


def test_two_small_groups_hide_nothing_else():
    assert suppress_groups({"a": 3, "b": 2, "c": 9}) == {"a": SMALL, "b": SMALL, "c": 9}


def test_the_old_names_still_apply_the_same_rule():
    """local_issues.accountability and reports.indicators import the rule, they do not restate it."""
    from hramada.local_issues import accountability

    assert accountability.suppress_small is privacy.suppress_groups
    assert accountability.shown_total is privacy.suppress_small
    assert accountability.SMALL_GROUP is privacy.SMALL_GROUP
