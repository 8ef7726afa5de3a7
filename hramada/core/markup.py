"""Markdown to safe HTML (news posts, community stories): markdown-it-py renders (raw HTML in the source is not
passed through), then nh3 keeps only the tags, attributes and link schemes below, whatever the renderer produced."""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# No <img>: a picture from another site would be a third-party request; the cover is the post's image.
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Safe HTML for a post's body or a community's story: no scripts, event handlers, styles, frames, or
    javascript:/data: links. Headings start at h2 (the page's h1 is the title)."""
    html = _md.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308  (cleaned by nh3 above)
