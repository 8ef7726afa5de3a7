from django import template

from hramada.questions.services import display_value

register = template.Library()


@register.filter
def answer_display(answer) -> str:
    return display_value(answer) if answer is not None else ""
