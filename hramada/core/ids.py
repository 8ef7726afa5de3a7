"""Public identifiers: ULIDs in URLs, never sequential ids (they leak counts and invite guessing)."""

from ulid import ULID


def new_public_id() -> str:
    return str(ULID()).lower()
