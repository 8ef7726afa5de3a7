"""Every rule and refusal of the residents' and moderators' services of local issues."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.local_issues import services
from hramada.local_issues.models import AbuseReport, Backing, Follow, IssuePhoto
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.places.tests.factories import CommunityFactory, RegionFactory, SettlementFactory

from .factories import IssueFactory, ModeratorFactory, category

pytestmark = pytest.mark.django_db


def resident(days: int = 30, **kwargs):
    """A signed-up user whose account is ``days`` old (7 or more: trusted, published at once)."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=days), **kwargs)


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 54.0, 0.0), 4: (27.0, 33.0, 0.0)}  # GPSInfo: a position
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("pothole.jpg", out.getvalue(), content_type="image/jpeg")


def raise_(actor, community=None, **values):
    community = community or CommunityFactory()
    values.setdefault("category", category("roads"))
    values.setdefault("title", "Pothole at the bus stop")
    values.setdefault("description", "Deep and full of water.")
    return services.raise_issue(actor=actor, community=community, **values)


@pytest.fixture
def community():
    return CommunityFactory()


# --- raise_issue ------------------------------------------------------------------------------------


def test_an_established_resident_s_issue_is_published_at_once(community):
    user = resident()
    issue = raise_(user, community, address="Lenina 1", latitude="53.9", longitude=27.56)
    assert issue.status == "open" and issue.published_at is not None and issue.is_public
    assert issue.reporter == user.person
    assert issue.settlement == community.settlement
    assert issue.latitude == Decimal("53.900000") and issue.longitude == Decimal("27.560000")
    assert list(issue.timeline.values_list("kind", flat=True)) == ["published"]
    assert Follow.objects.filter(issue=issue, person=user.person).exists()
    entry = AuditEntry.objects.get(action="local_issues.issue.raised")
    assert entry.data["status"] == "open" and entry.actor == user


def test_a_new_account_s_issue_waits_for_moderation(community):
    issue = raise_(resident(days=2), community)
    assert issue.status == "waiting" and issue.published_at is None and not issue.is_public
    assert not issue.timeline.exists()


def test_the_trust_period_is_a_setting(settings, community):
    settings.LOCAL_ISSUES_TRUSTED_AFTER_DAYS = 1
    assert raise_(resident(days=2), community).status == "open"
    settings.LOCAL_ISSUES_TRUSTED_AFTER_DAYS = 0
    assert raise_(resident(days=0), community).status == "open"


def test_an_open311_request_for_a_person_without_account_waits(community):
    from hramada.local_issues.models import Open311Client
    from hramada.orgs.tests.factories import OrganisationFactory

    client = Open311Client.objects.create(
        name="City app", key_hash="x" * 64, organisation=OrganisationFactory()
    )
    person = PersonFactory()
    issue = services.raise_issue(
        actor=None,
        reporter=person,
        open311_client=client,
        community=community,
        category=category(),
        title="Lamp out",
        description="Dark at night.",
    )
    assert issue.reporter == person and issue.status == "waiting" and issue.open311_client == client
    # an established account through Open311 waits too
    assert raise_(resident(), community, open311_client=client).status == "waiting"


def test_a_reporter_is_needed(community):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError, match="Sign in"):
        raise_(AnonymousUser(), community)
    with pytest.raises(DomainError, match="Sign in"):
        services.raise_issue(
            actor=None,
            reporter=PersonFactory(),
            community=community,
            category=category(),
            title="t",
            description="d",
        )
    user = resident()
    user.person.erased_at = timezone.now()
    user.person.save()
    with pytest.raises(DomainError):
        raise_(user, community)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"address": "x" * 301}, "address"),
        ({"latitude": "91", "longitude": "1"}, "latitude"),
        ({"latitude": "1", "longitude": "-180.5"}, "longitude"),
        ({"latitude": "north", "longitude": "1"}, "latitude"),
        ({"latitude": "53.9"}, "longitude"),
        ({"longitude": "27.5"}, "latitude"),
    ],
)
def test_refusals_name_the_field(community, values, field):
    with pytest.raises(DomainError) as refused:
        raise_(resident(), community, **values)
    assert refused.value.field == field and refused.value.message


def test_the_category_must_be_offered(community):
    roads = category("roads")
    roads.active = False
    roads.save()
    with pytest.raises(DomainError, match="categories offered") as refused:
        raise_(resident(), community, category=roads)
    assert refused.value.field == "category"
    with pytest.raises(DomainError):
        raise_(resident(), community, category=None)


def test_the_community_must_be_published():
    hidden = CommunityFactory(is_published=False)
    with pytest.raises(DomainError) as refused:
        raise_(resident(), hidden)
    assert refused.value.field == "community"


def test_the_settlement_is_the_community_s_or_in_its_district(community):
    home = community.settlement
    neighbour = SettlementFactory(region=home.region, district=home.district)
    assert raise_(resident(), community, settlement=neighbour).settlement == neighbour
    far = SettlementFactory()
    with pytest.raises(DomainError, match="district") as refused:
        raise_(resident(), community, settlement=far)
    assert refused.value.field == "settlement"


def test_photos_are_re_encoded_without_gps(community):
    issue = raise_(resident(), community, photos=[jpeg_with_gps()])
    photo = IssuePhoto.objects.get(issue=issue)
    with photo.image.open("rb") as stored:
        image = Image.open(stored)
        assert not image.getexif()
        assert "exif" not in image.info


def test_not_an_image_is_refused_and_nothing_is_kept(community):
    bad = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(DomainError, match="not an image") as refused:
        raise_(resident(), community, photos=[bad])
    assert refused.value.field == "photos"
    assert not IssuePhoto.objects.exists()


def test_at_most_six_photos(community):
    with pytest.raises(DomainError, match="at most 6"):
        raise_(resident(), community, photos=[jpeg_with_gps() for _ in range(7)])


def test_issues_per_person_a_day_are_limited(settings, community):
    settings.LOCAL_ISSUES_PER_PERSON_DAY = 2
    user = resident()
    raise_(user, community)
    raise_(user, community)
    with pytest.raises(DomainError, match="many issues today"):
        raise_(user, community)
    raise_(resident(), community)  # somebody else still may


def test_issues_per_network_a_day_are_limited(settings, community):
    settings.LOCAL_ISSUES_PER_NETWORK_DAY = 2
    key = services.network_key("192.0.2.7")
    assert key == services.network_key("192.0.2.200") and "192.0.2" not in key
    raise_(resident(), community, network_key=key)
    raise_(resident(), community, network_key=key)
    with pytest.raises(DomainError, match="many issues today"):
        raise_(resident(), community, network_key=key)
    raise_(resident(), community, network_key=services.network_key("198.51.100.1"))


def test_a_backdated_issue_keeps_its_date(community):
    then = timezone.now() - timedelta(days=40)
    issue = raise_(resident(days=400), community, now=then)
    issue.refresh_from_db()
    assert issue.created_at == then and issue.published_at == then
    assert issue.timeline.get().created_at == then


# --- moderators ------------------------------------------------------------------------------------------


def moderator(region=None, *, second_factor=True, staff=False):
    """A user appointed moderator (everywhere, or of ``region``) whose session passed the second factor."""
    user = resident(is_staff=staff)
    if not staff:
        ModeratorFactory(person=user.person, region=region)
    user.two_factor_passed = second_factor
    return user


def other_region():
    return RegionFactory(
        code="BY-HR", name="Grodno Region", name_en="Grodno Region", name_be="Гродзенская вобласць"
    )


def issue_elsewhere(**kwargs):
    """An issue in another region than the factories' default one (Mogilev)."""
    settlement = SettlementFactory(region=other_region())
    return IssueFactory(community=CommunityFactory(settlement=settlement), **kwargs)


@pytest.fixture
def issue():
    return IssueFactory()


def test_a_moderator_publishes_a_waiting_issue(mailoutbox, django_capture_on_commit_callbacks):
    issue = IssueFactory(status="waiting", published_at=None)
    Follow.objects.create(issue=issue, person=issue.reporter)
    issue.reporter.email = "reporter@example.org"
    issue.reporter.save()
    mod = moderator()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_issue(actor=mod, issue=issue)
    issue.refresh_from_db()
    assert issue.status == "open" and issue.is_public
    assert issue.timeline.get().kind == "published"
    assert AuditEntry.objects.filter(action="local_issues.issue.published", actor=mod).exists()
    assert [m.to for m in mailoutbox] == [["reporter@example.org"]]
    assert issue.title in mailoutbox[0].subject
    with pytest.raises(DomainError, match="not waiting"):
        services.publish_issue(actor=mod, issue=issue)


@pytest.mark.parametrize(
    "who",
    ["resident", "no second factor", "other region"],
)
def test_only_moderators_of_the_region_with_the_second_factor_moderate(who):
    issue = IssueFactory(status="waiting", published_at=None)
    actor = {
        "resident": lambda: resident(),
        "no second factor": lambda: moderator(second_factor=False),
        "other region": lambda: moderator(region=other_region()),
    }[who]()
    with pytest.raises(DomainError, match="Only the moderators"):
        services.publish_issue(actor=actor, issue=issue)
    with pytest.raises(DomainError, match="Only the moderators"):
        services.hide_issue(actor=actor, issue=issue, reason="spam")


def test_a_region_moderator_and_staff_moderate_there():
    issue = IssueFactory(status="waiting", published_at=None)
    services.publish_issue(actor=moderator(region=issue.settlement.region), issue=issue)
    services.hide_issue(actor=moderator(staff=True), issue=issue, reason="Names a private person")


def test_hiding_needs_a_reason_and_is_shown_with_it(issue, mailoutbox):
    mod = moderator()
    with pytest.raises(DomainError) as refused:
        services.hide_issue(actor=mod, issue=issue, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        services.hide_issue(actor=mod, issue=issue, reason="x" * 301)
    report = services.report_abuse(actor=resident(), issue=issue, reason="insults")
    services.hide_issue(actor=mod, issue=issue, reason="Insults a neighbour")
    issue.refresh_from_db()
    assert not issue.is_public and issue.hidden_reason == "Insults a neighbour"
    entry = issue.timeline.get(kind="hidden")
    assert entry.text == "Insults a neighbour"
    report.refresh_from_db()
    assert report.handled_at is not None and report.handled_by == mod
    assert AuditEntry.objects.get(action="local_issues.issue.hidden").data == {
        "reason": "Insults a neighbour"
    }
    with pytest.raises(DomainError, match="already hidden"):
        services.hide_issue(actor=mod, issue=issue, reason="again")
    services.show_issue(actor=mod, issue=issue)
    issue.refresh_from_db()
    assert issue.is_public and issue.hidden_reason == ""
    assert list(issue.timeline.values_list("kind", flat=True)) == ["hidden", "shown"]
    with pytest.raises(DomainError, match="not hidden"):
        services.show_issue(actor=mod, issue=issue)


def test_hiding_tells_only_the_reporter(issue, mailoutbox, django_capture_on_commit_callbacks):
    issue.reporter.email = "reporter@example.org"
    issue.reporter.save()
    Follow.objects.create(issue=issue, person=issue.reporter)
    services.back_issue(actor=resident(email="backer@example.org"), issue=issue)
    with django_capture_on_commit_callbacks(execute=True):
        services.hide_issue(actor=moderator(), issue=issue, reason="Duplicate of another")
    assert [m.to for m in mailoutbox] == [["reporter@example.org"]]
    assert "Duplicate of another" in mailoutbox[0].body


def test_hiding_a_comment_keeps_the_count(issue):
    mod = moderator()
    comment = services.add_comment(actor=resident(), issue=issue, body="Rude words")
    services.add_comment(actor=resident(), issue=issue, body="Thanks")
    report = services.report_abuse(actor=resident(), issue=issue, comment=comment, reason="rude")
    with pytest.raises(DomainError):
        services.hide_comment(actor=mod, comment=comment, reason="")
    services.hide_comment(actor=mod, comment=comment, reason="Rude")
    issue.refresh_from_db()
    comment.refresh_from_db()
    assert issue.comment_count == 1 and comment.hidden_reason == "Rude"
    report.refresh_from_db()
    assert report.handled_at is not None
    with pytest.raises(DomainError, match="already hidden"):
        services.hide_comment(actor=mod, comment=comment, reason="Rude")
    with pytest.raises(DomainError, match="Only the moderators"):
        services.hide_comment(actor=resident(), comment=comment, reason="Rude")
    services.show_comment(actor=mod, comment=comment)
    issue.refresh_from_db()
    assert issue.comment_count == 2
    assert AuditEntry.objects.filter(action__startswith="local_issues.comment.").count() == 4


def test_a_report_is_dismissed_once(issue):
    report = services.report_abuse(actor=resident(), issue=issue, reason="spam?")
    with pytest.raises(DomainError, match="Only the moderators"):
        services.handle_report(actor=resident(), report=report)
    services.handle_report(actor=moderator(), report=report)
    with pytest.raises(DomainError, match="already handled"):
        services.handle_report(actor=moderator(), report=report)


# --- merging ---------------------------------------------------------------------------------------------


def test_merging_keeps_every_backing_once(mailoutbox):
    kept = IssueFactory()
    duplicate = IssueFactory(community=kept.community)
    both, only_kept, only_dup = resident(), resident(), resident()
    for user in (both, only_kept):
        services.back_issue(actor=user, issue=kept)
    for user in (both, only_dup):
        services.back_issue(actor=user, issue=duplicate)
    mod = moderator()
    result = services.merge_issues(actor=mod, issue=duplicate, into=kept)
    assert result == kept
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    backers = set(Backing.objects.filter(issue=kept).values_list("person_id", flat=True))
    assert backers == {both.person.pk, only_kept.person.pk, only_dup.person.pk, duplicate.reporter_id}
    assert kept.backing_count == 4 == Backing.objects.filter(issue=kept).count()
    assert duplicate.status == "merged" and duplicate.merged_into == kept and duplicate.backing_count == 0
    assert not Backing.objects.filter(issue=duplicate).exists()
    followers = set(Follow.objects.filter(issue=kept).values_list("person_id", flat=True))
    assert {both.person.pk, only_kept.person.pk, only_dup.person.pk} <= followers
    assert not Follow.objects.filter(issue=duplicate).exists()
    assert duplicate.timeline.get().text == kept.public_id
    assert kept.timeline.get(kind="merged").text == duplicate.public_id
    assert AuditEntry.objects.get(action="local_issues.issue.merged").data["backings_of_both"] == 1


def test_merge_refusals():
    kept, duplicate = IssueFactory(), IssueFactory()
    mod = moderator()
    with pytest.raises(DomainError, match="itself"):
        services.merge_issues(actor=mod, issue=kept, into=kept)
    with pytest.raises(DomainError, match="Only the moderators"):
        services.merge_issues(actor=resident(), issue=duplicate, into=kept)
    hidden = IssueFactory(hidden_at=timezone.now(), hidden_reason="x")
    with pytest.raises(DomainError, match="visible"):
        services.merge_issues(actor=mod, issue=duplicate, into=hidden)
    services.merge_issues(actor=mod, issue=duplicate, into=kept)
    with pytest.raises(DomainError, match="already merged"):
        services.merge_issues(actor=mod, issue=duplicate, into=IssueFactory())
    with pytest.raises(DomainError, match="itself merged"):
        services.merge_issues(actor=mod, issue=IssueFactory(), into=duplicate)
    regional = moderator(region=kept.settlement.region)
    with pytest.raises(DomainError, match="Only the moderators"):
        services.merge_issues(actor=regional, issue=issue_elsewhere(), into=kept)


# --- backing, comments, follows, reports --------------------------------------------------------------


def test_backing_once_per_person(issue):
    user = resident()
    backing = services.back_issue(actor=user, issue=issue)
    assert backing.person == user.person
    issue.refresh_from_db()
    assert issue.backing_count == 1
    assert Follow.objects.filter(issue=issue, person=user.person).exists()
    with pytest.raises(DomainError, match="already back"):
        services.back_issue(actor=user, issue=issue)
    issue.refresh_from_db()
    assert issue.backing_count == 1
    assert AuditEntry.objects.filter(action="local_issues.issue.backed").count() == 1


def test_the_database_refuses_a_second_backing_with_a_friendly_message(issue, monkeypatch):
    """The check before the insert is skipped, as in a simultaneous request: the constraint answers."""
    user = resident()
    services.back_issue(actor=user, issue=issue)
    monkeypatch.setattr(services, "_backs", lambda issue, person: False)
    with pytest.raises(DomainError, match="already back"):
        services.back_issue(actor=user, issue=issue)
    issue.refresh_from_db()
    assert issue.backing_count == 1 == Backing.objects.count()


def test_unbacking(issue):
    user = resident()
    with pytest.raises(DomainError, match="do not back"):
        services.unback_issue(actor=user, issue=issue)
    services.back_issue(actor=user, issue=issue)
    services.unback_issue(actor=user, issue=issue)
    issue.refresh_from_db()
    assert issue.backing_count == 0 and not Backing.objects.exists()
    assert not Follow.objects.filter(person=user.person).exists()
    services.back_issue(actor=user, issue=issue)  # may back again
    issue.refresh_from_db()
    assert issue.backing_count == 1


def test_only_public_issues_are_backed_commented_reported():
    user = resident()
    for issue in (
        IssueFactory(status="waiting", published_at=None),
        IssueFactory(hidden_at=timezone.now(), hidden_reason="x"),
    ):
        with pytest.raises(DomainError, match="Only published"):
            services.back_issue(actor=user, issue=issue)
        with pytest.raises(DomainError, match="Only published"):
            services.add_comment(actor=user, issue=issue, body="hi")
        with pytest.raises(DomainError, match="Only published"):
            services.report_abuse(actor=user, issue=issue, reason="spam")


def test_anonymous_residents_cannot_act(issue):
    from django.contrib.auth.models import AnonymousUser

    for call in (
        lambda: services.back_issue(actor=AnonymousUser(), issue=issue),
        lambda: services.add_comment(actor=AnonymousUser(), issue=issue, body="hi"),
        lambda: services.follow_issue(actor=AnonymousUser(), issue=issue),
        lambda: services.report_abuse(actor=None, issue=issue, reason="x"),
    ):
        with pytest.raises(DomainError, match="Sign in"):
            call()


def test_backings_per_person_an_hour_are_limited(settings):
    settings.LOCAL_ISSUES_BACKINGS_PER_PERSON_HOUR = 2
    user = resident()
    services.back_issue(actor=user, issue=IssueFactory())
    services.back_issue(actor=user, issue=IssueFactory())
    with pytest.raises(DomainError, match="backed many issues"):
        services.back_issue(actor=user, issue=IssueFactory())


def test_backings_per_network_an_hour_are_limited(settings, issue):
    settings.LOCAL_ISSUES_BACKINGS_PER_NETWORK_HOUR = 2
    key = services.network_key("2001:db8::1")
    services.back_issue(actor=resident(), issue=issue, network_key=key)
    services.back_issue(actor=resident(), issue=issue, network_key=key)
    with pytest.raises(DomainError, match="backed many issues"):
        services.back_issue(actor=resident(), issue=issue, network_key=services.network_key("2001:db8::2"))
    issue.refresh_from_db()
    assert issue.backing_count == 2


def test_comments(issue):
    user = resident()
    with pytest.raises(DomainError) as refused:
        services.add_comment(actor=user, issue=issue, body="   ")
    assert refused.value.field == "body"
    with pytest.raises(DomainError):
        services.add_comment(actor=user, issue=issue, body="x" * 3001)
    comment = services.add_comment(actor=user, issue=issue, body="  <script>alert(1)</script>  ")
    assert comment.body == "<script>alert(1)</script>"  # kept as typed, escaped when shown
    issue.refresh_from_db()
    assert issue.comment_count == 1


def test_comments_per_hour_are_limited(settings, issue):
    settings.LOCAL_ISSUES_COMMENTS_PER_PERSON_HOUR = 1
    user = resident()
    services.add_comment(actor=user, issue=issue, body="one")
    with pytest.raises(DomainError, match="many comments"):
        services.add_comment(actor=user, issue=issue, body="two")


def test_follow_and_unfollow(issue):
    user = resident()
    services.follow_issue(actor=user, issue=issue)
    with pytest.raises(DomainError, match="already follow"):
        services.follow_issue(actor=user, issue=issue)
    services.unfollow_issue(actor=user, issue=issue)
    with pytest.raises(DomainError, match="do not follow"):
        services.unfollow_issue(actor=user, issue=issue)
    with pytest.raises(DomainError, match="Only published"):
        services.follow_issue(actor=user, issue=IssueFactory(status="waiting", published_at=None))


def test_abuse_reports(issue):
    user = resident()
    with pytest.raises(DomainError) as refused:
        services.report_abuse(actor=user, issue=issue, reason="")
    assert refused.value.field == "reason"
    services.report_abuse(actor=user, issue=issue, reason="Not a local issue")
    with pytest.raises(DomainError, match="already reported"):
        services.report_abuse(actor=user, issue=issue, reason="again")
    other = IssueFactory()
    comment = services.add_comment(actor=user, issue=other, body="hi")
    with pytest.raises(DomainError, match="not on this issue"):
        services.report_abuse(actor=user, issue=issue, comment=comment, reason="x")
    assert AbuseReport.objects.count() == 1


def test_followers_hear_of_news_in_their_language(issue, mailoutbox, django_capture_on_commit_callbacks):
    from hramada.local_issues.models import TimelineEntry

    backer = resident(email="be@example.org")
    backer.person.preferred_language = "be"
    backer.person.save()
    services.back_issue(actor=backer, issue=issue)
    stopped = resident(email="stopped@example.org")
    services.back_issue(actor=stopped, issue=issue)
    services.unfollow_issue(actor=stopped, issue=issue)
    entry = TimelineEntry.objects.create(issue=issue, kind="acknowledged", text="We will look")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_followers(issue.pk, entry.pk)
    assert [m.to for m in mailoutbox] == [["be@example.org"]]
    assert "We will look" in mailoutbox[0].body
    assert issue.public_id in mailoutbox[0].body and "/be/" in mailoutbox[0].body
