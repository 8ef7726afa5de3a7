"""Links that higher apps add to awards on the organisers' prize page and the published results
(initiatives: "Start an initiative", "Now an initiative: ..."), without awards importing them.

Each registered ``fn(awards, user, *, manage) -> {award pk: [(label, url), ...]}`` answers for a list
of awards in a fixed number of queries; ``manage`` is True on the organisers' page.
"""

award_links: list = []


def register_award_links(fn) -> None:
    if fn not in award_links:
        award_links.append(fn)


def links_for(awards, user, *, manage: bool) -> dict:
    """Every registered app's links, merged per award pk."""
    merged: dict = {}
    for fn in award_links:
        for pk, links in fn(awards, user, manage=manage).items():
            merged.setdefault(pk, []).extend(links)
    return merged


def attach_links(awards, user, *, manage: bool) -> None:
    """Set ``award.extra_links`` (a list of (label, url)) on each award, for the templates."""
    awards = list(awards)
    merged = links_for(awards, user, manage=manage) if award_links and awards else {}
    for award in awards:
        award.extra_links = merged.get(award.pk, [])
