from .models import Programme


def public_programmes():
    """Published programmes, lead organisation and partners joined."""
    return (
        Programme.objects.filter(published_at__isnull=False)
        .select_related("organisation")
        .prefetch_related("partners__organisation", "partners__country")
    )


# --- Cohort delivery: participants, sessions, attendance, completion ----------------------------------


def managed_org_ids(user) -> set[int]:
    """The organisations the user owns or manages (asked once per request)."""
    from .rules import _managed_org_ids

    return _managed_org_ids(user)


def partner_scope(user, programme) -> set[int] | None:
    """Whose participants a user sees: None for the lead organisation (everyone), else the ids of the
    programme's partners the user manages (their own country's people only; empty: nobody)."""
    if user.has_perm("programmes.manage_programme", programme):
        return None
    orgs = managed_org_ids(user)
    return {p.pk for p in programme.partners.all() if p.organisation_id in orgs}


def cohort_participants(cohort, *, partner_ids=None):
    """The cohort's participants with person, community and mentor, limited to some partners' people."""
    from .models import Participant

    queryset = Participant.objects.filter(cohort=cohort).select_related(
        "person", "community", "mentor__person", "partner__country"
    )
    if partner_ids is not None:
        queryset = queryset.filter(partner_id__in=partner_ids)
    return queryset


def cohort_sessions(cohort):
    from .models import CohortSession

    return (
        CohortSession.objects.filter(cohort=cohort).select_related("event", "session").order_by("order", "id")
    )


def deliveries(cohort, *, partner_ids=None):
    """Who received what, when, in one query: each check-in of a participant at one of the cohort's
    sessions (the door check-in for a whole event, or the session's own), as rows of
    ``participant_id, name, cohort_session_id, event, session, at``, in time order."""
    from django.db.models import Case, F, OuterRef, Q, Subquery, When

    from hramada.events.models import CheckIn

    from .models import CohortSession, Participant

    links = CohortSession.objects.filter(cohort=cohort)
    participants = Participant.objects.filter(cohort=cohort)
    if partner_ids is not None:
        participants = participants.filter(partner_id__in=partner_ids)
    return (
        CheckIn.objects.filter(registration__person__in=participants.values("person"))
        .filter(
            Q(
                session__isnull=True,
                registration__event__in=links.filter(session__isnull=True).values("event"),
            )
            | Q(session__in=links.filter(session__isnull=False).values("session"))
        )
        .annotate(
            participant_id=Subquery(
                participants.filter(person=OuterRef("registration__person")).values("pk")[:1]
            ),
            cohort_session_id=Case(
                When(
                    session__isnull=True,
                    then=Subquery(
                        links.filter(session__isnull=True, event=OuterRef("registration__event")).values(
                            "pk"
                        )[:1]
                    ),
                ),
                default=Subquery(links.filter(session=OuterRef("session")).values("pk")[:1]),
            ),
            name=F("registration__person__display_name"),
            event_title=F("registration__event__title"),
            session_title=F("session__title"),
        )
        .values("participant_id", "name", "cohort_session_id", "event_title", "session_title", "at")
        .order_by("at", "pk")
    )


def attendance_percent(attended: int, total: int) -> int:
    """Whole percent, rounded down, so a shown figure never claims more than was attended."""
    return (attended * 100) // total if total else 0


def completion(cohort, *, partner_ids=None, participants=None, sessions=None) -> list[dict]:
    """Each participant's attendance across the cohort's sessions and whether they meet the completion
    rule, with the reasons when not. A constant number of queries: participants, sessions, check-ins,
    submitted action plans."""
    from .models import ActionPlan, Participant

    participants = (
        list(participants)
        if participants is not None
        else list(cohort_participants(cohort, partner_ids=partner_ids))
    )
    sessions = list(sessions) if sessions is not None else list(cohort_sessions(cohort))
    attended: dict[int, dict[int, object]] = {p.pk: {} for p in participants}
    for row in deliveries(cohort, partner_ids=partner_ids):
        cells = attended.get(row["participant_id"])
        if cells is not None and row["cohort_session_id"] is not None:
            cells.setdefault(row["cohort_session_id"], row["at"])
    with_plan = set()
    if cohort.requires_action_plan:
        with_plan = set(
            ActionPlan.objects.filter(
                participant__in=[p.pk for p in participants],
                status__in=[ActionPlan.Status.SUBMITTED, ActionPlan.Status.UNDER_WAY, ActionPlan.Status.DONE],
            ).values_list("participant_id", flat=True)
        )
    total = len(sessions)
    rows = []
    for participant in participants:
        cells = attended[participant.pk]
        count = len(cells)
        reasons = []
        if participant.status == Participant.Status.LEFT:
            reasons.append("left")
        if count * 100 < cohort.min_attendance_percent * total or (
            total == 0 and cohort.min_attendance_percent
        ):
            reasons.append("attendance")
        if cohort.requires_action_plan and participant.pk not in with_plan:
            reasons.append("plan")
        rows.append(
            {
                "participant": participant,
                "cells": [cells.get(s.pk) for s in sessions],
                "attended": count,
                "total": total,
                "percent": attendance_percent(count, total),
                "has_plan": participant.pk in with_plan,
                "met": not reasons,
                "reasons": reasons,
            }
        )
    return rows


def participations_of(person):
    """A person's cohorts, newest first, with the programme and their certificate."""
    from .models import Participant

    return (
        Participant.objects.filter(person=person)
        .select_related("cohort__programme__organisation", "community", "mentor__person", "certificate")
        .order_by("-cohort__starts_on", "-id")
    )


def mentees_of(person):
    """The participants a person mentors, across cohorts."""
    from .models import Participant

    return (
        Participant.objects.filter(mentor__person=person)
        .select_related("person", "community", "cohort__programme")
        .order_by("cohort_id", "person__display_name")
    )


def certificate_by_code(code: str):
    from .models import Certificate

    return (
        Certificate.objects.filter(code=code)
        .select_related("participant__person", "participant__cohort__programme__organisation")
        .first()
    )


def my_programmes_link(user):
    """ "My programmes" in the header for participants and mentors (a queryset: the header asks every
    link's in one query)."""
    from django.db.models import Q

    from .models import Participant

    return Participant.objects.filter(Q(person__user=user) | Q(mentor__person__user=user))


def mentee_rows(person) -> list[dict]:
    """The participants a person mentors with their attendance and completion (``completion`` rows),
    a few queries per cohort."""
    from itertools import groupby

    rows = []
    mentees = list(mentees_of(person))
    for _cohort_id, group in groupby(mentees, key=lambda p: p.cohort_id):
        group = list(group)
        rows.extend(completion(group[0].cohort, participants=group))
    return rows
