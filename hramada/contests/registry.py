"""Links that higher apps (voting, awards) add to an edition's organiser pages without being imported.

Each entry is (order, label, URL name); the URL takes ``contest`` (slug) and ``edition`` (public id).
"""

edition_manage_links: list[tuple[int, object, str]] = []


def register_edition_manage_link(order: int, label, url_name: str) -> None:
    if any(existing == url_name for _, _, existing in edition_manage_links):
        return
    edition_manage_links.append((order, label, url_name))
    edition_manage_links.sort(key=lambda item: item[0])


# Checks that higher apps run before an organiser moves a stage's dates: each is
# ``fn(stage, new_starts_at, new_ends_at)`` and may raise ``DomainError`` to refuse (the public vote
# refuses to move a vote whose rules are frozen, since the published fingerprint covers its window).
stage_edit_guards: list = []


def register_stage_edit_guard(fn) -> None:
    if fn not in stage_edit_guards:
        stage_edit_guards.append(fn)


# Where an edition's results are published, by an app above (awards publishes winners and tallies):
# each is ``fn(editions) -> {edition pk: url}`` for a list of editions with their contests, in a fixed
# number of queries whatever the number of editions. The contest list and the edition page link them.
edition_results_links: list = []


def register_edition_results_links(fn) -> None:
    if fn not in edition_results_links:
        edition_results_links.append(fn)
