"""Reads from a PostgreSQL read replica, opt-in per view (docs/architecture.md, "The read replica").

Nothing reads from the replica unless a view asks for it with ``use_replica``: a replica lags behind
the primary by a moment, and a page that shows what its visitor has just done (a registration, a
vote, a saved form) must read the primary. So the replica serves only pages that can be a moment
old: public lists and reports for anonymous visitors, and aggregate reports and exports.

Even inside ``use_replica`` a read goes to the primary when

* the database has no ``replica`` alias (``DATABASE_REPLICA_URL`` unset): the router is a no-op;
* the request has written anything (any ``db_for_write`` since the request began), so it reads
  its own writes;
* the primary connection is inside ``transaction.atomic`` (a service's transaction, a
  ``select_for_update``): what a transaction reads must be what it writes against.

Writes always go to the primary. Raw cursors (``connection.cursor()``) bypass routers and use the
connection they name, the primary's by default.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_ALIASES = {DEFAULT_DB_ALIAS, REPLICA}


@dataclass
class _State:
    """What this request (or task) has done so far: asked for the replica, written anything."""

    active: bool = False
    wrote: bool = False


_state: ContextVar[_State | None] = ContextVar("hramada_replica_state", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def use_replica():
    """Reads inside this block may go to the replica (see the module's rules for when they do not).

    Within a request the block shares the request's state (a write earlier in the request keeps
    reads on the primary); elsewhere (a task, a command) the block is its own scope.
    """
    state = _state.get()
    token = None
    if state is None:
        state = _State()
        token = _state.set(state)
    was_active = state.active
    state.active = True
    try:
        yield
    finally:
        state.active = was_active
        if token is not None:
            _state.reset(token)


def replica_view(view=None, *, signed_in: bool = False):
    """Decorate a read-only view so its reads may go to the replica.

    Only GET and HEAD requests, and by default only anonymous visitors: a signed-in person may be
    looking for what they have just done. ``signed_in=True`` is for aggregate reports and exports,
    where a moment's lag changes nothing the reader is waiting for. The visitor's session and user
    are loaded from the primary before the replica is switched on.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not replica_configured():
                return func(request, *args, **kwargs)
            user = getattr(request, "user", None)
            authenticated = bool(user is not None and user.is_authenticated)  # loads it, on the primary
            if authenticated and not signed_in:
                return func(request, *args, **kwargs)
            with use_replica():
                response = func(request, *args, **kwargs)
                # A TemplateResponse renders later; render it here, while the replica is allowed.
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response

        wrapper.uses_replica = True
        return wrapper

    return decorate(view) if view is not None else decorate


class ReplicaRouter:
    """Sends reads to the replica inside ``use_replica`` when nothing requires the primary."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        state = _state.get()
        if state is None or not state.active or state.wrote:
            # Explicitly the primary: without it Django would follow an object loaded from the
            # replica (its ``_state.db``) and read its relations there after the block ended.
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        if not replica_configured():
            return None
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be linked to one read here.
        if obj1._state.db in _ALIASES and obj2._state.db in _ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema through replication; never migrate it directly.
        return False if db == REPLICA else None


class ReplicaStateMiddleware:
    """Starts each request with a fresh state, so "this request wrote" means this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _state.set(_State())
        try:
            return self.get_response(request)
        finally:
            _state.reset(token)
