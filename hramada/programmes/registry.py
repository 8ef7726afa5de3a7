"""Extension points of the programmes app, for the apps above it.

``register_plan_action(label, url_name, shown=fn)``: a link on an action plan's page. ``url_name``
takes the plan's ``public_id``; ``shown(user, plan)`` says to whom the link is shown (default: the
participant who wrote the plan). The ``initiatives`` app adds "Start an initiative from this plan"
this way, so that programmes never imports it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PlanAction:
    label: str
    url_name: str
    shown: Callable | None = None


_plan_actions: list[PlanAction] = []


def register_plan_action(label, url_name: str, shown: Callable | None = None) -> None:
    """Add a link to every action plan's page (once per ``url_name``: a second call replaces it)."""
    _plan_actions[:] = [a for a in _plan_actions if a.url_name != url_name]
    _plan_actions.append(PlanAction(label, url_name, shown))


def plan_actions(user, plan) -> list[dict]:
    """The registered links this user sees on this plan: ``[{"label", "url"}]``."""
    links = []
    for action in _plan_actions:
        if action.shown is None:
            visible = user.is_authenticated and plan.participant.person.user_id == user.pk
        else:
            visible = action.shown(user, plan)
        if visible:
            links.append({"label": action.label, "url": reverse(action.url_name, args=[plan.public_id])})
    return links
