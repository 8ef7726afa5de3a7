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


# --- The participant's community work (needs, residents' survey, plans, alumni) -----------------------


def participant_for_work(public_id: str):
    from .models import Participant

    return (
        Participant.objects.select_related(
            "person", "community", "mentor__person", "partner", "cohort__programme__organisation"
        )
        .filter(public_id=public_id)
        .first()
    )


def assessment_page(public_id: str):
    from .models import NeedsAssessment

    return (
        NeedsAssessment.objects.select_related(
            "participant__person",
            "participant__mentor__person",
            "participant__partner",
            "participant__cohort__programme__organisation",
            "community",
            "survey_form",
        )
        .filter(public_id=public_id)
        .first()
    )


def plan_page(public_id: str):
    from .models import ActionPlan

    return (
        ActionPlan.objects.select_related(
            "participant__person",
            "participant__mentor__person",
            "participant__partner",
            "participant__community",
            "participant__cohort__programme__organisation",
            "assessment",
        )
        .filter(public_id=public_id)
        .first()
    )


def cite_issues(needs) -> None:
    """Attach to each need the published local issue it cites (``need.cited_issue``), in one query."""
    from hramada.local_issues.selectors import public_issues

    keys = {n.local_issue_key for n in needs if n.local_issue_key}
    issues = {i.public_id: i for i in public_issues().filter(public_id__in=keys)} if keys else {}
    for need in needs:
        need.cited_issue = issues.get(need.local_issue_key)


def needs_ranking(assessment) -> dict:
    """The needs ordered by the residents' ranking, by Borda count: on each ballot, the needs ranked are
    taken in the ballot's order (needs deleted since are skipped) and the one in place i earns N - i + 1
    points (N: the assessment's needs now), unranked needs 0. Ties: the better mean place, then the
    participant's own priority. Returns ``{"rows": [...], "ballots": n, "respondents": n}``."""
    from collections import defaultdict

    from .models import NeedRanking

    needs = list(assessment.needs.all())
    n = len(needs)
    ballots: dict[str, list] = defaultdict(list)
    without_response = set()
    for need_id, rank, ballot, response_id in NeedRanking.objects.filter(
        need__assessment=assessment
    ).values_list("need_id", "rank", "ballot", "response_id"):
        ballots[ballot].append((rank, need_id))
        if response_id is None:
            without_response.add(ballot)
    points = defaultdict(int)
    places = defaultdict(list)
    firsts = defaultdict(int)
    for entries in ballots.values():
        for place, (_rank, need_id) in enumerate(sorted(entries), start=1):
            points[need_id] += n - place + 1
            places[need_id].append(place)
            if place == 1:
                firsts[need_id] += 1
    rows = [
        {
            "need": need,
            "points": points[need.pk],
            "ranked_by": len(places[need.pk]),
            "first_choice": firsts[need.pk],
            "mean_place": round(sum(places[need.pk]) / len(places[need.pk]), 1) if places[need.pk] else None,
        }
        for need in needs
    ]
    rows.sort(key=lambda r: (-r["points"], r["mean_place"] or 10**6, r["need"].priority, r["need"].pk))
    responses = assessment.survey_form.responses.count() if assessment.survey_form_id else 0
    return {"rows": rows, "ballots": len(ballots), "respondents": responses + len(without_response)}


def survey_results(assessment, *, with_texts: bool) -> dict | None:
    """Per question: counts per option, averages, ticked consents (the events feedback aggregation);
    the written answers only for those who follow the participant's work (``with_texts``)."""
    from hramada.events.reports import summarise_answers

    form = assessment.survey_form
    if form is None or not form.questions.exists():
        return None
    summary = summarise_answers(form, form.responses.all())
    if not with_texts:
        for item in summary["items"]:
            item.pop("texts", None)
    return summary


def work_of(participant) -> dict:
    return {
        "assessments": list(participant.assessments.select_related("community").prefetch_related("needs")),
        "plans": list(participant.action_plans.all()),
    }


def public_plans():
    """Plans whose participant opted in, once submitted."""
    from .models import ActionPlan

    return (
        ActionPlan.objects.filter(is_public=True)
        .exclude(status=ActionPlan.Status.DRAFT)
        .select_related("participant__person", "participant__community", "participant__cohort__programme")
    )


def cohort_public_plans(cohort):
    """The public plans of a cohort, for its public page."""
    return (
        public_plans().filter(participant__cohort=cohort).order_by("participant__person__display_name", "id")
    )


def cohort_plans_section(request, cohort):
    """The cohort's public action plans, a section of its public page (``cohort_sections``)."""
    from django.utils.translation import gettext as _

    plans = list(cohort_public_plans(cohort))
    if not plans:
        return None
    return {"title": _("Action plans"), "template": "programmes/public/_cohort_plans.html", "plans": plans}


def community_work_section(community):
    """The public needs assessments and plans about a community, for its page (``places`` registry)."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from .models import NeedsAssessment

    items = []
    for a in (
        NeedsAssessment.objects.filter(is_public=True, community=community)
        .select_related("participant__person", "participant__cohort")
        .order_by("-created_at")[:10]
    ):
        items.append(
            {"kind": "needs", "object": a, "person": a.participant.person, "year": a.participant.cohort.year}
        )
    for p in (
        public_plans()
        .filter(Q(participant__community=community) | Q(assessment__community=community))
        .order_by("-created_at")[:10]
    ):
        items.append(
            {"kind": "plan", "object": p, "person": p.participant.person, "year": p.participant.cohort.year}
        )
    if not items:
        return None
    return {
        "title": _("Leaders' community work"),
        "template": "programmes/public/work_community.html",
        "items": items,
    }


def cohort_work_rows(cohort, *, partner_ids=None) -> list[dict]:
    """For the organisers: each participant they may see, with their assessments and plans."""
    from django.db.models import Prefetch

    from .models import ActionPlan, NeedsAssessment

    participants = cohort_participants(cohort, partner_ids=partner_ids).prefetch_related(
        Prefetch("assessments", queryset=NeedsAssessment.objects.order_by("-created_at")),
        Prefetch("action_plans", queryset=ActionPlan.objects.order_by("-created_at")),
    )
    return [
        {"participant": p, "assessments": list(p.assessments.all()), "plans": list(p.action_plans.all())}
        for p in participants
    ]


def programme_figures(programme) -> dict:
    """ "N leaders completed the programme in Y years": distinct persons with a completed participation in
    any cohort of the programme, over the span of those cohorts' years (first to last, inclusive)."""
    from django.db.models import Count, Max, Min

    from .models import Participant

    completed = Participant.objects.filter(cohort__programme=programme, status=Participant.Status.COMPLETED)
    figures = completed.aggregate(
        leaders=Count("person", distinct=True),
        cohorts=Count("cohort", distinct=True),
        first=Min("cohort__year"),
        last=Max("cohort__year"),
    )
    figures["years"] = (figures["last"] - figures["first"] + 1) if figures["first"] is not None else 0
    return figures


def alumni_directory(programme):
    """Listed alumni profiles of people who completed the programme, each with its completed
    participations (community, cohort year) in ``person.alumni_participations``."""
    from django.db.models import Prefetch

    from .models import AlumniProfile, Participant

    completed = Participant.objects.filter(cohort__programme=programme, status=Participant.Status.COMPLETED)
    return (
        AlumniProfile.objects.filter(
            listed=True, person__erased_at__isnull=True, person__in=completed.values("person")
        )
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__programme_participations",
                queryset=completed.select_related("cohort", "community").order_by("cohort__year"),
                to_attr="alumni_participations",
            )
        )
        .order_by("person__display_name", "id")
    )


# --- Calls and applications (H1) -------------------------------------------------------------------


def visible_people(user, queryset, programme):
    """``queryset`` (applications or participants, with a ``partner`` field) limited to what ``user``
    may see in ``programme``: all for the lead organisation, their own partners' people for a partner
    organiser (their own country), nothing for anyone else."""
    scope = partner_scope(user, programme)
    if scope is None:
        return queryset
    return queryset.filter(partner_id__in=scope)


def cohort_applications(user, cohort, *, status="", country=None, region=None):
    """The cohort's applications the user may see, filtered, with person and place joined."""
    from .models import Application

    qs = visible_people(
        user,
        Application.objects.filter(cohort=cohort).select_related(
            "person", "partner__organisation", "partner__country", "settlement__region__country", "community"
        ),
        cohort.programme,
    )
    if status:
        qs = qs.filter(status=status)
    if country is not None:
        qs = qs.filter(settlement__region__country=country)
    if region is not None:
        qs = qs.filter(settlement__region=region)
    return qs.order_by("-submitted_at", "-id")


def application_counts(queryset) -> dict:
    from django.db.models import Count

    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")))


def my_applications(user):
    from .models import Application

    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(person__user=user)
        .select_related("cohort__programme")
        .order_by("-created_at")
    )


def my_applications_link(user):
    """ "My applications" in the header for applicants (a queryset: the header asks every link's in
    one query)."""
    from .models import Application

    return Application.objects.filter(person__user=user)


def programme_page(slug: str):
    return (
        Programme.objects.select_related("organisation")
        .prefetch_related("partners__organisation", "partners__country", "donors")
        .filter(slug=slug)
        .first()
    )


# Sections other parts add to the public cohort page: fn(request, cohort) -> dict with "title" and
# "template" (and anything the template reads), or None.
cohort_sections: list = []


def register_cohort_section(fn) -> None:
    if fn not in cohort_sections:
        cohort_sections.append(fn)


def programmes_manage_section(request):
    """Programmes on the organiser dashboard (lead and partner organisations the user manages)."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    orgs = managed_org_ids(request.user)
    if not orgs and not request.user.is_staff:
        return None
    qs = Programme.objects.select_related("organisation").prefetch_related("cohorts")
    if not request.user.is_staff:
        qs = qs.filter(Q(organisation__in=orgs) | Q(partners__organisation__in=orgs)).distinct()
    items = list(qs[:20])
    if not items:
        return None
    return {
        "title": _("Programmes"),
        "template": "programmes/manage/_programme_list.html",
        "items": items,
        "empty": _("No programmes yet."),
    }


def programmes_home_section(request):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    items = list(public_programmes()[:4])
    if not items:
        return None
    return {
        "title": _("Programmes"),
        "template": "programmes/public/_programme_cards.html",
        "items": items,
        "more_url": reverse("programmes:list"),
        "empty": _("No programmes yet."),
    }
