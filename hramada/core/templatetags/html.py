import datetime

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def datetime_attr(value) -> str:
    """A date or a datetime as the datetime attribute of <time> takes it: ISO 8601, local time to the
    second (date:'c' prints microseconds, which HTML does not allow). Loaded for every template."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
