"""The public JSON API at /api/ (django-ninja): public reads, and actions with a personal token.

Every operation reuses the site's selectors and services; this file only translates HTTP to them and
back (see docs/api.md)."""

from datetime import date
from functools import wraps

from django.http import Http404, HttpResponse
from django.urls import URLPattern, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query, Router, Status
from ninja.decorators import _apply_decorators
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer

from hramada.contests import selectors as contest_selectors
from hramada.contests.models import Edition, Project
from hramada.core.errors import DomainError
from hramada.events import selectors as event_selectors
from hramada.events import services as event_services
from hramada.events.models import Event
from hramada.events.registrations import registration_open
from hramada.events.reports import export_csv as attendance_csv
from hramada.orgs import selectors as org_selectors
from hramada.people import services as people_services
from hramada.places import selectors as place_selectors
from hramada.voting import antifraud
from hramada.voting import selectors as vote_selectors
from hramada.voting import services as vote_services

from . import schemas, services
from .common import AUTH_ERRORS, ERRORS, one, pid, place
from .content import content
from .http import (
    DEFAULT_LIMIT,
    ApiProblem,
    not_found,
    page,
    problem_response,
    public_cache,
    rate_limited,
    too_many,
    with_language,
)
from .models import Scope

# --- Authentication -------------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hrm_…``: an active token, counted against its per-minute limit."""

    def authenticate(self, request, token):
        found = services.token_for(token)
        if found is None:
            raise ApiProblem(401, _("Unauthorized"), _("The token is unknown, revoked or expired."))
        wait = services.count_request(found)
        if wait is not None:
            raise too_many(
                wait,
                _("This token made too many requests this minute. Try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
        request.api_token = found
        return found


token_auth = TokenAuth()


def _require(request, scope: str, *, person: bool = False):
    token = request.auth
    if scope not in token.scopes:
        raise ApiProblem(
            403,
            _("Forbidden"),
            _("This token's scopes do not include “%(scope)s”.") % {"scope": scope},
            kind="insufficient-scope",
        )
    if person and token.user_id is None:
        raise ApiProblem(
            403, _("Forbidden"), _("An organisation's token cannot do this: use a personal token.")
        )
    return token


def _refused(exc: DomainError) -> ApiProblem:
    return ApiProblem(422, _("Refused"), exc.message, kind="refused")


# --- The API object and its problem documents -----------------------------------------------------------


class HramadaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema, with error bodies declared as what they are: ``application/problem+json``."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(code)[:1] in "45" and "application/json" in content:
                        response["content"] = {"application/problem+json": content["application/json"]}
                    elif str(code) == "200" and "text/csv" in content:
                        response["content"] = {"text/csv": content["text/csv"]}
        return schema

    def _get_urls(self):
        """Every answer under /api/ is the API's: a wrong method is a problem document (405, with
        ``Allow``), and so is any path the API does not have (404), instead of the site's HTML pages."""
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _as_problems(pattern.callback)
        urls.append(re_path(r"^.*$", _no_such_path, name="not-found"))
        return urls


def _as_problems(view):
    """The view, with Django's bare 404 and 405 answers (the API's root, ninja's wrong method) as
    problem documents."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _no_such_path(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            return _method_not_allowed(request, response.get("Allow", ""))
        return response

    return wrapper


@with_language
def _method_not_allowed(request, allowed: str):
    return problem_response(
        request,
        ApiProblem(
            405,
            _("Method not allowed"),
            _("This address does not answer %(method)s; it answers %(allowed)s.")
            % {"method": request.method[:10], "allowed": allowed},
            kind="method-not-allowed",
            headers={"Allow": allowed},
        ),
    )


@csrf_exempt
@with_language
def _no_such_path(request, *args, **kwargs):
    return problem_response(
        request,
        ApiProblem(
            404, _("Not found"), _("The API has no such address. Its operations are listed at /api/docs.")
        ),
    )


api = HramadaAPI(
    title="Hramada API",
    version="1",
    # In English for developers: the schema is built once per process, not per request's language.
    description=(
        "Public data of Hramada (organisations, communities, events, contests, news, programmes, local "
        "initiatives, local issues and impact indicators) and actions with a personal token (register for "
        "an event, vote, organiser exports). Errors are problem details (RFC 9457). Send Accept-Language "
        "(be, ru, en) for translated fields. Public reads are limited per address (or per token, when one "
        "is sent); over the limit: 429 with Retry-After. See docs/api.md."
    ),
    urls_namespace="json_api",
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _problem(request, exc):
    return problem_response(request, exc)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem_response(
        request,
        ApiProblem(422, _("Invalid request"), _("Some parameters are missing or invalid."), errors=errors),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(
        request, ApiProblem(401, _("Unauthorized"), _("Send a token: Authorization: Bearer hrm_…"))
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem_response(request, ApiProblem(exc.status_code, str(exc), str(exc)))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, not_found())


@api.exception_handler(DomainError)
def _domain(request, exc):
    return problem_response(request, _refused(exc))


@api.exception_handler(Exception)
def _server_error(request, exc):
    import logging

    logging.getLogger("django.request").error("API error at %s", request.path, exc_info=exc)
    return problem_response(
        request,
        ApiProblem(500, _("Server error"), _("Something went wrong on our side."), kind="server-error"),
    )


# --- Public reads ---------------------------------------------------------------------------------------

public = Router(tags=["public"])


def _organisation(org) -> dict:
    return {
        "id": org.public_id,
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "description": org.description or "",
        "website": org.website or "",
        "country": org.country.code if org.country_id else None,
        "url": reverse("orgs:detail", args=[org.slug]),
    }


@public.get("/organisations", response={200: schemas.OrganisationPage, **ERRORS})
def organisations(
    request, kind: str = "", q: str = "", cursor: str | None = None, limit: int = DEFAULT_LIMIT
):
    """Public organisations; filter by ``kind`` or a ``q`` in the name."""
    qs = org_selectors.public_organisations(kind=kind, q=q[:100])
    return page(qs, cursor=cursor, limit=limit, serialize=_organisation)


@public.get("/organisations/{org_id}", response={200: schemas.Organisation, **ERRORS})
def organisation(request, org_id: str):
    return _organisation(one(org_selectors.public_organisations(), org_id))


def _community(community) -> dict:
    return {
        "id": community.public_id,
        "slug": community.slug,
        "name": community.name,
        "summary": community.summary or "",
        "description": community.description or "",
        "place": place(community.settlement),
        "url": reverse("places:community", args=[community.slug]),
    }


@public.get("/communities", response={200: schemas.CommunityPage, **ERRORS})
def communities(
    request,
    country: str = "",
    region: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Published communities; filter by ``country`` (ISO code, "BY"), ``region`` (ISO 3166-2) or ``q``."""
    qs = place_selectors.published_communities(country=country.upper()[:2], region=region[:10], q=q[:100])
    return page(qs, cursor=cursor, limit=limit, serialize=_community)


@public.get("/communities/{community_id}", response={200: schemas.Community, **ERRORS})
def community(request, community_id: str):
    return _community(one(place_selectors.published_communities(), community_id))


def _event(event, *, detail: bool = False) -> dict:
    data = {
        "id": event.public_id,
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary or "",
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue or "",
        "address": event.address or "",
        "online": bool(event.online_url),
        "organisation": event.organisation.public_id,
        "place": place(event.settlement),
        "registration_mode": event.registration_mode,
        "registration_open": registration_open(event),
        "capacity": event.capacity,
        "url": reverse("events:detail", args=[event.slug]),
    }
    if detail:
        data["description"] = event.description or ""
        data["sessions"] = [
            {
                "id": s.public_id,
                "title": s.title,
                "description": s.description or "",
                "format": s.format,
                "track": s.track.name if s.track_id else None,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "language": s.language or "",
                "capacity": s.capacity,
                "needs_signup": s.needs_signup,
                "speakers": [str(sp.person) for sp in s.speakers.all()],
            }
            for s in event_selectors.sessions_for(event)
        ]
    return data


@public.get("/events", response={200: schemas.EventPage, **ERRORS})
def events(
    request,
    when: str = Query("upcoming", pattern="^(upcoming|past)$"),
    country: str = "",
    starts_after: date | None = None,
    starts_before: date | None = None,
    organisation: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Published events, ``upcoming`` (default) or ``past``; filter by ``country`` (ISO code), the
    start date range, or an ``organisation`` id."""
    qs = event_selectors.public_events(when=when).select_related("settlement__region__country")
    if country:
        qs = qs.filter(settlement__region__country__code=country.upper()[:2])
    if starts_after:
        qs = qs.filter(starts_at__date__gte=starts_after)
    if starts_before:
        qs = qs.filter(starts_at__date__lte=starts_before)
    if organisation:
        qs = qs.filter(organisation__public_id=pid(organisation))
    return page(qs, cursor=cursor, limit=limit, serialize=_event)


def _public_event(event_id: str):
    return one(
        Event.objects.filter(status=Event.Status.PUBLISHED).select_related(
            "organisation", "settlement__region__country"
        ),
        event_id,
    )


@public.get("/events/{event_id}", response={200: schemas.EventDetail, **ERRORS})
def event(request, event_id: str):
    """One published event with its timetable (sessions, tracks, speakers who agreed to be shown)."""
    return _event(_public_event(event_id), detail=True)


def _edition(edition) -> dict:
    now = timezone.now()
    return {
        "id": edition.public_id,
        "contest": edition.contest.title,
        "contest_slug": edition.contest.slug,
        "organisation": edition.contest.organisation.public_id,
        "title": edition.title or "",
        "year": edition.year,
        "categories": [{"id": c.public_id, "title": c.title} for c in edition.categories.all()],
        "stages": [
            {
                "id": s.public_id,
                "kind": s.kind,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "is_open": s.is_open(now),
            }
            for s in edition.stages.all()
        ],
        "url": reverse("contests:edition", args=[edition.contest.slug, edition.public_id]),
    }


def _published_editions():
    return (
        Edition.objects.filter(published_at__isnull=False)
        .select_related("contest__organisation")
        .prefetch_related("categories", "stages")
    )


@public.get("/editions", response={200: schemas.EditionPage, **ERRORS})
def editions(request, contest: str = "", cursor: str | None = None, limit: int = DEFAULT_LIMIT):
    """Published contest editions (drafts never appear); filter by the ``contest``'s short name."""
    qs = _published_editions()
    if contest:
        qs = qs.filter(contest__slug=contest[:80])
    return page(qs, cursor=cursor, limit=limit, serialize=_edition)


def _published_edition(edition_id: str) -> Edition:
    return one(_published_editions(), edition_id)


@public.get("/editions/{edition_id}", response={200: schemas.Edition, **ERRORS})
def edition(request, edition_id: str):
    return _edition(_published_edition(edition_id))


def _project(project) -> dict:
    return {
        "id": project.public_id,
        "edition": project.edition.public_id,
        "category": project.category.public_id,
        "title": project.title,
        "summary": project.summary or "",
        "place": place(project.settlement),
        "community": project.community.public_id if project.community_id else None,
        "url": reverse("contests:project", args=[project.public_id]),
    }


def _public_projects():
    return Project.objects.filter(
        status=Project.Status.ELIGIBLE, edition__published_at__isnull=False
    ).select_related("edition", "category", "community", "settlement__region__country")


@public.get("/editions/{edition_id}/projects", response={200: schemas.ProjectPage, **ERRORS})
def edition_projects(
    request, edition_id: str, category: str = "", cursor: str | None = None, limit: int = DEFAULT_LIMIT
):
    """An edition's eligible projects (those taking part; drafts and screened-out ones never appear);
    filter by a ``category`` id."""
    found = _published_edition(edition_id)
    qs = _public_projects().filter(edition=found)
    if category:
        qs = qs.filter(category__public_id=pid(category))
    return page(qs, cursor=cursor, limit=limit, serialize=_project)


@public.get("/projects/{project_id}", response={200: schemas.Project, **ERRORS})
def project(request, project_id: str):
    found = contest_selectors.public_project(pid(project_id))
    if found is None:
        raise not_found()
    return _project(found)


@public.get("/editions/{edition_id}/results", response={200: schemas.Results, **ERRORS})
def results(request, edition_id: str):
    """The public vote's results page as data: counts when the rules let the public see them (else
    empty, or as of the delay), the rules, their canonical document and fingerprint, the ballot's address."""
    found = _published_edition(edition_id)
    stage = vote_selectors.vote_stage(found.pk)
    if stage is None:
        raise not_found(_("This edition has no public vote."))
    data = vote_selectors.results_page(stage)
    import json

    return {
        "edition": found.public_id,
        "stage": stage.public_id,
        "vote_open": data["vote_open"],
        "counts_visible": data["counts_visible"],
        "counts_as_of": data["counts_as_of"],
        "rules": json.loads(data["rules_document"]),
        "rules_document": data["rules_document"],
        "fingerprint": data["fingerprint"],
        "ballot_url": reverse("voting:ballot", args=[found.contest.slug, found.public_id])
        if data["counts_visible"]
        else None,
        "annulled_total": data["annulled_total"],
        "projects": [
            {
                "project": p.public_id,
                "title": p.title,
                "category": p.category.public_id,
                "votes": p.shown_count,
                "annulled_votes": p.annulled_votes,
            }
            for p in data["projects"]
        ],
    }


# --- Actions with a token -------------------------------------------------------------------------------

actions = Router(tags=["with a token"], auth=token_auth)


@actions.get("/me", response={200: schemas.Me, **AUTH_ERRORS})
def me(request):
    """The token itself: its name, scopes and owner (to check a token works)."""
    token = request.auth
    owner = token.organisation.public_id if token.organisation_id else token.user.person.public_id
    return {
        "token": token.prefix,
        "name": token.name,
        "scopes": token.scopes,
        "owner": owner,
        "owner_kind": "organisation" if token.organisation_id else "user",
    }


def _vote_target(request, project_id: str):
    project = vote_selectors.vote_target(pid(project_id), request.auth.user)
    if project is None:
        raise not_found(_("No project with this id takes part in a vote."))
    return project


@actions.get("/projects/{project_id}/challenge", response={200: schemas.Challenge, **AUTH_ERRORS})
def vote_challenge(request, project_id: str):
    """A proof-of-work challenge for a vote for this project (ALTCHA format, the same the vote button
    solves). Solve it and send the solution as ``altcha`` with the vote; it is good for one vote, for
    this project, for ten minutes."""
    _require(request, Scope.VOTE, person=True)
    project = _vote_target(request, project_id)
    stage = project.vote_stage
    user = request.auth.user
    meta = antifraud.RequestMeta.from_request(request)
    account, age = "", None
    if stage is not None:
        account = vote_selectors.voter_hash(user, stage)
        age = antifraud.account_facts(user, timezone.now()).age_seconds
    level = antifraud.pow_level(
        account=account, network=antifraud.network_hash(meta.ip), account_age=age, stage=stage
    )
    challenge = antifraud.new_challenge(level, project=project.public_id)
    return {**challenge, "maxNumber": antifraud.max_number(level)}


@actions.post("/projects/{project_id}/vote", response={201: schemas.VoteOut, **AUTH_ERRORS})
def vote(request, project_id: str, body: schemas.VoteIn):
    """Vote for a project, through the same checks as a vote on the site (open vote, eligibility,
    verified e-mail, phone check, per-category limit, rate limits, proof of work, fraud log). The
    receipt code is returned once."""
    _require(request, Scope.VOTE, person=True)
    project = _vote_target(request, project_id)
    try:
        cast, receipt = vote_services.cast_vote(
            user=request.auth.user,
            project=project,
            request_meta=antifraud.RequestMeta.from_request(request),
            challenge=body.altcha,
        )
    except DomainError as exc:
        raise _refused(exc) from None
    # No audit entry names the voter: the vote's own entry records that a vote was cast, not by whom.
    return Status(
        201,
        {
            "project": project.public_id,
            "receipt": receipt,
            "slot": cast.slot,
            "votes_per_category": cast.limit,
        },
    )


@actions.delete("/projects/{project_id}/vote", response={200: schemas.Withdrawn, **AUTH_ERRORS})
def withdraw(request, project_id: str):
    """Withdraw your vote for a project while the vote is open."""
    _require(request, Scope.VOTE, person=True)
    project = _vote_target(request, project_id)
    mine = vote_selectors.my_vote_for(request.auth.user, project)
    if mine is None:
        raise ApiProblem(404, _("Not found"), _("You have no vote for this project."))
    try:
        vote_services.withdraw_vote(user=request.auth.user, vote=mine)
    except DomainError as exc:
        raise _refused(exc) from None
    return {"project": project.public_id, "withdrawn": True}


def _registration(registration) -> dict:
    return {
        "event": registration.event.public_id,
        "id": registration.public_id,
        "status": registration.status,
    }


@actions.post("/events/{event_id}/registration", response={201: schemas.RegistrationOut, **AUTH_ERRORS})
def register(request, event_id: str):
    """Register yourself for an event (confirmed while places last, then the waiting list; events with
    approval wait for the organisers). Events with a registration form are registered for on the site."""
    token = _require(request, Scope.REGISTER, person=True)
    found = _public_event(event_id)
    if found.registration_form_id:
        raise ApiProblem(
            422,
            _("Refused"),
            _("This event asks questions when you register: register on its page."),
            kind="refused",
        )
    person = people_services.ensure_person(token.user)
    try:
        registration = event_services.register(event=found, person=person, actor=token.user)
    except DomainError as exc:
        raise _refused(exc) from None
    services.audit_use(
        token=token,
        action="event.registered",
        target=found,
        scope=found.organisation,
        data={"event": found.public_id, "status": registration.status},
    )
    return Status(201, _registration(registration))


@actions.delete("/events/{event_id}/registration", response={200: schemas.RegistrationOut, **AUTH_ERRORS})
def cancel(request, event_id: str):
    """Cancel your registration; a freed place goes to the waiting list."""
    token = _require(request, Scope.REGISTER, person=True)
    found = _public_event(event_id)
    person = people_services.ensure_person(token.user)
    registration = event_selectors.registration_for(found, person)
    if registration is None:
        raise ApiProblem(404, _("Not found"), _("You are not registered for this event."))
    try:
        registration = event_services.cancel(actor=token.user, registration=registration)
    except DomainError as exc:
        raise _refused(exc) from None
    services.audit_use(
        token=token,
        action="event.cancelled",
        target=found,
        scope=found.organisation,
        data={"event": found.public_id},
    )
    return _registration(registration)


def _may_export(token, event) -> bool:
    if token.organisation_id is not None:
        return event.organisation_id == token.organisation_id
    return token.user.has_perm("events.manage_event", event)


@actions.get(
    "/events/{event_id}/attendance.csv",
    response={200: str, **AUTH_ERRORS},
    openapi_extra={
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def attendance(request, event_id: str):
    """The organisers' attendance list as CSV (the same file as on the event's attendance page)."""
    token = _require(request, Scope.EXPORTS)
    found = Event.objects.filter(public_id=pid(event_id)).select_related("organisation").first()
    if found is None or not _may_export(token, found):
        raise not_found()
    services.audit_use(
        token=token, action="event.attendance_exported", target=found, scope=found.organisation
    )
    response = HttpResponse(attendance_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-{found.public_id}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# Every operation answers in the request's language; public reads are rate limited (per token or per
# address), carry an ETag and may be cached.
# (Through ninja's view decorators, which follow the operations when the API mounts the routers.)
for router, decorators in (
    (public, (public_cache, rate_limited, with_language)),
    (content, (public_cache, rate_limited, with_language)),
    (actions, (with_language,)),
):
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            _apply_decorators(decorators, operation)

api.add_router("/", public)
api.add_router("/", content)
api.add_router("/", actions)
