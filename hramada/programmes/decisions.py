"""Selection and decisions: the committee's rules, the solver's proposal, changes by hand with a
reason, the frozen list with its fingerprint, the decisions e-mailed to applicants, and the applicant's
answer to a place (confirming makes them a participant; declining moves the waiting list up).

Only the lead organisation selects and decides (``programmes.select_cohort``); partners see the
selection page with their own country's people only. Every change is audited in the lead
organisation's scope.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.tasks import enqueue_on_commit

from . import selection
from .models import Application, Cohort, Participant, SelectionChange, SelectionRules

DOCUMENT_VERSION = 1
A = Application.Status
SUBJECT_PREFIX = "programmes.application:"
# Applications the solver chooses from: submitted and found eligible; after decisions the same
# applications carry their decision.
CANDIDATE_STATUSES = (A.SUBMITTED,)


def _require_lead(actor, cohort: Cohort) -> None:
    if not actor.has_perm("programmes.select_cohort", cohort):
        raise DomainError(_("Only the programme's lead organisation selects and decides."))


def _scope(cohort: Cohort):
    return cohort.programme.organisation


def _locked_rules(cohort: Cohort) -> SelectionRules:
    rules = SelectionRules.objects.select_for_update().filter(cohort=cohort).first()
    if rules is None:
        raise DomainError(_("Save the selection rules first."))
    return rules


def _require_open(rules: SelectionRules) -> None:
    if rules.frozen_at is not None:
        raise DomainError(_("The selection is frozen and can no longer change."))


# --- Reads the services need (the selection page reads them too) ------------------------------------


def candidate_rows(cohort: Cohort, statuses=CANDIDATE_STATUSES) -> list[dict]:
    """The cohort's applications as rows for ``selection.candidates_from``, in submission order, with
    their region (the settlement's, else the community's) and community as keys, and names to show."""
    return list(
        Application.objects.filter(cohort=cohort, status__in=statuses)
        .annotate(
            region_key=Coalesce("settlement__region_id", "community__settlement__region_id"),
            region_name=Coalesce("settlement__region__name", "community__settlement__region__name"),
            community_key=F("community__public_id"),
            community_name=F("community__name"),
            gender=F("person__gender"),
            gender_consent_at=F("person__gender_consent_at"),
            disability=F("person__disability"),
            disability_consent_at=F("person__disability_consent_at"),
        )
        .values(
            "pk",
            "public_id",
            "region_key",
            "region_name",
            "community_key",
            "community_name",
            "gender",
            "gender_consent_at",
            "disability",
            "disability_consent_at",
            "partner_id",
            "status",
            "person__display_name",
        )
        .order_by("submitted_at", "pk")
    )


def _as_selection_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "region": None if row["region_key"] is None else str(row["region_key"]),
            "community": row["community_key"],
        }
        for row in rows
    ]


def scores_for(cohort: Cohort) -> dict[str, float]:
    """Each reviewed application's score in the cohort's review round (public id -> score): the
    normalised score when the round normalises, else the raw mean. Unreviewed ones are absent."""
    if cohort.review_round_id is None:
        return {}
    from hramada.reviews.selectors import results

    round_ = cohort.review_round
    key = "normalised" if round_.normalise else "raw"
    scores = {}
    for result in results(round_):
        subject = result.item.subject_key
        value = getattr(result, key)
        if subject.startswith(SUBJECT_PREFIX) and value is not None:
            scores[subject.removeprefix(SUBJECT_PREFIX)] = value
    return scores


def rules_of(rules: SelectionRules) -> selection.Rules:
    return selection.Rules(
        cohort_size=rules.cohort_size,
        min_per_region=rules.min_per_region,
        max_per_community=rules.max_per_community,
        min_women_percent=rules.min_women_percent,
        min_disability=rules.min_disability,
    )


def rules_document(rules: SelectionRules) -> dict:
    """What is frozen: the rules, the scores used, the proposal's figures, the changes by hand and the
    final list; its canonical JSON's SHA-256 is the fingerprint."""
    proposal = rules.proposal
    return {
        "version": DOCUMENT_VERSION,
        "cohort": rules.cohort.public_id,
        "rules": {
            "cohort_size": rules.cohort_size,
            "min_per_region": rules.min_per_region,
            "max_per_community": rules.max_per_community,
            "min_women_percent": rules.min_women_percent,
            "min_disability": rules.min_disability,
            "waitlist_size": rules.waitlist_size,
            "gender_and_disability": "counted only where given with consent",
        },
        "scores": proposal.get("scores", {}),
        "proposal": {
            "status": proposal.get("status"),
            "selected": proposal.get("selected", []),
            "objective": proposal.get("objective"),
            "bound": proposal.get("bound"),
        },
        "changes": [
            {"application": c.application.public_id, "change": c.action, "reason": c.reason}
            for c in rules.changes.select_related("application").order_by("created_at", "id")
            if rules.proposed_at is None or c.created_at >= rules.proposed_at
        ],
        "final": proposal.get("final", []),
    }


def canonical_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(document: dict) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


# --- Services ----------------------------------------------------------------------------------------


@transaction.atomic
def save_rules(
    *,
    actor,
    cohort: Cohort,
    cohort_size: int,
    min_per_region: int = 0,
    max_per_community: int | None = None,
    min_women_percent: int = 0,
    min_disability: int = 0,
    waitlist_size: int = 10,
) -> SelectionRules:
    """The lead organisation states the selection rules; a proposal made under other rules is dropped."""
    _require_lead(actor, cohort)
    if cohort_size < 1:
        raise DomainError(_("The cohort needs at least one place."), field="cohort_size")
    if not 0 <= min_women_percent <= 100:
        raise DomainError(_("A share of women is between 0 and 100 %."), field="min_women_percent")
    if max_per_community is not None and max_per_community < 1:
        raise DomainError(_("At most per community must be at least 1, or empty."), field="max_per_community")
    rules = SelectionRules.objects.select_for_update().filter(cohort=cohort).first()
    if rules is not None:
        _require_open(rules)
    else:
        rules = SelectionRules(cohort=cohort)
    rules.cohort_size = cohort_size
    rules.min_per_region = min_per_region
    rules.max_per_community = max_per_community
    rules.min_women_percent = min_women_percent
    rules.min_disability = min_disability
    rules.waitlist_size = waitlist_size
    rules.proposal = {}
    rules.proposed_at = None
    rules.save()
    audit.record(
        actor=actor,
        action="programmes.selection.rules_saved",
        target=rules,
        scope=_scope(cohort),
        data=rules_document(rules)["rules"],
    )
    return rules


@transaction.atomic
def propose(*, actor, cohort: Cohort, time_limit: float = 30.0) -> SelectionRules:
    """Run the solver on the reviewed applications and store its proposal (replacing an earlier one
    and its changes by hand)."""
    _require_lead(actor, cohort)
    rules = _locked_rules(cohort)
    _require_open(rules)
    rows = candidate_rows(cohort)
    scores = scores_for(cohort)
    candidates = selection.candidates_from(_as_selection_rows(rows), scores)
    result = selection.propose(candidates, rules_of(rules), time_limit=time_limit)
    rules.proposal = {
        **result.as_json(),
        "final": list(result.selected),
        "scores": {row["public_id"]: scores[row["public_id"]] for row in rows if row["public_id"] in scores},
    }
    rules.proposed_at = timezone.now()
    rules.save(update_fields=["proposal", "proposed_at", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.selection.proposed",
        target=rules,
        scope=_scope(cohort),
        data={
            "status": result.status,
            "selected": len(result.selected),
            "objective": result.objective,
            "bound": result.bound,
            "conflict": result.conflict,
        },
    )
    return rules


@transaction.atomic
def change_selection(*, actor, cohort: Cohort, application: Application, action: str, reason: str):
    """The committee adds an applicant to the proposed list or removes one, always with a reason."""
    _require_lead(actor, cohort)
    rules = _locked_rules(cohort)
    _require_open(rules)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the change."), field="reason")
    if not rules.proposal.get("status"):
        raise DomainError(_("Ask for a proposal first."))
    if application.cohort_id != cohort.pk:
        raise DomainError(_("This application is not in this cohort."))
    final = list(rules.proposal.get("final", []))
    key = application.public_id
    if action == SelectionChange.Action.ADD:
        if application.status not in CANDIDATE_STATUSES:
            raise DomainError(_("Only a submitted, eligible application can be selected."))
        if key in final:
            raise DomainError(_("This applicant is already selected."))
        final.append(key)
    elif action == SelectionChange.Action.REMOVE:
        if key not in final:
            raise DomainError(_("This applicant is not selected."))
        final.remove(key)
    else:
        raise DomainError(_("Unknown change."))
    rules.proposal = {**rules.proposal, "final": final}
    rules.save(update_fields=["proposal", "updated_at"])
    change = SelectionChange.objects.create(
        rules=rules, application=application, action=action, reason=reason, by=actor
    )
    audit.record(
        actor=actor,
        action=f"programmes.selection.{'added' if action == SelectionChange.Action.ADD else 'removed'}",
        target=application,
        scope=_scope(cohort),
        data={"reason": reason},
    )
    return change


@transaction.atomic
def freeze(*, actor, cohort: Cohort, now=None) -> SelectionRules:
    """Freeze the rules, the scores used and the final list as a document with its SHA-256
    fingerprint; nothing about the selection changes afterwards."""
    _require_lead(actor, cohort)
    rules = _locked_rules(cohort)
    _require_open(rules)
    if not rules.proposal.get("final"):
        raise DomainError(_("There is no one in the selection to freeze."))
    rules.document = rules_document(rules)
    rules.fingerprint = fingerprint(rules.document)
    rules.frozen_at = now or timezone.now()
    rules.frozen_by = actor
    rules.save(update_fields=["document", "fingerprint", "frozen_at", "frozen_by", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.selection.frozen",
        target=rules,
        scope=_scope(cohort),
        data={"fingerprint": rules.fingerprint, "selected": len(rules.document["final"])},
    )
    return rules


@transaction.atomic
def decide(*, actor, cohort: Cohort, now=None) -> dict:
    """After freezing: the final list accepted, the next best by score on the waiting list in order
    (``waitlist_size`` long), the other submitted applications not selected; each applicant e-mailed."""
    _require_lead(actor, cohort)
    Cohort.objects.select_for_update().get(pk=cohort.pk)
    rules = _locked_rules(cohort)
    if rules.frozen_at is None:
        raise DomainError(_("Freeze the selection before deciding."))
    if Application.objects.filter(cohort=cohort, decided_at__isnull=False).exists():
        raise DomainError(_("The decisions have already been made."))
    now = now or timezone.now()
    final = set(rules.document["final"])
    scores = rules.document["scores"]
    pending = list(
        Application.objects.filter(cohort=cohort, status__in=CANDIDATE_STATUSES).order_by(
            "submitted_at", "pk"
        )
    )
    others = sorted(
        (a for a in pending if a.public_id not in final and a.public_id in scores),
        key=lambda a: -scores[a.public_id],  # stable: equal scores in submission order
    )
    waiting = {a.pk: position for position, a in enumerate(others[: rules.waitlist_size], start=1)}
    counts = {A.ACCEPTED: 0, A.WAITLISTED: 0, A.REJECTED: 0}
    for application in pending:
        if application.public_id in final:
            application.status = A.ACCEPTED
        elif application.pk in waiting:
            application.status = A.WAITLISTED
            application.waitlist_position = waiting[application.pk]
        else:
            application.status = A.REJECTED
        application.decided_at = now
        application.decided_by = actor
        counts[application.status] += 1
    Application.objects.bulk_update(pending, ["status", "waitlist_position", "decided_at", "decided_by"])
    for application in pending:
        enqueue_on_commit(send_decision_email, application.pk)
    audit.record(
        actor=actor,
        action="programmes.selection.decided",
        target=rules,
        scope=_scope(cohort),
        data={
            "accepted": counts[A.ACCEPTED],
            "waitlisted": counts[A.WAITLISTED],
            "not_selected": counts[A.REJECTED],
        },
    )
    return counts


def _locked_application(application: Application) -> Application:
    # The application's row only (``of``): the cohort's row is the waiting list's lock, taken apart.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort__programme__organisation")
        .get(pk=application.pk)
    )


@transaction.atomic
def confirm_place(*, actor, application: Application) -> Participant:
    """An accepted applicant confirms their place and becomes a participant of the cohort."""
    application = _locked_application(application)
    if application.person.user_id != actor.pk:
        raise DomainError(_("Only the applicant can answer for their place."))
    if application.status != A.ACCEPTED:
        raise DomainError(_("There is no place offered on this application."))
    existing = Participant.objects.filter(application=application).first()
    if existing is not None:
        return existing
    participant = Participant.objects.create(
        cohort=application.cohort,
        person=application.person,
        community=application.community,
        partner=application.partner,
        application=application,
    )
    audit.record(
        actor=actor,
        action="programmes.place.confirmed",
        target=application,
        scope=_scope(application.cohort),
        data={"participant": participant.public_id},
    )
    return participant


def _lock_waiting_list(cohort_id: int) -> None:
    """Promotions in one cohort one at a time: two declines at once must not promote the same
    applicant twice or skip one (the concurrency test switches this off and sees it happen)."""
    Cohort.objects.select_for_update().filter(pk=cohort_id).values_list("pk", flat=True).first()


def _after_reading_waiting_list() -> None:
    """A hook for the concurrency test (it waits here to widen the race); does nothing otherwise."""


@transaction.atomic
def decline_place(*, actor, application: Application, now=None) -> Application | None:
    """An accepted applicant declines their place (or one on the waiting list leaves it); a declined
    place goes to the first on the waiting list, who is e-mailed. Returns who moved up, if anyone."""
    application = _locked_application(application)
    if application.person.user_id != actor.pk:
        raise DomainError(_("Only the applicant can answer for their place."))
    if application.status not in (A.ACCEPTED, A.WAITLISTED):
        raise DomainError(_("There is no place offered on this application."))
    if Participant.objects.filter(application=application).exists():
        raise DomainError(_("You have already confirmed your place: write to the organisers to leave."))
    was_accepted = application.status == A.ACCEPTED
    _lock_waiting_list(application.cohort_id)
    application.status = A.DECLINED
    application.waitlist_position = None
    application.save(update_fields=["status", "waitlist_position", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.place.declined",
        target=application,
        scope=_scope(application.cohort),
        data={"was": "accepted" if was_accepted else "waitlisted"},
    )
    if not was_accepted:
        return None
    return _move_up(application.cohort, now=now)


def _move_up(cohort: Cohort, *, now=None) -> Application | None:
    first = (
        Application.objects.filter(cohort=cohort, status=A.WAITLISTED).order_by("waitlist_position").first()
    )
    _after_reading_waiting_list()
    if first is None:
        return None
    first.status = A.ACCEPTED
    first.waitlist_position = None
    first.decided_at = now or timezone.now()
    first.save(update_fields=["status", "waitlist_position", "decided_at", "updated_at"])
    enqueue_on_commit(send_decision_email, first.pk)
    audit.record(
        actor=None,
        action="programmes.place.moved_up",
        target=first,
        scope=_scope(cohort),
        data={},
    )
    return first


# --- E-mail ------------------------------------------------------------------------------------------


@task()
def send_decision_email(application_id: int) -> None:
    """Tell the applicant the decision on their application, in their language."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    application = Application.objects.select_related("person__user", "cohort__programme").get(
        pk=application_id
    )
    person = application.person
    email = person.email or (person.user.email if person.user_id else "")
    if not email:
        return  # no address: the organisers tell them in person
    with translation.override(person.email_language):
        url = settings.SITE_URL + reverse("programmes:decision", args=[application.public_id])
        context = {"application": application, "cohort": application.cohort, "person": person, "url": url}
        subject = render_to_string("programmes/email/decision_subject.txt", context).strip()
        body = render_to_string("programmes/email/decision.txt", context)
    EmailMessage(subject, body, None, [email]).send()
    Application.objects.filter(pk=application_id).update(notified_at=timezone.now())


# --- Personal data -----------------------------------------------------------------------------------

ERASED_REASON = "(erased)"


def export_selection(person) -> list:
    """The committee's changes by hand about the person's applications, with their reasons."""
    return [
        {
            "cohort": c.application.cohort.title,
            "change": c.action,
            "reason": c.reason,
            "at": c.created_at.isoformat(),
        }
        for c in SelectionChange.objects.filter(application__person=person).select_related(
            "application__cohort"
        )
    ]


def erase_selection(person) -> None:
    """The reasons written about the person are erased, in the changes and in frozen documents (whose
    stored fingerprint stays the one computed when freezing); the changes themselves stay, as the
    applications do (``calls.erase_applications``)."""
    changes = SelectionChange.objects.filter(application__person=person)
    keys = set(changes.values_list("application__public_id", flat=True))
    changes.update(reason=ERASED_REASON)
    for rules in SelectionRules.objects.filter(changes__application__person=person).distinct():
        document = rules.document
        if document.get("changes"):
            for change in document["changes"]:
                if change["application"] in keys:
                    change["reason"] = ERASED_REASON
            rules.document = document
            rules.save(update_fields=["document", "updated_at"])
