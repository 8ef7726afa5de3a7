"""The authorities' part: areas, the suggestion, forwarding, every answer, reminders, escalation and the
residents' check after "resolved"."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.registry import periodic_jobs
from hramada.local_issues import authorities
from hramada.local_issues.models import AnswerLink, Backing, Issue, IssuePhoto, ResolutionCheck
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import DistrictFactory, RegionFactory, SettlementFactory

from .factories import AuthorityAreaFactory, AuthorityFactory, IssueFactory, ModeratorFactory, category

pytestmark = pytest.mark.django_db


def moderator(region=None):
    user = UserFactory()
    ModeratorFactory(person=user.person, region=region)
    user.two_factor_passed = True  # as the middleware marks a session that typed its code
    return user


def manager_of(authority):
    user = member_of(authority, Role.MANAGER)
    user.two_factor_passed = True
    return user


def area(authority=None, *, categories=(), **place):
    made = AuthorityAreaFactory(authority=authority or AuthorityFactory(), **place)
    if categories:
        made.categories.set([category(code) for code in categories])
    return made


def token_from(message) -> str:
    return re.search(r"/issues/answer/([A-Za-z0-9_-]+)/", message.body).group(1)


def link_of(token):
    return authorities.link_for_token(token)


def jpeg() -> SimpleUploadedFile:
    image = Image.new("RGB", (30, 20), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 54.0, 0.0), 4: (27.0, 33.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("done.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def place():
    region = RegionFactory()
    district = DistrictFactory(region=region)
    settlement = SettlementFactory(region=region, district=district)
    return region, district, settlement


@pytest.fixture
def issue(place):
    region, district, settlement = place
    made = IssueFactory(community__settlement=settlement)
    assert made.settlement == settlement
    return made


@pytest.fixture
def forwarded(issue, django_capture_on_commit_callbacks):
    """The issue forwarded to a district authority; returns (issue, authority, token)."""
    authority = area(district=issue.settlement.district).authority
    with django_capture_on_commit_callbacks(execute=True):
        authorities.forward_issue(actor=moderator(), issue=issue, authority=authority)
    issue.refresh_from_db()
    return issue, authority, token_from(mail.outbox[-1])


# --- Areas and the suggestion ----------------------------------------------------------------------------


def test_set_area_updates_the_same_place_and_refuses_others(place):
    region, district, settlement = place
    authority = AuthorityFactory()
    mod = moderator()
    first = authorities.set_area(actor=mod, authority=authority, district=district, answer_days=10)
    again = authorities.set_area(
        actor=mod, authority=authority, district=district, categories=[category("water")], answer_days=20
    )
    assert first.pk == again.pk and again.answer_days == 20
    assert list(again.categories.values_list("code", flat=True)) == ["water"]
    assert AuditEntry.objects.filter(action="local_issues.area.set", target_id=str(authority.pk)).count() == 2
    with pytest.raises(DomainError, match="one place"):
        authorities.set_area(actor=mod, authority=authority, region=region, district=district)
    with pytest.raises(DomainError, match="1 to 365"):
        authorities.set_area(actor=mod, authority=authority, region=region, answer_days=0)
    with pytest.raises(DomainError, match="local authority"):
        authorities.set_area(actor=mod, authority=OrganisationFactory(kind="ngo"), region=region)
    resident = UserFactory()
    resident.two_factor_passed = True
    with pytest.raises(DomainError, match="moderators"):
        authorities.set_area(actor=resident, authority=authority, region=region)
    authorities.remove_area(actor=mod, area=again)
    assert not authority.issue_areas.exists()
    assert AuditEntry.objects.filter(action="local_issues.area.removed").exists()


def test_suggestion_prefers_the_most_local_place(issue, place):
    region, district, settlement = place
    assert authorities.suggest_authority(issue) is None
    regional = area(region=region).authority
    assert authorities.suggest_authority(issue) == regional
    district_committee = area(district=district).authority
    assert authorities.suggest_authority(issue) == district_committee
    village = area(settlement=settlement).authority
    assert authorities.suggest_authority(issue) == village
    area(settlement=SettlementFactory(region=region, district=district))  # a neighbouring village: no
    assert authorities.suggest_authority(issue) == village


def test_suggestion_follows_categories(issue, place):
    region, district, settlement = place
    all_categories = area(district=district).authority
    water = area(district=district, categories=["water"]).authority
    roads = area(district=district, categories=["roads", "transport"]).authority
    area(settlement=settlement, categories=["schools"])  # more local, but not for roads
    assert issue.category.code == "roads"
    assert authorities.suggest_authority(issue) == roads  # naming the category beats "all"
    issue.category = category("water")
    assert authorities.suggest_authority(issue) == water
    issue.category = category("health")
    assert authorities.suggest_authority(issue) == all_categories
    AuthorityAreaFactory(authority=OrganisationFactory(kind="ngo"), settlement=settlement)  # not an authority
    assert authorities.suggest_authority(issue) == all_categories


# --- Forwarding ------------------------------------------------------------------------------------------


def test_forwarding_sets_the_dates_the_timeline_and_e_mails_a_hashed_link(
    issue, django_capture_on_commit_callbacks
):
    authority = area(district=issue.settlement.district, answer_days=10).authority
    mod = moderator()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        link = authorities.forward_issue(actor=mod, issue=issue, authority=authority)
    issue.refresh_from_db()
    assert issue.status == "forwarded" and issue.authority == authority
    assert issue.forwarded_at >= before
    assert timedelta(days=9, hours=23) < issue.answer_due_at - issue.forwarded_at <= timedelta(days=10)
    entry = issue.timeline.get(kind="forwarded")
    assert entry.authority == authority and entry.actor == mod
    message = next(m for m in mail.outbox if m.to == [authority.contact_email])
    token = token_from(message)
    link.refresh_from_db()
    assert link.token_hash != token and link.token_hash == authorities.token_hash(token)
    assert (link.issue, link.authority, link.created_by) == (issue, authority, mod)
    assert timedelta(days=59) < link.expires_at - timezone.now() <= timedelta(days=60)
    assert AuditEntry.objects.filter(action="local_issues.issue.forwarded", target_id=str(issue.pk)).exists()


def test_default_answer_days_and_language(issue, settings, django_capture_on_commit_callbacks):
    settings.LOCAL_ISSUES_ANSWER_DAYS = 5
    settings.LANGUAGE_CODE = "ru"
    authority = AuthorityFactory()  # no area: the default days
    with django_capture_on_commit_callbacks(execute=True):
        authorities.forward_issue(actor=moderator(), issue=issue, authority=authority)
    issue.refresh_from_db()
    assert timedelta(days=4, hours=23) < issue.answer_due_at - issue.forwarded_at <= timedelta(days=5)
    assert authorities.authority_language() == "ru"
    settings.LANGUAGE_CODE = "en"
    assert authorities.authority_language() == "be"


def test_forwarding_refusals(issue):
    mod = moderator()
    authority = AuthorityFactory()
    with pytest.raises(DomainError, match="moderators"):
        authorities.forward_issue(actor=UserFactory(), issue=issue, authority=authority)
    not_yet = moderator()
    not_yet.two_factor_passed = False
    with pytest.raises(DomainError, match="moderators"):
        authorities.forward_issue(actor=not_yet, issue=issue, authority=authority)
    other_region = moderator(region=RegionFactory(code="BY-MI", name="Minsk Region"))
    with pytest.raises(DomainError, match="moderators"):
        authorities.forward_issue(actor=other_region, issue=issue, authority=authority)
    with pytest.raises(DomainError, match="local authority"):
        authorities.forward_issue(actor=mod, issue=issue, authority=OrganisationFactory(kind="ngo"))
    with pytest.raises(DomainError, match="no one would receive"):
        authorities.forward_issue(actor=mod, issue=issue, authority=AuthorityFactory(contact_email=""))
    waiting = IssueFactory(status="waiting", published_at=None)
    with pytest.raises(DomainError, match="cannot be forwarded"):
        authorities.forward_issue(actor=mod, issue=waiting, authority=authority)
    authorities.forward_issue(actor=mod, issue=issue, authority=authority)
    with pytest.raises(DomainError, match="already with this authority"):
        authorities.forward_issue(actor=mod, issue=issue, authority=authority)
    assert not Issue.objects.filter(authority__isnull=False).exclude(pk=issue.pk).exists()


def test_an_authority_with_accounts_only_gets_no_link(issue, django_capture_on_commit_callbacks):
    """Without a contact e-mail no link is made; the authority's managers (not its members) are told
    where to answer in their account, and so are they when reminded."""
    authority = AuthorityFactory(contact_email="")
    manager = member_of(authority, Role.MANAGER)
    member_of(authority, Role.MEMBER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.forward_issue(actor=moderator(), issue=issue, authority=authority) is None
    assert not AnswerLink.objects.exists()
    issue.refresh_from_db()
    assert issue.status == "forwarded"
    notices = [
        m for m in mail.outbox if f"/manage/issues/authority/{authority.slug}/{issue.public_id}/" in m.body
    ]
    assert [m.to for m in notices] == [[manager.email]]
    assert "/issues/answer/" not in notices[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.remind_authorities(now=issue.answer_due_at + timedelta(minutes=1)) == 1
    # Authorities are written to in the platform's language (Belarusian here): "Напамін" is "Reminder".
    assert "Напамін" in mail.outbox[-1].subject and mail.outbox[-1].to == [manager.email]
    with pytest.raises(DomainError, match="no contact e-mail"):
        authorities.send_link(actor=moderator(), issue=issue)


def test_forwarding_elsewhere_revokes_the_previous_link(forwarded):
    issue, authority, token = forwarded
    other = AuthorityFactory()
    authorities.forward_issue(actor=moderator(), issue=issue, authority=other)
    assert authorities.link_state(link_of(token)) == "revoked"
    with pytest.raises(DomainError, match="revoked"):
        authorities.answer(issue=issue, authority=authority, kind="acknowledged", link=link_of(token))


# --- Answers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "values", "status"),
    [
        ("acknowledged", {}, "acknowledged"),
        ("planned", {"planned_for": "days:30"}, "planned"),
        ("resolved", {"text": "Patched on Monday."}, "resolved"),
        ("declined", {"text": "No budget this year."}, "declined"),
        ("not_ours", {}, "open"),
    ],
)
def test_every_answer_through_the_link(forwarded, kind, values, status):
    issue, authority, token = forwarded
    if values.get("planned_for"):
        values = {**values, "planned_for": timezone.localdate() + timedelta(days=30)}
    entry = authorities.answer(issue=issue, authority=authority, kind=kind, link=link_of(token), **values)
    issue.refresh_from_db()
    assert issue.status == status
    assert entry.kind == kind and entry.authority == authority and entry.actor is None
    assert issue.first_answer_at is not None
    assert link_of(token).used_at is not None
    assert (issue.resolved_at is not None) == (kind == "resolved")
    if kind == "not_ours":
        assert issue.authority is None and issue.answer_due_at is None
    else:
        assert issue.authority == authority
    audit = AuditEntry.objects.get(action=f"local_issues.answer.{kind}")
    assert audit.data["via"] == "link" and audit.actor is None


def test_answers_need_what_they_promise(forwarded):
    issue, authority, token = forwarded
    link = link_of(token)
    cases = [
        ({"kind": "planned"}, "date"),
        ({"kind": "planned", "planned_for": timezone.localdate() - timedelta(days=1)}, "past"),
        ({"kind": "resolved", "text": "  "}, "what was done"),
        ({"kind": "declined"}, "reason"),
        ({"kind": "acknowledged", "photos": [jpeg()]}, "Photos go with"),
        ({"kind": "not_ours", "suggested_authority": authority}, "another local authority"),
        (
            {"kind": "not_ours", "suggested_authority": OrganisationFactory(kind="ngo")},
            "another local authority",
        ),
        ({"kind": "maybe"}, "answers offered"),
        ({"kind": "declined", "text": "x" * 5001}, "under 5000"),
    ]
    for values, message in cases:
        with pytest.raises(DomainError, match=message):
            authorities.answer(issue=issue, authority=authority, link=link, **values)
    assert not issue.timeline.exclude(kind="forwarded").exists()
    assert link_of(token).used_at is None


def test_resolved_keeps_re_encoded_photos_with_the_answer(forwarded):
    issue, authority, token = forwarded
    entry = authorities.answer(
        issue=issue,
        authority=authority,
        kind="resolved",
        text="Asphalt laid.",
        photos=[jpeg()],
        link=link_of(token),
    )
    photo = IssuePhoto.objects.get(entry=entry)
    assert photo.issue == issue
    with Image.open(photo.image) as stored:
        assert not stored.getexif()  # no GPS, no camera


def test_not_ours_with_a_suggestion(forwarded):
    issue, authority, token = forwarded
    other = AuthorityFactory()
    entry = authorities.answer(
        issue=issue, authority=authority, kind="not_ours", suggested_authority=other, link=link_of(token)
    )
    assert entry.suggested_authority == other
    issue.refresh_from_db()
    assert issue.status == "open" and issue.authority is None


def test_first_answer_is_kept_and_later_answers_need_a_new_link(
    forwarded, django_capture_on_commit_callbacks
):
    issue, authority, token = forwarded
    authorities.answer(issue=issue, authority=authority, kind="acknowledged", link=link_of(token))
    issue.refresh_from_db()
    first = issue.first_answer_at
    with pytest.raises(DomainError, match="already been used"):
        authorities.answer(
            issue=issue, authority=authority, kind="resolved", text="Done", link=link_of(token)
        )
    with django_capture_on_commit_callbacks(execute=True):
        authorities.send_link(actor=moderator(), issue=issue)
    fresh = token_from(mail.outbox[-1])
    assert fresh != token
    authorities.answer(
        issue=issue,
        authority=authority,
        kind="planned",
        planned_for=timezone.localdate() + timedelta(days=3),
        link=link_of(fresh),
    )
    issue.refresh_from_db()
    assert issue.status == "planned" and issue.first_answer_at == first


def test_an_account_of_the_authority_answers(forwarded):
    issue, authority, _token = forwarded
    manager = manager_of(authority)
    entry = authorities.answer(issue=issue, authority=authority, kind="acknowledged", actor=manager)
    assert entry.actor == manager
    assert AuditEntry.objects.get(action="local_issues.answer.acknowledged").data["via"] == "account"


@pytest.mark.parametrize("who", ["resident", "member", "manager without second factor", "other authority"])
def test_others_cannot_answer(forwarded, who):
    issue, authority, _token = forwarded
    if who == "resident":
        user = UserFactory()
        user.two_factor_passed = True
    elif who == "member":
        user = member_of(authority, Role.MEMBER)
        user.two_factor_passed = True
    elif who == "manager without second factor":
        user = member_of(authority, Role.MANAGER)
    else:
        user = manager_of(AuthorityFactory())
    with pytest.raises(DomainError, match="Only the authority"):
        authorities.answer(issue=issue, authority=authority, kind="acknowledged", actor=user)
    with pytest.raises(DomainError):
        authorities.answer(issue=issue, authority=authority, kind="acknowledged", actor=None)
    assert not issue.timeline.filter(kind="acknowledged").exists()


def test_a_final_answer_closes_the_issue_to_answers(forwarded):
    issue, authority, _token = forwarded
    manager = manager_of(authority)
    authorities.answer(issue=issue, authority=authority, kind="declined", text="Not planned.", actor=manager)
    with pytest.raises(DomainError, match="not waiting"):
        authorities.answer(issue=issue, authority=authority, kind="acknowledged", actor=manager)


def test_revoking_a_link(forwarded):
    issue, authority, token = forwarded
    with pytest.raises(DomainError, match="revoke"):
        authorities.revoke_link(actor=manager_of(AuthorityFactory()), link=link_of(token))
    authorities.revoke_link(actor=manager_of(authority), link=link_of(token))
    assert authorities.link_state(link_of(token)) == "revoked"
    assert AuditEntry.objects.filter(action="local_issues.link.revoked").count() == 1


# --- Reminders -----------------------------------------------------------------------------------------


def test_reminders_go_once_with_a_fresh_link(forwarded, django_capture_on_commit_callbacks):
    issue, authority, token = forwarded
    assert "local_issues.remind_authorities" in dict(periodic_jobs)
    assert authorities.remind_authorities() == 0  # not due yet
    later = issue.answer_due_at + timedelta(minutes=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.remind_authorities(now=later) == 1
    issue.refresh_from_db()
    assert issue.reminded_at == later
    assert issue.timeline.filter(kind="reminded", authority=authority).count() == 1
    reminder = next(m for m in mail.outbox if m.to == [authority.contact_email])
    assert "Напамін" in reminder.subject  # "Reminder", in the platform's language
    fresh = token_from(reminder)
    assert authorities.link_state(link_of(token)) == "revoked"
    assert authorities.link_state(link_of(fresh), later) == "open"
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.remind_authorities(now=later + timedelta(days=3)) == 0  # once
    assert issue.timeline.filter(kind="reminded").count() == 1


def test_no_reminder_after_an_answer(forwarded):
    issue, authority, token = forwarded
    authorities.answer(issue=issue, authority=authority, kind="acknowledged", link=link_of(token))
    assert authorities.remind_authorities(now=issue.answer_due_at + timedelta(days=1)) == 0


# --- Escalation ----------------------------------------------------------------------------------------


def test_escalation_goes_one_level_up(issue, place, django_capture_on_commit_callbacks):
    region, district, settlement = place
    village = area(settlement=settlement).authority
    district_committee = area(district=district).authority
    regional = area(region=region).authority
    mod = moderator()
    authorities.forward_issue(actor=mod, issue=issue, authority=village)
    with django_capture_on_commit_callbacks(execute=True):
        authorities.escalate(actor=mod, issue=issue)
    issue.refresh_from_db()
    assert issue.authority == district_committee and issue.status == "forwarded"
    escalated = issue.timeline.get(kind="escalated")
    assert escalated.authority == village
    assert issue.timeline.filter(kind="forwarded", authority=district_committee).exists()
    assert mail.outbox[-1].to == [district_committee.contact_email]
    authorities.escalate(actor=mod, issue=issue)
    issue.refresh_from_db()
    assert issue.authority == regional
    with pytest.raises(DomainError, match="No authority above"):
        authorities.escalate(actor=mod, issue=issue)
    with pytest.raises(DomainError, match="moderators"):
        authorities.escalate(actor=manager_of(regional), issue=issue)
    assert AuditEntry.objects.filter(action="local_issues.issue.escalated").count() == 2


def test_escalation_needs_a_forwarded_issue(issue):
    with pytest.raises(DomainError, match="Forward the issue"):
        authorities.escalate(actor=moderator(), issue=issue)


# --- The residents' check after "resolved" ---------------------------------------------------------------


def resolved_issue(forwarded, backers=4):
    issue, authority, token = forwarded
    authorities.answer(issue=issue, authority=authority, kind="resolved", text="Fixed.", link=link_of(token))
    people = [issue.reporter]
    for _ in range(backers):
        person = UserFactory().person
        Backing.objects.create(issue=issue, person=person)
        people.append(person)
    issue.refresh_from_db()
    return issue, authority, people


def test_ask_if_fixed_after_four_weeks_once(forwarded, django_capture_on_commit_callbacks):
    issue, authority, people = resolved_issue(forwarded)
    assert "local_issues.ask_if_fixed" in dict(periodic_jobs)
    assert authorities.ask_if_fixed(now=issue.resolved_at + timedelta(days=27)) == 0
    mail.outbox.clear()
    asked_at = issue.resolved_at + timedelta(days=28, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.ask_if_fixed(now=asked_at) == 1
    issue.refresh_from_db()
    assert issue.confirmation_asked_at == asked_at
    fixed_url = f"/issues/{issue.public_id}/fixed/"
    recipients = {m.to[0] for m in mail.outbox if fixed_url in m.body}
    assert recipients == {p.user.email for p in people if p.user_id}
    with django_capture_on_commit_callbacks(execute=True):
        assert authorities.ask_if_fixed(now=asked_at + timedelta(hours=1)) == 0


def _ask(issue, now):
    authorities.ask_if_fixed(now=now)
    issue.refresh_from_db()


def test_a_majority_not_fixed_reopens_visibly(forwarded):
    issue, authority, people = resolved_issue(forwarded)
    now = issue.resolved_at + timedelta(days=29)
    _ask(issue, now)
    backers = [p.user for p in people[1:]]
    authorities.record_check(actor=backers[0], issue=issue, fixed=False, now=now)
    authorities.record_check(actor=backers[1], issue=issue, fixed=True, now=now)
    issue.refresh_from_db()
    assert issue.status == "resolved"  # two answers: not yet
    with pytest.raises(DomainError, match="already answered"):
        authorities.record_check(actor=backers[0], issue=issue, fixed=True, now=now)
    authorities.record_check(actor=backers[2], issue=issue, fixed=False, now=now)
    issue.refresh_from_db()
    assert issue.status == "reopened"
    entry = issue.timeline.get(kind="reopened")
    assert "2 residents say it is not fixed, 1" in entry.text
    assert issue.answer_due_at > now and issue.reminded_at is None
    assert AuditEntry.objects.filter(action="local_issues.issue.reopened").exists()
    # Back with the authority, which answers again.
    entry = authorities.answer(
        issue=issue, authority=authority, kind="acknowledged", actor=manager_of(authority)
    )
    issue.refresh_from_db()
    assert issue.status == "acknowledged"


def test_a_majority_fixed_confirms(forwarded):
    issue, _authority, people = resolved_issue(forwarded)
    now = issue.resolved_at + timedelta(days=29)
    _ask(issue, now)
    for person, fixed in zip(people[1:4], (True, True, False), strict=True):
        authorities.record_check(actor=person.user, issue=issue, fixed=fixed, now=now)
    issue.refresh_from_db()
    assert issue.status == "confirmed"
    assert issue.timeline.filter(kind="confirmed").count() == 1


def test_the_window_decides_with_fewer_answers(forwarded):
    issue, _authority, people = resolved_issue(forwarded)
    asked = issue.resolved_at + timedelta(days=29)
    _ask(issue, asked)
    authorities.record_check(actor=people[1].user, issue=issue, fixed=False, now=asked)
    _ask(issue, asked + timedelta(days=13))
    assert issue.status == "resolved"
    _ask(issue, asked + timedelta(days=14, minutes=1))
    assert issue.status == "reopened"
    with pytest.raises(DomainError, match="not open"):
        authorities.record_check(
            actor=people[2].user, issue=issue, fixed=True, now=asked + timedelta(days=15)
        )


def test_a_tie_or_silence_leaves_resolved(forwarded):
    issue, _authority, _people = resolved_issue(forwarded)
    asked = issue.resolved_at + timedelta(days=29)
    _ask(issue, asked)
    _ask(issue, asked + timedelta(days=15))
    assert issue.status == "resolved"
    assert not issue.timeline.filter(kind__in=("reopened", "confirmed")).exists()


def test_only_the_reporter_and_backers_answer_once_asked(forwarded):
    issue, _authority, people = resolved_issue(forwarded)
    asked = issue.resolved_at + timedelta(days=29)
    with pytest.raises(DomainError, match="not open"):  # not asked yet
        authorities.record_check(actor=people[1].user, issue=issue, fixed=True, now=asked)
    _ask(issue, asked)
    stranger = UserFactory()
    with pytest.raises(DomainError, match="reporter and the residents"):
        authorities.record_check(actor=stranger, issue=issue, fixed=True, now=asked)
    user = UserFactory()
    Issue.objects.filter(pk=issue.pk).update(reporter=user.person)  # a reporter with an account
    issue.refresh_from_db()
    reporter = user.person
    check = authorities.record_check(actor=user, issue=issue, fixed=True, now=asked)
    assert check.person == reporter and ResolutionCheck.objects.count() == 1
    assert AuditEntry.objects.filter(action="local_issues.check.recorded").exists()
    assert authorities.export_person(reporter)["resolution_checks"][0]["fixed"] is True


def test_the_authority_sees_the_name_only_with_consent(issue):
    assert authorities.reporter_for_authority(issue) == ""
    issue.name_to_authority = True
    assert authorities.reporter_for_authority(issue) == issue.reporter.display_name


def test_guess_counter(settings):
    settings.LOCAL_ISSUES_LINK_GUESSES_PER_NETWORK_HOUR = 3
    for _ in range(2):
        authorities.count_guess("net-a")
    assert not authorities.too_many_guesses("net-a")
    authorities.count_guess("net-a")
    assert authorities.too_many_guesses("net-a")
    assert not authorities.too_many_guesses("net-b")


def test_timeline_entries_carry_the_dates_of_what_happened():
    """The accountability figures are computed from the timeline's dates: an answer recorded with its
    day (as the demo and any import do) is dated that day, not the day it was typed in."""
    from hramada.local_issues.models import TimelineEntry

    staff = moderator()
    issue = IssueFactory()
    authority = AuthorityFactory()
    forwarded = timezone.now() - timedelta(days=40)
    authorities.forward_issue(actor=staff, issue=issue, authority=authority, now=forwarded)
    issue.refresh_from_db()
    answered = forwarded + timedelta(days=9)
    authorities.answer(issue=issue, authority=authority, kind="acknowledged", actor=staff, now=answered)
    dates = dict(TimelineEntry.objects.filter(issue=issue).values_list("kind", "created_at"))
    assert dates["forwarded"] == forwarded and dates["acknowledged"] == answered
