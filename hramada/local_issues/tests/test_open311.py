"""Open311 GeoReport v2, tested the way a third-party client uses it: by address and the
specification's field names, in JSON and in XML (parsed with ElementTree), every filter and every
refusal, the API key attacks, and the same moderation queue and rate limits as the web."""

import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff
from hramada.local_issues import open311, services
from hramada.local_issues.models import (
    Category,
    Issue,
    IssuePhoto,
    Open311Client,
    TimelineEntry,
    token_hash,
)
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.models import Person
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import CommunityFactory, SettlementFactory

from .factories import AuthorityFactory, IssueFactory, ModeratorFactory, category

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


# --- A client's view of the API ----------------------------------------------------------------------


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own server's answer, in a test)


def _items(response, fmt):
    """The answer as a list of dicts of strings (XML) or JSON values, and the XML root's tag."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content), None
    assert response["Content-Type"].startswith("text/xml")
    root = parse_xml(response.content)
    return [{child.tag: child.text or "" for child in item} for item in root], root


def call(client, method, path, fmt="json", data=None, **headers):
    url = f"{BASE}{path}.{fmt}"
    if method == "get":
        response = client.get(url, data or {}, **headers)
    else:
        response = getattr(client, method)(url, data or {}, **headers)
    items, root = _items(response, fmt)
    return response.status_code, items, root


def error_of(client, method, path, fmt, data=None):
    """(HTTP status, the error's code, its description) of a refusal, checking the error format; the
    client reads English (without it the platform's language, Belarusian, answers)."""
    status, items, root = call(client, method, path, fmt, data, HTTP_ACCEPT_LANGUAGE="en")
    assert len(items) == 1, items
    if fmt == "xml":
        assert root.tag == "errors" and root[0].tag == "error"
    assert set(items[0]) == {"code", "description"}
    assert str(items[0]["code"]) == str(status)
    assert items[0]["description"]
    return status, int(items[0]["code"]), items[0]["description"]


def jpeg() -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="photo.jpg")


@pytest.fixture
def key():
    """A working API key (as the organisers' page issues it)."""
    staff = UserFactory(is_staff=True)
    staff.two_factor_passed = True
    _client, value = open311.create_client(actor=staff, name="City app", organisation=OrganisationFactory())
    return value


@pytest.fixture
def place():
    """A community in a settlement with a known position (Bashni-like, in the Mogilev region)."""
    settlement = SettlementFactory(latitude=Decimal("53.90000"), longitude=Decimal("30.33000"))
    return CommunityFactory(settlement=settlement)


def new_request(**values):
    values.setdefault("service_code", "roads")
    values.setdefault("lat", "53.9010")
    values.setdefault("long", "30.3310")
    values.setdefault("description", "A deep pothole at the bus stop.")
    return values


# --- Services ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_are_the_categories(client, fmt):
    status, items, root = call(client, "get", "services", fmt)
    assert status == 200
    if fmt == "xml":
        assert root.tag == "services" and {child.tag for child in root} == {"service"}
    codes = [item["service_code"] for item in items]
    assert codes == list(Category.objects.order_by("order", "id").values_list("code", flat=True))
    assert {"roads", "water", "transport", "culture-sport", "other"} <= set(codes)
    roads = items[codes.index("roads")]
    assert set(roads) >= {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert roads["service_name"] == category("roads").title_be  # no locale: the site's default language
    assert roads["metadata"] in (False, "false")
    assert roads["type"] == "batch"
    assert "roads" in roads["keywords"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_names_follow_locale_then_accept_language(client, fmt):
    roads = category("roads")
    _s, items, _r = call(client, "get", "services", fmt, {"locale": "ru_RU"})
    assert items[0]["service_name"] == Category.objects.order_by("order", "id").first().title_ru
    assert next(i for i in items if i["service_code"] == "roads")["service_name"] == roads.title_ru
    _s, items, _r = call(client, "get", "services", fmt, HTTP_ACCEPT_LANGUAGE="be")
    assert next(i for i in items if i["service_code"] == "roads")["service_name"] == roads.title_be
    _s, items, _r = call(client, "get", "services", fmt, {"locale": "xx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert next(i for i in items if i["service_code"] == "roads")["service_name"] == roads.title_en


def test_a_category_not_offered_is_no_service(client):
    Category.objects.filter(code="other").update(active=False)
    _s, items, _r = call(client, "get", "services")
    assert "other" not in [item["service_code"] for item in items]
    assert error_of(client, "get", "services/other", "json")[:2] == (404, 404)


def test_service_definition_json(client):
    response = client.get(f"{BASE}services/water.json")
    assert response.status_code == 200
    assert json.loads(response.content) == {"service_code": "water", "attributes": []}


def test_service_definition_xml(client):
    response = client.get(f"{BASE}services/water.xml")
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "service_definition"
    assert root.find("service_code").text == "water"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_error_format(client, fmt):
    assert error_of(client, "get", "services/no-such-code", fmt)[:2] == (404, 404)


# --- Reading requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_only_public_issues_are_requests(client, fmt):
    """Waiting, hidden and merged issues never appear, in the list, by id or in the id filter."""
    public = IssueFactory()
    waiting = IssueFactory(status="waiting", published_at=None)
    hidden = IssueFactory(hidden_at=timezone.now(), hidden_reason="insults")
    merged = IssueFactory(status="merged", merged_into=public)
    status, items, root = call(client, "get", "requests", fmt)
    assert status == 200
    if fmt == "xml":
        assert root.tag == "service_requests" and {child.tag for child in root} == {"request"}
    assert [item["service_request_id"] for item in items] == [public.public_id]
    for issue in (waiting, hidden, merged):
        assert error_of(client, "get", f"requests/{issue.public_id}", fmt)[:2] == (404, 404)
        _s, items, _r = call(client, "get", "requests", fmt, {"service_request_id": issue.public_id})
        assert items == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_s_fields(client, fmt):
    authority = AuthorityFactory(name="Mstislavl District Executive Committee")
    reporter = UserFactory(email="reporter-secret@example.org").person
    reporter.display_name = "Marina Secret-Name"
    reporter.save()
    issue = IssueFactory(
        reporter=reporter,
        show_name=True,
        authority=authority,
        status="planned",
        address="Lenina 1",
        latitude=Decimal("53.900001"),
        longitude=Decimal("30.330002"),
        description="Deep & wide <hole>",
    )
    photo = IssuePhoto(issue=issue)
    photo.image.save("photo.jpg", jpeg(), save=False)
    photo.save()
    TimelineEntry.objects.create(issue=issue, kind="acknowledged", authority=authority, text="We saw it.")
    TimelineEntry.objects.create(
        issue=issue,
        kind="planned",
        authority=authority,
        text="Repair in spring.",
        planned_for=date(2027, 4, 1),
    )
    status, items, _r = call(client, "get", f"requests/{issue.public_id}", fmt)
    assert status == 200 and len(items) == 1
    item = items[0]
    assert list(item)[: len(REQUEST_FIELDS)] == REQUEST_FIELDS
    assert item["service_request_id"] == issue.public_id
    assert item["status"] == "open"
    assert item["status_notes"] == "Repair in spring."
    assert item["service_code"] == "roads" and item["service_name"] == category("roads").title_be
    assert item["description"] == "Deep & wide <hole>"
    assert item["agency_responsible"] == "Mstislavl District Executive Committee"
    issue.refresh_from_db()
    assert (
        item["requested_datetime"]
        == issue.created_at.astimezone(UTC).isoformat(timespec="seconds")[:-6] + "Z"
    )
    assert item["expected_datetime"].startswith("2027-0")  # 1 April, midnight in Minsk (UTC+3)
    assert item["address"] == f"Lenina 1, {issue.settlement.name}"
    assert item["address_id"] == issue.settlement.public_id
    assert float(item["lat"]) == 53.900001 and float(item["long"]) == 30.330002
    assert item["media_url"].startswith("http://testserver/") and item["media_url"].endswith(".jpg")
    body = client.get(f"{BASE}requests/{issue.public_id}.{fmt}").content.decode()
    assert "Secret-Name" not in body and "reporter-secret" not in body and reporter.public_id not in body


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_closed_statuses_and_empty_fields(client, fmt):
    issue = IssueFactory(status="resolved")
    _s, items, _r = call(client, "get", f"requests/{issue.public_id}", fmt)
    item = items[0]
    assert item["status"] == "closed"
    empty = None if fmt == "json" else ""
    for name in (
        "status_notes",
        "agency_responsible",
        "expected_datetime",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ):
        assert item[name] == empty, name


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_script_and_control_characters_travel_safely(client, fmt):
    issue = IssueFactory(description='<script>alert("x")</script> ]]> &amp; \x01\x0b end')
    response = client.get(f"{BASE}requests/{issue.public_id}.{fmt}")
    assert b"<script>" not in response.content
    items, _root = _items(response, fmt)
    expected = '<script>alert("x")</script> ]]> &amp; ' + (" end" if fmt == "xml" else "\x01\x0b end")
    assert items[0]["description"] == expected


def test_filter_by_service_request_ids(client):
    first, second, third = IssueFactory(), IssueFactory(), IssueFactory()
    Issue.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=400))
    ids = f"{first.public_id},{third.public_id.upper()}, nonsense"
    # The ids override every other filter (the old one is outside the default 90 days, the code differs).
    _s, items, _r = call(
        client, "get", "requests", "json", {"service_request_id": ids, "service_code": "water"}
    )
    assert {item["service_request_id"] for item in items} == {first.public_id, third.public_id}
    assert second.public_id not in {item["service_request_id"] for item in items}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filter_by_service_code(client, fmt):
    roads = IssueFactory(category=category("roads"))
    water = IssueFactory(category=category("water"))
    IssueFactory(category=category("health"))
    _s, items, _r = call(client, "get", "requests", fmt, {"service_code": "water"})
    assert [item["service_request_id"] for item in items] == [water.public_id]
    _s, items, _r = call(client, "get", "requests", fmt, {"service_code": "water,roads"})
    assert {item["service_request_id"] for item in items} == {water.public_id, roads.public_id}
    _s, items, _r = call(client, "get", "requests", fmt, {"service_code": "unknown"})
    assert items == []


def _aged(days):
    issue = IssueFactory()
    Issue.objects.filter(pk=issue.pk).update(created_at=timezone.now() - timedelta(days=days))
    return issue


def test_dates_default_to_the_last_90_days(client):
    recent, old = _aged(10), _aged(120)
    _s, items, _r = call(client, "get", "requests")
    assert [item["service_request_id"] for item in items] == [recent.public_id]
    assert old.public_id not in json.dumps(items)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filter_by_start_and_end_date(client, fmt):
    a, b, c = _aged(5), _aged(50), _aged(150)
    now = timezone.now()

    def iso(moment):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ids(**params):
        return [item["service_request_id"] for item in call(client, "get", "requests", fmt, params)[1]]

    assert ids(start_date=iso(now - timedelta(days=60)), end_date=iso(now)) == [a.public_id, b.public_id]
    assert ids(start_date=iso(now - timedelta(days=60)), end_date=iso(now - timedelta(days=20))) == [
        b.public_id
    ]
    assert ids(start_date=iso(now - timedelta(days=160))) == [c.public_id]  # start + 90 days
    assert ids(end_date=iso(now - timedelta(days=100))) == [c.public_id]  # end - 90 days
    assert ids(start_date=(now - timedelta(days=60)).isoformat()) == [a.public_id, b.public_id]
    assert ids(start_date=str((now - timedelta(days=8)).date())) == [a.public_id]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-12-01T00:00:00Z"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"status": "pending"},
        {"page_size": "0"},
        {"page_size": "many"},
        {"page": "-1"},
    ],
)
def test_bad_filters_are_400(client, fmt, params):
    status, code, _description = error_of(client, "get", "requests", fmt, params)
    assert (status, code) == (400, 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filter_by_status(client, fmt):
    statuses = [
        "open",
        "forwarded",
        "acknowledged",
        "planned",
        "reopened",
        "resolved",
        "declined",
        "confirmed",
    ]
    issues = {status: IssueFactory(status=status) for status in statuses}

    def ids(status):
        return {
            item["service_request_id"] for item in call(client, "get", "requests", fmt, {"status": status})[1]
        }

    opened = {issues[s].public_id for s in ("open", "forwarded", "acknowledged", "planned", "reopened")}
    closed = {issues[s].public_id for s in ("resolved", "declined", "confirmed")}
    assert ids("open") == opened
    assert ids("closed") == closed
    assert ids("open,closed") == opened | closed
    assert ids("") == opened | closed


def test_page_size_and_page(client):
    issues = [_aged(days) for days in (1, 2, 3, 4, 5)]
    _s, items, _r = call(client, "get", "requests", "json", {"page_size": "2"})
    assert [i["service_request_id"] for i in items] == [issues[0].public_id, issues[1].public_id]
    _s, items, _r = call(client, "get", "requests", "json", {"page_size": "2", "page": "3"})
    assert [i["service_request_id"] for i in items] == [issues[4].public_id]
    _s, items, _r = call(client, "get", "requests", "json", {"page_size": "5000"})
    assert len(items) == 5  # at most 1000 at once


def test_the_list_reads_a_fixed_number_of_queries(client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}requests.json").status_code == 200
        return len(queries)

    for _ in range(2):
        issue = IssueFactory(authority=AuthorityFactory())
        TimelineEntry.objects.create(issue=issue, kind="acknowledged", text="Seen.")
    few = count()
    for _ in range(6):
        issue = IssueFactory(authority=AuthorityFactory())
        TimelineEntry.objects.create(issue=issue, kind="planned", text="Soon.", planned_for=date(2027, 1, 1))
        photo = IssuePhoto(issue=issue)
        photo.image.save("p.jpg", jpeg(), save=False)
        photo.save()
    assert count() == few <= 4


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_and_malformed_addresses_are_404_in_the_error_format(client, fmt):
    assert error_of(client, "get", "requests/01hzzzzzzzzzzzzzzzzzzzzzzz", fmt)[:2] == (404, 404)
    assert error_of(client, "get", "requests/not-an-id%00", fmt)[:2] == (404, 404)
    assert error_of(client, "get", "tokens/unknown-token", fmt)[:2] == (404, 404)
    assert error_of(client, "get", "nothing/here", fmt)[:2] == (404, 404)


def test_head_is_answered_like_get(client):
    response = client.head(f"{BASE}services.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_wrong_methods_are_refused_in_the_error_format(client):
    response = client.put(f"{BASE}requests.json")
    assert response.status_code == 405 and json.loads(response.content)[0]["code"] == 405
    response = client.post(f"{BASE}services.xml")
    assert response.status_code == 405 and parse_xml(response.content).tag == "errors"


# --- Creating requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("api_key", "word"),
    [(None, "required"), ("", "required"), ("guessed-key", "not valid"), ("revoked", "revoked")],
)
def test_key_attacks_are_403(client, place, key, fmt, api_key, word):
    """Missing, guessed and revoked keys create nothing (red with the revoked check in
    ``open311.client_for_key`` removed: the revoked key then files a request)."""
    data = new_request()
    if api_key == "revoked":
        staff = UserFactory(is_staff=True)
        staff.two_factor_passed = True
        open311.revoke_client(actor=staff, client=Open311Client.objects.get(key_hash=token_hash(key)))
        api_key = key
    if api_key is not None:
        data["api_key"] = api_key
    status, code, description = error_of(client, "post", "requests", fmt, data)
    assert (status, code) == (403, 403) and word in description
    assert not Issue.objects.exists()


def test_the_key_s_hash_alone_is_stored_and_does_not_work(client, place, key):
    stored = Open311Client.objects.get()
    assert stored.key_hash == token_hash(key) and key not in str(Open311Client.objects.values().get())
    assert error_of(client, "post", "requests", "json", new_request(api_key=stored.key_hash))[0] == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"service_code": ""}, 400),
        ({"service_code": "no-such"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"long": ""}, 400),
        ({"lat": "91"}, 400),
        ({"lat": "nan"}, 400),
        ({"long": "1e999"}, 400),
        ({"description": "  "}, 400),
        ({"description": "x" * 5001}, 400),
        ({"lat": "40.18", "long": "44.51"}, 400),  # Yerevan: no community within 30 km
        ({"lat": "", "long": "", "address_string": "Lenina 1"}, 400),  # an address alone: no community
        ({"community": "no-such-community"}, 400),
        ({"email": "not-an-address"}, 400),
    ],
)
def test_bad_requests_are_refused(client, place, key, fmt, change, status):
    data = {**new_request(api_key=key), **change}
    assert error_of(client, "post", "requests", fmt, data)[:2] == (status, status)
    assert not Issue.objects.exists() and not Person.objects.filter(source="import").exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_created_request_waits_for_moderation_then_its_token_gives_the_id(client, place, key, fmt):
    resident = UserFactory(email="olga@example.org", date_joined=timezone.now() - timedelta(days=400))
    data = new_request(
        api_key=key,
        email="Olga@Example.org",
        first_name="Olga",
        media_url="http://third-party.example/photo.jpg",  # never fetched (the test would fail on a connection)
        jurisdiction_id="anything",
    )
    status, items, root = call(client, "post", "requests", fmt, data)
    assert status == 200, items
    if fmt == "xml":
        assert root.tag == "service_requests" and root[0].tag == "request"
    token = items[0]["token"]
    assert token and items[0].get("service_request_id") in (None, "")
    issue = Issue.objects.get()
    # The same queue as the web: waiting, not public, raised by the person with that verified address.
    assert issue.status == "waiting" and issue.published_at is None
    assert issue.reporter == resident.person and not issue.show_name
    assert issue.community == place and issue.open311_token == token
    assert issue.open311_client == Open311Client.objects.get() and not issue.photos.exists()
    assert issue.latitude == Decimal("53.901000") and issue.title == "A deep pothole at the bus stop."
    assert (
        AuditEntry.objects.get(action="local_issues.issue.raised").data["open311_client"]
        == issue.open311_client_id
    )
    assert Open311Client.objects.get().last_used_at is not None
    assert call(client, "get", "requests", fmt)[1] == []
    _s, items, _r = call(client, "get", f"tokens/{token}", fmt)
    assert items[0]["token"] == token and items[0]["service_request_id"] in (None, "")

    moderator = UserFactory()
    ModeratorFactory(person=moderator.person)
    moderator.two_factor_passed = True
    services.publish_issue(actor=moderator, issue=issue)
    _s, items, _r = call(client, "get", f"tokens/{token}", fmt)
    assert items == [{"service_request_id": issue.public_id, "token": token}]
    status, items, _r = call(client, "get", f"requests/{issue.public_id}", fmt)
    assert status == 200 and items[0]["status"] == "open"


def test_a_refused_request_s_token_is_not_found(client, place, key):
    _s, items, _r = call(client, "post", "requests", "json", new_request(api_key=key))
    issue = Issue.objects.get()
    moderator = UserFactory(is_staff=True)
    moderator.two_factor_passed = True
    services.publish_issue(actor=moderator, issue=issue)
    services.hide_issue(actor=moderator, issue=issue, reason="Not a local issue")
    assert error_of(client, "get", f"tokens/{items[0]['token']}", "json")[:2] == (404, 404)


def test_the_nearest_community_or_the_one_named(client, place, key):
    far = CommunityFactory(
        settlement=SettlementFactory(latitude=Decimal("54.00000"), longitude=Decimal("30.50000"))
    )
    unpublished = CommunityFactory(
        settlement=SettlementFactory(latitude=Decimal("53.90100"), longitude=Decimal("30.33100")),
        is_published=False,
    )
    assert call(client, "post", "requests", "json", new_request(api_key=key))[0] == 200
    assert Issue.objects.get().community == place  # the unpublished one is nearer, but not offered
    data = new_request(api_key=key, community=far.slug, lat="", long="", address_string="Main street 5")
    assert call(client, "post", "requests", "json", data)[0] == 200
    issue = Issue.objects.exclude(community=place).get()
    assert issue.community == far and issue.address == "Main street 5" and issue.latitude is None
    assert unpublished.local_issues.count() == 0


def test_a_resident_without_an_account_is_recorded_once_per_address(client, place, key):
    data = new_request(api_key=key, email="new.resident@example.org", first_name="Hanna", last_name="K.")
    assert call(client, "post", "requests", "json", data)[0] == 200
    assert call(client, "post", "requests", "json", data)[0] == 200
    person = Person.objects.get(email="new.resident@example.org")
    assert person.user_id is None and person.display_name == "Hanna K."
    assert person.home_settlement == place.settlement
    assert set(Issue.objects.values_list("reporter", flat=True)) == {person.pk}
    # An unverified address of an account is not that account's.
    UserFactory(email="unverified@example.org", verified=False)
    call(client, "post", "requests", "json", new_request(api_key=key, email="unverified@example.org"))
    assert Issue.objects.filter(
        reporter__user__isnull=True, reporter__email="unverified@example.org"
    ).exists()


def test_created_requests_count_against_the_web_s_rate_limit(client, place, key, settings):
    """Create until refused: the web and Open311 share the per-person daily limit."""
    settings.LOCAL_ISSUES_PER_PERSON_DAY = 3
    resident = UserFactory(email="busy@example.org")
    services.raise_issue(
        actor=resident, community=place, category=category(), title="From the web", description="Web."
    )
    data = new_request(api_key=key, email="busy@example.org")
    assert call(client, "post", "requests", "json", data)[0] == 200
    assert call(client, "post", "requests", "json", data)[0] == 200
    status, code, description = error_of(client, "post", "requests", "json", data)
    assert (status, code) == (400, 400) and "today" in description
    assert Issue.objects.filter(reporter=resident.person).count() == 3


def test_requests_without_an_address_still_meet_the_network_limit(client, place, key, settings):
    settings.LOCAL_ISSUES_PER_NETWORK_DAY = 2
    for _ in range(2):
        assert call(client, "post", "requests", "json", new_request(api_key=key))[0] == 200
    assert error_of(client, "post", "requests", "json", new_request(api_key=key))[0] == 400
    assert Issue.objects.count() == 2


# --- The organisers' page of client keys -------------------------------------------------------------


def _page():
    return reverse("local_issues:open311_clients")


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("resident", 403), ("moderator", 200), ("staff", 200)]
)
def test_the_keys_page_is_for_moderators(client, who, expected):
    if who != "anonymous":
        user = UserFactory(is_staff=who == "staff")
        if who == "moderator":
            ModeratorFactory(person=user.person)
        login_staff(client, user)
    assert client.get(_page()).status_code == expected
    response = client.post(_page(), {"name": "App", "organisation": OrganisationFactory().pk})
    assert response.status_code == (expected if expected != 200 else 200)
    assert Open311Client.objects.exists() == (expected == 200)


def test_issuing_a_key_shows_it_once_and_revoking_it_refuses_it(client, place):
    user = UserFactory()
    ModeratorFactory(person=user.person)
    login_staff(client, user)
    organisation = OrganisationFactory(name="Civic Tech <b>Lab</b>")
    response = client.post(_page(), {"name": "Map <script>app</script>", "organisation": organisation.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>app" not in html and "&lt;script&gt;app" in html
    stored = Open311Client.objects.get()
    key = html.split('<code id="new-key">')[1].split("</code>")[0]
    assert stored.key_hash == token_hash(key)
    assert key not in client.get(_page()).content.decode()  # shown once
    assert AuditEntry.objects.filter(action="local_issues.open311_client.created").count() == 1
    assert call(client, "post", "requests", "json", new_request(api_key=key))[0] == 200

    response = client.post(reverse("local_issues:open311_revoke", args=[stored.public_id]))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert AuditEntry.objects.filter(action="local_issues.open311_client.revoked").count() == 1
    assert error_of(client, "post", "requests", "json", new_request(api_key=key))[0] == 403
    client.post(reverse("local_issues:open311_revoke", args=[stored.public_id]))  # again: a message
    assert AuditEntry.objects.filter(action="local_issues.open311_client.revoked").count() == 1


def test_a_resident_cannot_revoke_a_key(client, key):
    login_staff(client, UserFactory())
    stored = Open311Client.objects.get()
    assert client.post(reverse("local_issues:open311_revoke", args=[stored.public_id])).status_code == 403
    stored.refresh_from_db()
    assert stored.revoked_at is None


def test_an_empty_form_is_400(client):
    user = UserFactory(is_staff=True)
    login_staff(client, user)
    assert client.post(_page(), {"name": "", "organisation": ""}).status_code == 400
    assert not Open311Client.objects.exists()
