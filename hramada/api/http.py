"""The API's HTTP conventions: problem details (RFC 9457), the language of a request, ETags and
cursor pagination. One place, so every operation behaves the same."""

import base64
import binascii
import hashlib
import re
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

PROBLEM_TYPE = "https://hramada.invalid/problems/"  # documented in docs/api.md; not fetched by anyone
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_CURSOR = re.compile(r"[0-9A-Za-z]{26}")


class ApiProblem(Exception):
    """An error the API answers with a problem document."""

    def __init__(
        self, status: int, title: str, detail: str = "", *, kind: str = "", headers=None, errors=None
    ):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind or {
            400: "bad-request",
            401: "unauthorized",
            403: "forbidden",
            404: "not-found",
            409: "conflict",
            422: "unprocessable",
            429: "too-many-requests",
        }.get(status, "error")
        self.headers = headers or {}
        self.errors = errors


def problem_response(request, problem: ApiProblem) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE + problem.kind,
        "title": str(problem.title),
        "status": problem.status,
        "detail": str(problem.detail),
        "instance": request.path if request is not None else "",
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = JsonResponse(
        body,
        status=problem.status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in problem.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    if problem.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hramada"'
    return response


def not_found(what: str = "") -> ApiProblem:
    return ApiProblem(404, _("Not found"), what or _("Nothing public has this id."))


def request_language(request) -> str:
    """The language of ``Accept-Language`` among the site's languages (the default one otherwise).

    Only the header counts: the API ignores the site's language cookie, so the same request gives the
    same answer from a browser and from a script."""
    header = request.headers.get("Accept-Language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    for lang, _q in translation.trans_real.parse_accept_lang_header(header):
        if lang == "*":
            break
        try:
            return translation.get_supported_language_variant(lang)
        except LookupError:
            base = lang.split("-")[0]
            if base in supported:
                return base
    return settings.LANGUAGE_CODE


def with_language(run):
    """Run an operation in the request's language and say which it was (``Content-Language``)."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        lang = request_language(request)
        with translation.override(lang):
            response = run(request, *args, **kwargs)
        response["Content-Language"] = lang
        vary = {v.strip() for v in response.get("Vary", "").split(",") if v.strip()}
        response["Vary"] = ", ".join(sorted(vary | {"Accept-Language"}))
        return response

    return wrapper


def public_cache(run):
    """A public read: a strong ETag from the body, ``Cache-Control: public, max-age=60`` and 304 when
    ``If-None-Match`` names the same ETag."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        matches = {
            tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")
        }
        if etag in matches or "*" in matches:
            response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        return response

    return wrapper


def too_many(wait: int, detail: str) -> ApiProblem:
    return ApiProblem(429, _("Too many requests"), detail, headers={"Retry-After": str(wait)})


def rate_limited(run):
    """A public read, counted: with a valid token against the token's limit, else against the client's
    (hashed) address. Over it: 429 with ``Retry-After``."""
    from hramada.voting.antifraud import RequestMeta

    from . import services

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        token = services.token_for(raw.strip()) if scheme.lower() == "bearer" else None
        if token is not None:
            wait = services.count_request(token)
            detail = _("This token made too many requests this minute. Try again in %(seconds)s seconds.")
        else:
            wait = services.count_anonymous(RequestMeta.from_request(request).ip)
            detail = _(
                "Too many requests from your address this minute. Try again in %(seconds)s seconds, "
                "or use a token (it has its own limit)."
            )
        if wait is not None:
            return problem_response(request, too_many(wait, detail % {"seconds": wait}))
        return run(request, *args, **kwargs)

    return wrapper


def encode_cursor(public_id: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{public_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    version, _sep, public_id = raw.partition(":")
    if version != "v1" or not _CURSOR.fullmatch(public_id):
        raise ApiProblem(400, _("Bad cursor"), _("Use the next_cursor of a previous page, as it was given."))
    return public_id


def page(queryset, *, cursor: str | None, limit: int, newest_first: bool = False, serialize):
    """One page of ``queryset`` in public-id order (ULIDs: the order things were created), after
    ``cursor``. Stable: an item added or removed elsewhere never shifts or repeats the others."""
    limit = max(1, min(limit, MAX_LIMIT))
    order = "-public_id" if newest_first else "public_id"
    queryset = queryset.order_by(order)
    if cursor:
        after = decode_cursor(cursor)
        queryset = queryset.filter(**{"public_id__lt" if newest_first else "public_id__gt": after})
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [serialize(row) for row in rows],
        "next_cursor": encode_cursor(rows[-1].public_id) if more else None,
    }
