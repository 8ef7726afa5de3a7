"""The sensitive fields a person may share, and why we ask (shown next to each field)."""

from django.utils.translation import gettext_lazy as _

SENSITIVE_FIELDS = {
    "gender": _(
        "Donors fund work with women and ask how many women and men took part. We only ever report "
        "groups of five people or more, never you by name."
    ),
    "birth_year": _(
        "Lets us report how old the people we work with are (for example, how many are under 30), "
        "in groups of five or more."
    ),
    "disability": _(
        "Helps us make events accessible and report how many people with disabilities took part, "
        "in groups of five or more."
    ),
}
