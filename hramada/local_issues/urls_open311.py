"""Open311 GeoReport v2 at /open311/v2/ (no language prefix: clients send their own locale).

Each resource ends in .json or .xml; anything else under /open311/v2/ is a 404 in the specification's
error format. Ids are matched strictly: a request id is a public id, a token or a service code only
letters, digits, "-" and "_"."""

from django.urls import re_path

from .views import open311

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_-]{1,40})" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    re_path(r"^requests/(?P<public_id>[0-9A-Za-z]{26})" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_-]{1,64})" + FMT, open311.token_detail, name="token"),
    re_path(r"^.*\.xml$", open311.not_found, {"fmt": "xml"}),
    re_path(r"^.*$", open311.not_found),
]
