"""Merging two records of the same human: the service, every app's hook and their collision rules."""

import pytest
from django.apps import apps
from django.utils import timezone

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.registry import person_merge_hooks
from hramada.people import services
from hramada.people.models import ConsentRecord, DuplicateDismissal, Person

from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Relations to Person that no app hook moves, and why.
ALLOW_LIST = {
    "people.ConsentRecord.person": "moved by merge_people itself",
    "people.DuplicateDismissal.person_a": "moved by merge_people itself",
    "people.DuplicateDismissal.person_b": "moved by merge_people itself",
}


def relations_to_person():
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.is_relation and field.related_model is Person:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_relation_to_person_is_moved_by_a_hook_or_allow_listed():
    covered = {label for _name, _fn, covers in person_merge_hooks() for label in covers}
    missing = relations_to_person() - covered - set(ALLOW_LIST)
    assert not missing, f"add these to an app's merge hook (its merge.COVERS) or to ALLOW_LIST: {missing}"
    stale = covered - relations_to_person()
    assert not stale, f"hooks claim relations that no longer exist: {stale}"


def merge(keep, remove, by=None):
    return services.merge_people(keep=keep, remove=remove, by=by or UserFactory())


def test_merge_fills_empty_fields_moves_consents_and_login_deletes_and_audits():
    keep = PersonFactory(display_name="Alena Kavalenka")
    user = UserFactory()
    remove = user.person
    remove.gender, remove.gender_consent_at = "woman", timezone.now()
    remove.save()
    ConsentRecord.objects.create(person=remove, field="gender", given=True, purpose="x")
    actor = UserFactory()
    moved = merge(keep, remove, by=actor)
    keep.refresh_from_db()
    assert not Person.objects.filter(pk=remove.pk).exists()
    assert keep.display_name == "Alena Kavalenka"  # the kept name
    assert keep.email == user.email and keep.user_id == user.pk
    assert keep.gender == "woman" and keep.gender_consent_at is not None
    assert keep.consents.count() == 1
    assert moved["people.login"] == 1 and moved["people.consents"] == 1
    entry = AuditEntry.objects.get(action="people.person.merged")
    assert entry.actor == actor
    assert entry.data["kept"] == keep.public_id and entry.data["removed"] == remove.public_id


def test_two_logins_are_refused_and_nothing_changes():
    keep, remove = UserFactory().person, UserFactory().person
    with pytest.raises(DomainError, match="own login"):
        merge(keep, remove)
    assert Person.objects.filter(pk=remove.pk).exists()


def test_self_merge_and_erased_are_refused():
    person = PersonFactory()
    with pytest.raises(DomainError):
        merge(person, person)
    erased = PersonFactory(erased_at=timezone.now())
    with pytest.raises(DomainError):
        merge(person, erased)


def test_dismissals_follow_the_kept_person():
    keep, remove, other = PersonFactory(), PersonFactory(), PersonFactory()
    by = UserFactory()
    services.dismiss_duplicate(a=remove, b=other, by=by)
    services.dismiss_duplicate(a=keep, b=remove, by=by)
    merge(keep, remove)
    low, high = sorted((keep.pk, other.pk))
    assert list(DuplicateDismissal.objects.values_list("person_a", "person_b")) == [(low, high)]


# --- the apps' hooks ----------------------------------------------------------------------------------


def test_events_registrations_collision_keeps_the_checked_in_one():
    from hramada.events.models import Registration, RegistrationStatus
    from hramada.events.tests.factories import EventFactory, registered

    event, other_event = EventFactory(), EventFactory()
    keep, remove = PersonFactory(), PersonFactory()
    registered(event, keep)
    registered(event, remove)
    registered(other_event, remove)
    Registration.objects.filter(person=remove, event=event).update(checked_in_at=timezone.now())
    moved = merge(keep, remove)
    regs = Registration.objects.filter(person=keep, event=event)
    assert regs.count() == 2
    kept = regs.exclude(status=RegistrationStatus.CANCELLED).get()
    assert kept.checked_in_at is not None
    assert Registration.objects.filter(person=keep, event=other_event).count() == 1
    assert moved["events.registrations"] == 2 and moved["events.registrations_merged"] == 1


def test_events_slot_bookings_collision_cancels_one():
    from hramada.events.models import SlotBooking
    from hramada.events.tests.factories import ReadingSlotFactory

    slot = ReadingSlotFactory(capacity=2)
    keep, remove = PersonFactory(), PersonFactory()
    SlotBooking.objects.create(slot=slot, reader=keep)
    SlotBooking.objects.create(slot=slot, reader=remove)
    merge(keep, remove)
    assert SlotBooking.objects.filter(reader=keep, cancelled_at__isnull=True).count() == 1
    assert SlotBooking.objects.filter(reader=keep).count() == 2


def test_orgs_memberships_keep_the_higher_role():
    from hramada.orgs.models import Membership, Role
    from hramada.orgs.tests.factories import OrganisationFactory

    org, other = OrganisationFactory(), OrganisationFactory()
    keep, remove = PersonFactory(), PersonFactory()
    Membership.objects.create(organisation=org, person=keep, role=Role.MEMBER)
    Membership.objects.create(organisation=org, person=remove, role=Role.MANAGER)
    Membership.objects.create(organisation=other, person=remove, role=Role.EXPERT)
    merge(keep, remove)
    assert dict(Membership.objects.filter(person=keep).values_list("organisation", "role")) == {
        org.pk: Role.MANAGER,
        other.pk: Role.EXPERT,
    }


def test_places_community_leader_keeps_the_public_role():
    from hramada.places.models import CommunityLeader
    from hramada.places.tests.factories import CommunityFactory

    community = CommunityFactory()
    keep, remove = PersonFactory(), PersonFactory()
    CommunityLeader.objects.create(community=community, person=keep)
    CommunityLeader.objects.create(
        community=community, person=remove, role="head", shown_publicly=True, consented_at=timezone.now()
    )
    merge(keep, remove)
    leader = CommunityLeader.objects.get(person=keep)
    assert leader.shown_publicly and leader.role == "head"


def test_initiatives_shift_collision_keeps_recorded_hours():
    from hramada.initiatives.models import ShiftSignup
    from hramada.initiatives.tests.factories import ShiftFactory

    shift = ShiftFactory()
    keep, remove = PersonFactory(), PersonFactory()
    ShiftSignup.objects.create(shift=shift, person=keep)
    ShiftSignup.objects.create(shift=shift, person=remove, hours=2)
    merge(keep, remove)
    active = ShiftSignup.objects.get(person=keep, cancelled_at__isnull=True)
    assert active.hours == 2
    assert ShiftSignup.objects.filter(person=keep).count() == 2


def test_local_issues_backings_and_follows_are_not_doubled():
    from hramada.local_issues.models import Backing, Follow
    from hramada.local_issues.tests.factories import BackingFactory, IssueFactory

    issue, other_issue = IssueFactory(), IssueFactory()
    keep, remove = PersonFactory(), PersonFactory()
    BackingFactory(issue=issue, person=keep)
    BackingFactory(issue=issue, person=remove)
    BackingFactory(issue=other_issue, person=remove)
    Follow.objects.create(issue=issue, person=keep)
    Follow.objects.create(issue=issue, person=remove)
    reported = IssueFactory(reporter=remove)
    merge(keep, remove)
    assert Backing.objects.filter(person=keep).count() == 2
    assert issue.backings.count() == 1
    assert Follow.objects.filter(issue=issue).count() == 1
    reported.refresh_from_db()
    assert reported.reporter == keep


def test_programmes_same_cohort_is_refused_other_cohorts_move():
    from hramada.programmes.models import Application, Participant
    from hramada.programmes.tests.factories import ApplicationFactory, CohortFactory, ParticipantFactory

    cohort, other = CohortFactory(), CohortFactory()
    keep, remove = PersonFactory(), PersonFactory()
    ApplicationFactory(cohort=cohort, person=keep)
    ApplicationFactory(cohort=cohort, person=remove)
    with pytest.raises(DomainError, match="applied"):
        merge(keep, remove)
    assert Person.objects.filter(pk=remove.pk).exists()
    Application.objects.filter(person=remove).update(cohort=other)
    ParticipantFactory(cohort=other, person=remove)
    merge(keep, remove)
    assert Application.objects.filter(person=keep).count() == 2
    assert Participant.objects.get(cohort=other).person == keep


def test_programmes_two_mentor_rows_become_one_with_all_mentees():
    from hramada.programmes.models import Mentor, Participant
    from hramada.programmes.tests.factories import CohortFactory, MentorFactory, ParticipantFactory

    cohort = CohortFactory()
    keep, remove = PersonFactory(), PersonFactory()
    kept_mentor = MentorFactory(cohort=cohort, person=keep)
    removed_mentor = MentorFactory(cohort=cohort, person=remove)
    mentee = ParticipantFactory(cohort=cohort, mentor=removed_mentor)
    merge(keep, remove)
    assert list(Mentor.objects.filter(cohort=cohort)) == [kept_mentor]
    assert Participant.objects.get(pk=mentee.pk).mentor == kept_mentor


def test_news_authorship_is_not_doubled():
    from hramada.news.tests.factories import PostFactory

    post, other = PostFactory(), PostFactory()
    keep, remove = PersonFactory(), PersonFactory()
    post.authors.add(keep, remove)
    other.authors.add(remove)
    merge(keep, remove)
    assert list(post.authors.all()) == [keep]
    assert list(other.authors.all()) == [keep]


def test_questions_answers_move():
    from hramada.questions.models import Response
    from hramada.questions.tests.factories import FormFactory

    remove, keep = PersonFactory(), PersonFactory()
    response = Response.objects.create(form=FormFactory(), person=remove)
    merge(keep, remove)
    response.refresh_from_db()
    assert response.person == keep


def test_votes_stay_as_they_are_and_unlinkable():
    """Votes hold a keyed hash of the login, not a person: merging a person with a login into one
    without moves the login, so every vote's hash (and count) is unchanged and nothing names a person."""
    from hramada.voting.models import Vote

    hashes_before = list(Vote.objects.values_list("voter_hash", flat=True))
    keep, remove = PersonFactory(), UserFactory().person
    merge(keep, remove)
    assert list(Vote.objects.values_list("voter_hash", flat=True)) == hashes_before
    assert not [
        f
        for f in Vote._meta.get_fields()
        if f.is_relation and f.related_model is Person and f.name != "annulled_by"
    ]
