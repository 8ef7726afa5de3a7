import datetime as dt
import itertools

import factory
from django.utils import timezone

from hramada.contests.models import ProjectMember
from hramada.events.models import Registration, RegistrationStatus
from hramada.events.tests.factories import EventFactory
from hramada.initiatives.models import ShiftSignup
from hramada.orgs.models import Organisation
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.models import Disability, Gender
from hramada.reports.models import DonorProject
from hramada.voting.models import Vote

_receipts = itertools.count(1)


class DonorFactory(OrganisationFactory):
    kind = Organisation.Kind.DONOR
    name = factory.Sequence(lambda n: f"Donor {n}")
    name_en = factory.SelfAttribute("name")
    slug = factory.Sequence(lambda n: f"donor-{n}")


class DonorProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonorProject

    organisation = factory.SubFactory(OrganisationFactory)
    donor = factory.SubFactory(DonorFactory)
    title = factory.Sequence(lambda n: f"Grant {n}")
    title_en = factory.SelfAttribute("title")
    starts_on = dt.date(2020, 1, 1)
    ends_on = dt.date(2020, 12, 31)


def moment(y, m=6, d=15):
    return dt.datetime(y, m, d, 12, tzinfo=dt.UTC)


def attended(person, event=None, **event_kwargs):
    """``person`` checked in at ``event`` (a new event in mid-2020 by default)."""
    event = event or EventFactory(starts_at=moment(2020), ends_at=moment(2020, 6, 16), **event_kwargs)
    Registration.objects.create(
        event=event,
        person=person,
        status=RegistrationStatus.CONFIRMED,
        checked_in_at=event.starts_at,
        ticket_code=f"t{next(_receipts)}",
    )
    return event


def registered_only(person, event):
    Registration.objects.create(
        event=event, person=person, status=RegistrationStatus.CONFIRMED, ticket_code=f"t{next(_receipts)}"
    )


def volunteered(person, shift, cancelled=False):
    return ShiftSignup.objects.create(
        shift=shift, person=person, cancelled_at=timezone.now() if cancelled else None
    )


def team_member(project, user, role=ProjectMember.Role.MEMBER, accepted=True):
    return ProjectMember.objects.create(
        project=project,
        user=user,
        email=user.email,
        role=role,
        accepted_at=timezone.now() if accepted else None,
    )


def vote(project, stage, **kwargs):
    n = next(_receipts)
    return Vote.objects.create(
        stage=stage,
        project=project,
        category=project.category,
        voter_hash=f"v{n}",
        slot=1,
        limit=1,
        receipt_hash=f"r{n}",
        **kwargs,
    )


def consented(person, gender=None, disability=None):
    """Set the sensitive fields as given with consent (factories stand in for people.services here)."""
    now = timezone.now()
    if gender:
        person.gender, person.gender_consent_at = gender, now
    if disability:
        person.disability, person.disability_consent_at = disability, now
    person.save()
    return person


WOMAN, MAN, OTHER = Gender.WOMAN, Gender.MAN, Gender.OTHER
WITH, WITHOUT = Disability.YES, Disability.NONE
