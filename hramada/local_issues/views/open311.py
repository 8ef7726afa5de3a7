"""Open311 GeoReport v2 endpoints at /open311/v2/ (no language prefix): each answers JSON or XML by the
extension in its address, errors included (the specification's list of ``code`` and ``description``
with the same HTTP status). The names come in the language of the ``locale`` parameter, else of the
Accept-Language header. Creating a request is a POST with an API key and no cookies, so it is exempt
from CSRF."""

import functools
import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from hramada.core.errors import DomainError

from .. import open311, services
from ..open311 import Open311Error

# Characters XML 1.0 cannot carry at all (control characters other than tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(tag: str, values: dict) -> ET.Element:
    element = ET.Element(tag)
    for name, value in values.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):  # a service definition's attributes
            for item in value:
                child.append(_element("attribute", item))
        else:
            child.text = _text(value)
    return element


def _respond(fmt: str, items: list[dict], root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        tree = ET.Element(root)
        for values in items:
            tree.append(_element(item, values))
        body = ET.tostring(tree, encoding="UTF-8", xml_declaration=True)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return _json(items, status)


def _json(value, status: int = 200) -> HttpResponse:
    # <, > and & escaped as \u003c...: still the same JSON, and never markup if something renders it.
    body = json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)
    return HttpResponse(body.encode(), status=status, content_type="application/json; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, [{"code": status, "description": description}], "errors", "error", status=status)


def endpoint(*methods):
    """Answer in the format of the address, in the client's language; refusals in the error format."""

    if "GET" in methods and "HEAD" not in methods:
        methods = (*methods, "HEAD")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            lang = open311.language(request.GET.get("locale") or request.POST.get("locale", ""), "")
            lang = lang or translation.get_language_from_request(request)
            with translation.override(lang):
                if request.method not in methods:
                    response = _error(fmt, 405, _("This method is not allowed here."))
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    return view(request, *args, fmt=fmt, lang=lang, **kwargs)
                except Open311Error as exc:
                    return _error(fmt, exc.status, exc.description)
                except DomainError as exc:
                    return _error(fmt, 400, f"{exc.field}: {exc.message}" if exc.field else exc.message)

        return never_cache(csrf_exempt(wrapper))

    return decorate


@endpoint("GET")
def service_list(request, *, fmt, lang):
    items = [open311.service(category) for category in open311.service_categories()]
    return _respond(fmt, items, "services", "service")


@endpoint("GET")
def service_definition(request, code, *, fmt, lang):
    definition = open311.definition(open311.category_for(code))
    if fmt == "xml":  # one object, not a list: <service_definition><service_code/><attributes/>
        body = ET.tostring(_element("service_definition", definition), encoding="UTF-8", xml_declaration=True)
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        json.dumps(definition, ensure_ascii=False).encode(), content_type="application/json; charset=utf-8"
    )


@endpoint("GET", "POST")
def requests(request, *, fmt, lang):
    if request.method == "POST":
        return _create(request, fmt=fmt, lang=lang)
    issues = open311.find_requests(request.GET)
    items = [open311.service_request(issue, request.build_absolute_uri) for issue in issues]
    return _respond(fmt, items, "service_requests", "request")


def _create(request, *, fmt, lang):
    from allauth.core.internal.httpkit import get_client_ip

    params = request.POST
    client = open311.client_for_key(params.get("api_key") or request.GET.get("api_key", ""))
    answer = open311.create_request(
        client=client,
        params=params,
        network_key=services.network_key(get_client_ip(request) or ""),
        lang=lang,
    )
    return _respond(fmt, [answer], "service_requests", "request")


@endpoint("GET")
def request_detail(request, public_id, *, fmt, lang):
    issue = open311.find_request(public_id)
    return _respond(
        fmt, [open311.service_request(issue, request.build_absolute_uri)], "service_requests", "request"
    )


@endpoint("GET")
def token_detail(request, token, *, fmt, lang):
    return _respond(fmt, [open311.token_answer(token)], "service_requests", "request")


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request, *, fmt, lang):
    raise Open311Error(404, _("There is no such Open311 resource. See /open311/v2/services.json."))
