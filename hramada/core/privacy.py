"""Small groups in published figures: the one place the "<5" rule lives.

A count of 1 to 4 people could point at someone (in a village, "2 women with a disability" names
them), so every page, export and map shows such a count as "<5", never the number. Zero stays zero: it
describes nobody. Used by the reports (indicators, the reach map), local issues' accountability pages
and the community timelines of events and programmes.
"""

SMALL_GROUP = 5  # the smallest count of people ever shown as a number
SMALL = f"<{SMALL_GROUP}"  # what a count of 1 to SMALL_GROUP - 1 shows instead
HIDDEN = "hidden"  # a larger count hidden so that a small one cannot be found by subtraction


def suppress_small(n: int) -> int | str:
    """``n`` as it may be shown: 1 to 4 become "<5"; 0 and 5 or more stay as they are."""
    return SMALL if 0 < n < SMALL_GROUP else n


def is_shown(value) -> bool:
    """Whether a shown figure is a plain number (not "<5" or hidden)."""
    return isinstance(value, int) and not isinstance(value, bool)


def suppress_groups(counts: dict) -> dict:
    """A breakdown's counts as shown: each 1-4 becomes "<5". If exactly one group is "<5", the next
    smallest group is hidden too, so that the small one cannot be found by subtracting the others from
    the total (which is shown)."""
    shown = {k: suppress_small(n) for k, n in counts.items()}
    return hide_one_more(counts, shown)


def hide_one_more(counts: dict, shown: dict) -> dict:
    """If exactly one group of ``shown`` is not a number, hide the smallest group still shown (the
    total minus the others would otherwise give the hidden one back). ``counts`` are the true values."""
    withheld = [k for k, v in shown.items() if not is_shown(v) and counts[k]]
    if len(withheld) == 1:
        larger = sorted((n, i) for i, (k, n) in enumerate(counts.items()) if is_shown(shown[k]) and n)
        if larger:
            shown[list(counts)[larger[0][1]]] = HIDDEN
    return shown
