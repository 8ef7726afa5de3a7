"""``{% issue_map_tiles as tiles %}``: the operator's tile server for the map of local issues
(``tiles.url``, ``tiles.attribution``; an empty url: the outline map, see docs/local-issues-map.md)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def issue_map_tiles() -> dict:
    return {
        "url": getattr(settings, "LOCAL_ISSUES_TILE_URL", ""),
        "attribution": getattr(settings, "LOCAL_ISSUES_TILE_ATTRIBUTION", ""),
    }
