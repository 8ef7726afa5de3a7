from django import template

register = template.Library()


@register.filter
def count_of(counts: dict, project) -> int:
    """A project's count in a {project id: count} mapping (0 when it has none)."""
    return counts.get(project.pk, 0) if counts else 0
