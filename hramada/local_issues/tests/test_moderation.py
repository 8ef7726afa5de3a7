"""The moderators' pages (/manage/issues/): who may open them and act, every action through its form,
refusals answered 400 with the message and what was typed; the personal data of residents; and, on
PostgreSQL, one backing per person and exact counts under simultaneous backings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hramada.core import personal_data
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.concurrency import GUARD, guard_switch, require_postgres, run_concurrently
from hramada.core.tests.helpers import login_staff
from hramada.local_issues import services
from hramada.local_issues.models import AbuseReport, Backing, Follow, Issue, ResolutionCheck
from hramada.people.services import erase_account, export_person_data
from hramada.people.tests.factories import UserFactory

from .factories import IssueFactory, ModeratorFactory
from .test_services import issue_elsewhere, other_region

QUEUE = "/en/manage/issues/"


def resident(days=30, **kwargs):
    return UserFactory(date_joined=timezone.now() - timedelta(days=days), **kwargs)


def url(name, *args):
    return reverse(f"local_issues:{name}", args=args)


def as_moderator(client, region=None):
    user = resident()
    ModeratorFactory(person=user.person, region=region)
    login_staff(client, user)
    return user


def service_moderator():
    user = resident()
    ModeratorFactory(person=user.person)
    user.two_factor_passed = True
    return user


# --- who may open the queue and act ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 302),  # to the login
        ("resident with second factor", 403),
        ("moderator without second factor", 302),  # asked for the code
        ("moderator", 200),
        ("region moderator", 200),
        ("staff", 200),
    ],
)
def test_who_opens_the_queue(client, who, expected):
    if who == "resident with second factor":
        login_staff(client, resident())
    elif who == "moderator without second factor":
        user = resident()
        ModeratorFactory(person=user.person)
        client.force_login(user)
    elif who == "moderator":
        as_moderator(client)
    elif who == "region moderator":
        as_moderator(client, region=other_region())
    elif who == "staff":
        login_staff(client, resident(is_staff=True))
    response = client.get(QUEUE)
    assert response.status_code == expected
    if who == "moderator without second factor":
        assert "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_the_queue_shows_waiting_issues_and_reports_of_the_moderator_s_regions(client):
    here = IssueFactory(title="Waiting here", status="waiting", published_at=None)
    there = issue_elsewhere(title="Waiting there", status="waiting", published_at=None)
    reported = IssueFactory(title="Reported here")
    services.report_abuse(actor=resident(), issue=reported, reason="Advert for a shop")
    as_moderator(client, region=here.settlement.region)
    body = client.get(QUEUE).content.decode()
    assert "Waiting here" in body and "Advert for a shop" in body and "Waiting there" not in body
    client.logout()
    as_moderator(client)
    body = client.get(QUEUE).content.decode()
    assert "Waiting here" in body and "Waiting there" in body
    assert there


@pytest.mark.django_db
def test_the_queue_shows_the_reporter_to_moderators(client):
    issue = IssueFactory(status="waiting", published_at=None)
    as_moderator(client)
    assert issue.reporter.display_name in client.get(QUEUE).content.decode()


@pytest.mark.django_db
def test_a_region_moderator_cannot_act_elsewhere(client):
    there = issue_elsewhere(status="waiting", published_at=None)
    as_moderator(client, region=IssueFactory().settlement.region)
    assert client.post(url("approve", there.public_id)).status_code == 403
    assert client.post(url("hide", there.public_id), {"reason": "x"}).status_code == 403
    there.refresh_from_db()
    assert there.status == "waiting" and there.hidden_at is None


@pytest.mark.django_db
def test_residents_cannot_post_moderation_actions(client):
    issue = IssueFactory(status="waiting", published_at=None)
    login_staff(client, resident())
    for name, data in (
        ("approve", {}),
        ("hide", {"reason": "x"}),
        ("merge", {"into": IssueFactory().public_id}),
    ):
        assert client.post(url(name, issue.public_id), data).status_code == 403
    client.logout()
    response = client.post(url("approve", issue.public_id))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    issue.refresh_from_db()
    assert issue.status == "waiting"


# --- the actions -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approve(client):
    issue = IssueFactory(status="waiting", published_at=None)
    moderator = as_moderator(client)
    response = client.post(url("approve", issue.public_id))
    assert response.status_code == 302 and response["Location"] == QUEUE
    issue.refresh_from_db()
    assert issue.is_public
    assert AuditEntry.objects.filter(action="local_issues.issue.published", actor=moderator).exists()
    response = client.post(url("approve", issue.public_id))
    assert response.status_code == 400 and b"not waiting" in response.content


@pytest.mark.django_db
def test_hide_with_a_reason_and_show_again(client):
    issue = IssueFactory()
    as_moderator(client)
    response = client.post(url("hide", issue.public_id), {"reason": ""})
    assert response.status_code == 400 and b"Give the reason" in response.content
    response = client.post(url("hide", issue.public_id), {"reason": "Names a private person"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.hidden_reason == "Names a private person"
    client.logout()
    assert client.get(url("detail", issue.public_id)).status_code == 404
    as_moderator(client)
    body = client.get(url("detail", issue.public_id)).content.decode()
    assert "Hidden by moderators: Names a private person" in body
    response = client.post(url("show", issue.public_id), {"next": url("detail", issue.public_id)})
    assert response.status_code == 302 and response["Location"] == url("detail", issue.public_id)
    issue.refresh_from_db()
    assert issue.is_public


@pytest.mark.django_db
def test_the_next_address_must_be_ours(client):
    issue = IssueFactory()
    as_moderator(client)
    response = client.post(url("hide", issue.public_id), {"reason": "spam", "next": "https://evil.example/"})
    assert response["Location"] == QUEUE


@pytest.mark.django_db
def test_a_failed_hide_keeps_the_reason(client):
    issue = IssueFactory(hidden_at=timezone.now(), hidden_reason="before")
    as_moderator(client)
    response = client.post(url("hide", issue.public_id), {"reason": "My careful reason"})
    assert response.status_code == 400
    assert b"already hidden" in response.content
    waiting = IssueFactory(status="waiting", published_at=None)
    response = client.post(url("hide", waiting.public_id), {"reason": "x" * 301})
    assert response.status_code == 400
    body = response.content.decode()
    assert "x" * 301 in body and body.count(f'id="hide-{waiting.public_id}"') == 1


@pytest.mark.django_db
def test_merge_by_number_or_address(client):
    kept, duplicate = IssueFactory(), IssueFactory()
    services.back_issue(actor=resident(), issue=duplicate)
    as_moderator(client)
    response = client.post(url("merge", duplicate.public_id), {"into": "NO-SUCH-ISSUE"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "no issue with this number" in body and "NO-SUCH-ISSUE" in body
    response = client.post(
        url("merge", duplicate.public_id), {"into": f"https://x.example/en/issues/{kept.public_id.upper()}/"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert (
        duplicate.merged_into == kept and kept.backing_count == 2
    )  # the backer and the duplicate's reporter
    response = client.post(url("merge", kept.public_id), {"into": kept.public_id})
    assert response.status_code == 400 and b"into itself" in response.content


@pytest.mark.django_db
def test_hide_and_show_a_comment(client):
    issue = IssueFactory()
    comment = services.add_comment(actor=resident(), issue=issue, body="Rude words here")
    report = services.report_abuse(actor=resident(), issue=issue, comment=comment, reason="rude")
    as_moderator(client)
    body = client.get(QUEUE).content.decode()
    assert "Rude words here" in body
    response = client.post(url("comment_hide", issue.public_id, comment.public_id), {"reason": ""})
    assert response.status_code == 400
    assert (
        client.post(url("comment_hide", issue.public_id, comment.public_id), {"reason": "Rude"}).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.handled_at is not None
    client.logout()
    body = client.get(url("detail", issue.public_id)).content.decode()
    assert "Hidden by moderators: Rude" in body and "Rude words here" not in body
    as_moderator(client)
    assert client.post(url("comment_show", issue.public_id, comment.public_id)).status_code == 302
    other = IssueFactory()
    assert (
        client.post(url("comment_hide", other.public_id, comment.public_id), {"reason": "x"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_dismiss_a_report(client):
    issue = IssueFactory()
    report = services.report_abuse(actor=resident(), issue=issue, reason="I do not like it")
    as_moderator(client)
    assert client.post(url("report_dismiss", report.pk)).status_code == 302
    report.refresh_from_db()
    assert report.handled_at is not None
    response = client.post(url("report_dismiss", report.pk))
    assert response.status_code == 400 and b"already handled" in response.content
    assert client.post(url("report_dismiss", 999999)).status_code == 404


# --- personal data -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_and_erasure():
    user = resident()
    person = user.person
    raised = services.raise_issue(
        actor=user,
        community=IssueFactory().community,
        category=IssueFactory().category,
        title="My issue",
        description="Mine",
        show_name=True,
        name_to_authority=True,
    )
    backed = IssueFactory()
    services.back_issue(actor=user, issue=backed)
    services.back_issue(actor=resident(), issue=backed)
    comment = services.add_comment(actor=user, issue=backed, body="My comment")
    ResolutionCheck.objects.create(issue=backed, person=person, fixed=False)
    services.report_abuse(actor=user, issue=backed, reason="why")
    assert "local_issues" in [section.name for section in personal_data.sections()]
    data = export_person_data(person)["local_issues"]
    assert data["issues_raised"][0]["title"] == "My issue"
    assert data["backings"] == [
        {"issue": backed.public_id, "title": backed.title, "at": data["backings"][0]["at"]}
    ]
    assert data["comments"][0]["text"] == "My comment"
    assert set(data["follows"]) == {raised.public_id, backed.public_id}
    assert data["resolution_checks"][0]["fixed"] is False
    assert data["abuse_reports"][0]["reason"] == "why"

    erase_account(user=user)
    backed.refresh_from_db()
    raised.refresh_from_db()
    assert backed.backing_count == 1 == Backing.objects.filter(issue=backed).count()
    assert not Follow.objects.filter(person=person).exists()
    assert not ResolutionCheck.objects.filter(person=person).exists()
    assert raised.reporter_id == person.pk and not raised.show_name and not raised.name_to_authority
    comment.refresh_from_db()
    assert comment.body == "My comment"  # a contribution stays, under the pseudonymised person
    person.refresh_from_db()
    assert person.display_name == "Former participant"
    assert AbuseReport.objects.filter(reporter=person).count() == 1


# --- one backing per person, exact counts (PostgreSQL, real simultaneous connections) --------------------


def _clean_duplicate_backings():
    from django.db.models import Count

    for row in Backing.objects.values("issue_id", "person_id").annotate(n=Count("id")).filter(n__gt=1):
        extra = Backing.objects.filter(issue_id=row["issue_id"], person_id=row["person_id"]).order_by("id")[
            1:
        ]
        Backing.objects.filter(pk__in=[b.pk for b in extra]).delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@GUARD
def test_two_simultaneous_backings_by_one_person_count_once(guard, monkeypatch):
    """Both requests pass the "already backs?" read (it pauses, as a busy server would); the unique
    constraint ``backing_once_per_person`` refuses the second insert and the service answers it in a
    friendly message. Red with the guard off: the constraint dropped, both backings are stored and
    counted (tried: ``guard="off"`` asserts exactly that)."""
    require_postgres()
    import time

    real = services._backs

    def slow_backs(issue, person):
        found = real(issue, person)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "_backs", slow_backs)
    issue = IssueFactory()
    user = resident()
    with guard_switch(guard, Backing, "backing_once_per_person", clean_up=_clean_duplicate_backings):
        results = run_concurrently(lambda: services.back_issue(actor=user, issue=issue), [(), ()])
        stored = Backing.objects.filter(issue=issue, person=user.person).count()
        issue.refresh_from_db()
        if guard == "off":
            assert stored == 2 and issue.backing_count == 2
            return
    assert stored == 1 and issue.backing_count == 1
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and "already back" in refused[0].message
    assert sum(isinstance(r, Backing) for r in results) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@GUARD
def test_ten_simultaneous_backers_are_all_counted(guard, monkeypatch):
    """Each backing adds one to ``Issue.backing_count`` in the database (``F() + 1``). Red with the
    guard off: ``_bump`` replaced by a read, a pause and a write of the value read, as code that counts
    in Python would; simultaneous backers then overwrite each other's count."""
    require_postgres()
    import time

    if guard == "off":

        def stale_bump(issue_id, field, delta):
            value = getattr(Issue.objects.get(pk=issue_id), field)
            time.sleep(0.3)
            Issue.objects.filter(pk=issue_id).update(**{field: value + delta})

        monkeypatch.setattr(services, "_bump", stale_bump)
    issue = IssueFactory()
    users = [resident() for _ in range(10)]
    results = run_concurrently(lambda u: services.back_issue(actor=u, issue=issue), [(u,) for u in users])
    assert all(isinstance(r, Backing) for r in results), results
    issue.refresh_from_db()
    assert Backing.objects.filter(issue=issue).count() == 10
    if guard == "off":
        assert issue.backing_count < 10
        return
    assert issue.backing_count == 10


@pytest.mark.django_db
def test_the_queue_escapes_what_residents_typed(client):
    xss = '<script>alert("q")</script>'
    user = resident(days=1)  # a new account: the issue waits in the queue
    user.person.display_name = xss
    user.person.save()
    services.raise_issue(
        actor=user,
        community=IssueFactory().community,
        category=IssueFactory().category,
        title=xss,
        description=xss,
        address=xss,
    )
    public = IssueFactory()
    comment = services.add_comment(actor=resident(), issue=public, body=xss)
    services.report_abuse(actor=resident(), issue=public, comment=comment, reason=xss)
    as_moderator(client)
    body = client.get(QUEUE).content.decode()
    assert xss not in body and body.count("&lt;script&gt;") >= 4
    response = client.post(url("merge", public.public_id), {"into": xss})
    assert response.status_code == 400 and xss not in response.content.decode()


@pytest.mark.django_db
def test_the_queue_links_the_authorities_areas_and_the_open311_keys(client):
    as_moderator(client)
    page = client.get(QUEUE).content.decode()
    assert url("areas") in page and url("open311_clients") in page
