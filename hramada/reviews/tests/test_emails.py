"""E-mails to reviewers: one message per expert when assignments are made (a plan applied, or one by
hand), and one reminder per expert and round when the round closes within three days."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hramada.core.models import AuditEntry
from hramada.core.registry import periodic_jobs
from hramada.orgs.models import Membership, Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews import services
from hramada.reviews.models import Reviewer, Round

from .factories import AssignmentFactory, ItemFactory, ReviewerFactory, RoundFactory

pytestmark = pytest.mark.django_db

CLOSES = datetime(2030, 12, 15, 18, 0, tzinfo=UTC)  # 21:00 in Minsk


def expert(language="en", **kwargs):
    user = UserFactory(**kwargs)
    user.person.preferred_language = language
    user.person.save()
    return user


def reviewer(round_, language="en", **kwargs):
    return ReviewerFactory(round=round_, user=expert(language), **kwargs)


@pytest.fixture
def round_():
    return RoundFactory(reviews_per_item=2, title="Social Weekend: expert review", closes_at=CLOSES)


@pytest.fixture
def manager(round_):
    user = UserFactory()
    Membership.objects.create(organisation=round_.organisation, person=user.person, role=Role.MANAGER)
    return user


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


# --- New assignments ------------------------------------------------------------------------------------


def test_applying_a_plan_sends_each_expert_one_email_listing_their_new_items(
    round_, manager, django_capture_on_commit_callbacks
):
    experts = [reviewer(round_) for _n in range(3)]
    items = [ItemFactory(round=round_, title=title) for title in ("Bashni", "Children's yard", "Eco-yard")]
    plan = services.plan_assignment(round=round_)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.apply_assignment(actor=manager, round=round_, plan=plan)
    assert len(created) == 6
    assert len(mail.outbox) == 3, "one e-mail per expert, not one per assignment"
    for r in experts:
        [message] = mails_to(r.user)
        mine = {a.item.title for a in created if a.reviewer_id == r.pk}
        assert len(mine) == 2
        for item in items:
            assert (item.title in message.body) == (item.title in mine)
        assert f"{settings.SITE_URL}/en/reviews/" in message.body
        assert "Social Weekend: expert review" in message.subject
        assert "You have 2 new reviews to do" in message.body
        assert "15 December 2030, 21:00" in message.body  # the closing time, in Minsk time


def test_an_expert_given_nothing_new_gets_no_email(round_, manager, django_capture_on_commit_callbacks):
    applicant = OrganisationFactory()
    busy = reviewer(round_)
    insider = reviewer(round_, organisation=applicant)  # may not review the applicant's projects
    ItemFactory(round=round_, organisation=applicant)
    round_.reviews_per_item = 1
    round_.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_assignment(actor=manager, round=round_, plan=services.plan_assignment(round=round_))
    assert len(mails_to(busy.user)) == 1 and mails_to(insider.user) == []
    with django_capture_on_commit_callbacks(execute=True):  # a plan with nothing new e-mails nobody
        services.apply_assignment(actor=manager, round=round_, plan=services.plan_assignment(round=round_))
    assert len(mail.outbox) == 1


def test_a_manual_assignment_emails_that_expert(round_, manager, django_capture_on_commit_callbacks):
    r = reviewer(round_)
    item = ItemFactory(round=round_, title="Crisis psychology")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(actor=manager, round=round_, reviewer=r, item=item)
    [message] = mail.outbox
    assert message.to == [r.user.email] and "Crisis psychology" in message.body


def test_a_refused_assignment_sends_nothing(round_, manager, django_capture_on_commit_callbacks):
    r = reviewer(round_)
    item = ItemFactory(round=round_)
    services.declare_conflict(actor=r.user, reviewer=r, item=item, reason="My cousin")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="conflict"):
        services.assign(actor=manager, round=round_, reviewer=r, item=item)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "month"), [("ru", "15 декабря 2030"), ("be", "15 снежня 2030"), ("", "15 снежня 2030")]
)
def test_the_email_is_in_the_experts_language(
    round_, manager, django_capture_on_commit_callbacks, language, month
):
    r = reviewer(round_, language=language)  # no preferred language: the site's default (Belarusian)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(actor=manager, round=round_, reviewer=r, item=ItemFactory(round=round_))
    [message] = mail.outbox
    assert month in message.body


# --- Reminders before the round closes ------------------------------------------------------------------


@pytest.fixture
def closing_round():
    return RoundFactory(title="Jury final", closes_at=timezone.now() + timedelta(days=2))


def remind(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_reminders(now=now)


def test_reminder_goes_once_to_experts_with_pending_reviews(
    closing_round, django_capture_on_commit_callbacks
):
    late = reviewer(closing_round)
    AssignmentFactory(reviewer=late, item=ItemFactory(round=closing_round, title="Bashni"))
    AssignmentFactory(reviewer=late, item=ItemFactory(round=closing_round, title="Eco-yard"))
    finished = reviewer(closing_round)
    done = AssignmentFactory(reviewer=finished, item=ItemFactory(round=closing_round))
    services.submit_review(
        user=finished.user, assignment=done, scores={closing_round.rubric.criteria.get().pk: 5}
    )
    idle = reviewer(closing_round)  # no assignments at all
    assert remind(django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    assert message.to == [late.user.email]
    assert "You still have 2 reviews to do" in message.body
    assert "Bashni" in message.body and "Eco-yard" in message.body
    assert f"{settings.SITE_URL}/en/reviews/" in message.body
    assert mails_to(finished.user) == [] and mails_to(idle.user) == []
    late.refresh_from_db()
    assert late.reminded_at is not None
    # The job runs every minute: the expert is reminded once per round, even with new work since.
    AssignmentFactory(reviewer=late, item=ItemFactory(round=closing_round))
    assert remind(django_capture_on_commit_callbacks) == 0
    assert remind(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="reviews.reminders.sent")
    assert entry.data == {"reviewers": 1}


def test_no_reminder_too_early_after_closing_or_without_a_closing_time(
    closing_round, django_capture_on_commit_callbacks
):
    r = reviewer(closing_round)
    AssignmentFactory(reviewer=r, item=ItemFactory(round=closing_round))
    now = timezone.now()
    assert remind(django_capture_on_commit_callbacks, now=now - timedelta(days=2)) == 0  # 4 days before
    assert remind(django_capture_on_commit_callbacks, now=now + timedelta(days=3)) == 0  # closed
    open_ended = RoundFactory(closes_at=None)
    AssignmentFactory(reviewer=reviewer(open_ended), item=ItemFactory(round=open_ended))
    assert remind(django_capture_on_commit_callbacks, now=now) == 1  # only the closing round's expert
    assert [m.to for m in mail.outbox] == [[r.user.email]]


def test_each_round_reminds_separately(closing_round, django_capture_on_commit_callbacks):
    user = expert()
    other_round = RoundFactory(closes_at=timezone.now() + timedelta(hours=5))
    for round_ in (closing_round, other_round):
        r = ReviewerFactory(round=round_, user=user)
        AssignmentFactory(reviewer=r, item=ItemFactory(round=round_))
    assert remind(django_capture_on_commit_callbacks) == 2
    assert len(mails_to(user)) == 2
    assert Reviewer.objects.filter(reminded_at__isnull=True).count() == 0


def test_reminder_skips_a_reviewer_who_erased_their_account(
    closing_round, django_capture_on_commit_callbacks
):
    r = reviewer(closing_round)
    AssignmentFactory(reviewer=r, item=ItemFactory(round=closing_round))
    Reviewer.objects.filter(pk=r.pk).update(user=None)
    assert remind(django_capture_on_commit_callbacks) == 0 and mail.outbox == []


def test_reminder_in_the_experts_language(django_capture_on_commit_callbacks):
    round_ = RoundFactory(closes_at=CLOSES)
    r = reviewer(round_, language="ru")
    AssignmentFactory(reviewer=r, item=ItemFactory(round=round_))
    assert remind(django_capture_on_commit_callbacks, now=CLOSES - timedelta(days=1)) == 1
    assert "15 декабря 2030" in mail.outbox[0].body


def test_reminders_are_a_periodic_job(closing_round, django_capture_on_commit_callbacks):
    assert "reviews.remind_reviewers" in [name for name, _job in periodic_jobs]
    r = reviewer(closing_round)
    AssignmentFactory(reviewer=r, item=ItemFactory(round=closing_round))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", only=["reviews.remind_reviewers"])
    assert [m.to for m in mail.outbox] == [[r.user.email]]
    assert Round.objects.get(pk=closing_round.pk).reviewers.get().reminded_at is not None
