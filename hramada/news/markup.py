"""Moved to ``hramada.core.markup`` (community stories in places use it too); kept for old imports."""

from hramada.core.markup import ATTRIBUTES, SCHEMES, TAGS, render_markdown

__all__ = ["ATTRIBUTES", "SCHEMES", "TAGS", "render_markdown"]
