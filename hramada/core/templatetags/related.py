"""``{% related_sections obj %}``: the sections higher apps registered for ``obj``'s model
(core.registry.register_related_section), so that a lower app's page shows them without importing them."""

from django import template

from hramada.core.registry import related_sections_for

register = template.Library()


@register.inclusion_tag("core/_related_sections.html")
def related_sections(obj, heading_level=2):
    return {"sections": related_sections_for(obj), "heading_level": heading_level}
