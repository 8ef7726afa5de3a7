from django import template

from ..registry import menu_links

register = template.Library()


@register.simple_tag(takes_context=True)
def org_menu_links(context, organisation):
    return menu_links(context["request"].user, organisation)
