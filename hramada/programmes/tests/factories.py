"""Factories of the programmes app (shared by its helpers: append, do not rewrite)."""

import datetime

import factory
from django.utils import timezone

from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import PersonFactory
from hramada.places.tests.factories import CountryFactory
from hramada.programmes.models import Cohort, CohortSession, Mentor, Participant, Partner, Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Leadership {n}")
    title_en = factory.SelfAttribute("title")
    slug = factory.Sequence(lambda n: f"leadership-{n}")
    summary_en = "Local leaders learn to assess and meet their community's needs."
    published_at = factory.LazyFunction(timezone.now)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    country = factory.SubFactory(CountryFactory)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Cohort {n}")
    title_en = factory.SelfAttribute("title")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    year = 2026
    starts_on = datetime.date(2026, 1, 15)
    ends_on = datetime.date(2026, 11, 30)
    published_at = factory.LazyFunction(timezone.now)


# --- Cohort delivery (H3) -----------------------------------------------------------------------------


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)


class CohortSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory)
    event = factory.SubFactory(
        "hramada.events.tests.factories.EventFactory",
        organisation=factory.SelfAttribute("..cohort.programme.organisation"),
    )
    session = None
    order = factory.Sequence(lambda n: n)


def attend(cohort_session, person, *, actor):
    """``person`` registered and checked in at the cohort session by ``actor`` (an organiser of the
    event), through the events services."""
    import secrets

    from hramada.events import services as event_services
    from hramada.events.models import ACTIVE, Registration

    event = cohort_session.event
    registration = Registration.objects.filter(event=event, person=person, status__in=ACTIVE).first()
    if registration is None:
        registration = event_services.register(event=event, person=person, actor=actor, staff_entry=True)
    event_services.check_in(
        actor=actor,
        event=event,
        ticket_code=registration.ticket_code,
        client_id=secrets.token_hex(8),
        session=cohort_session.session,
    )
    return registration


# --- Selection and decisions (H2) ---------------------------------------------------------------------


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application (as after the call's services screened it eligible)."""

    class Meta:
        model = "programmes.Application"

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)


# --- Calls and applications (H1) ----------------------------------------------------------------------


class CallCohortFactory(CohortFactory):
    """A published cohort whose call opened yesterday and closes in a week, with an empty form."""

    call_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    call_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    application_form = factory.SubFactory(
        "hramada.questions.tests.factories.FormFactory",
        organisation=factory.SelfAttribute("..programme.organisation"),
    )
