"""Delivering a cohort: its participants (added by hand or on accepting a place), mentors, sessions
(events of the ``events`` app), completion and certificates.

Sessions are events, or single sessions of an event: registration, check-in and attendance are the
events app's, and participants are registered through its services (``register_participants``), so
a session's places are never overbooked. Completion follows the cohort's rule (share of sessions
attended, an action plan submitted: ``selectors.completion``). A certificate is issued once per
participant, signed as an Open Badges 3.0 credential (``credentials``), and may be revoked by the lead
organisation with a reason.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.events import services as event_services
from hramada.events.models import ACTIVE, Event, Registration, SessionSignup
from hramada.people import services as people_services

from . import credentials, selectors
from .models import Certificate, Cohort, CohortSession, Mentor, Participant, Partner

P = Participant.Status
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _require(actor, perm: str, obj, message: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise DomainError(message)


def _scope(cohort: Cohort):
    return cohort.programme.organisation


def _require_lead(actor, cohort: Cohort) -> None:
    _require(
        actor,
        "programmes.manage_programme",
        cohort,
        _("Only the programme's lead organisation can do this."),
    )


def _require_participant_manager(actor, participant: Participant) -> None:
    _require(
        actor,
        "programmes.manage_participant",
        participant,
        _("Only the programme's organisers for this participant's country can do this."),
    )


# --- Participants -------------------------------------------------------------------------------------


def _partner_for(actor, cohort: Cohort, community) -> Partner | None:
    """The partner who manages a hand-added participant: the actor's own partner organisation if they
    are not the lead's; else the partner of the community's country, if the programme has one."""
    programme = cohort.programme
    partners = list(programme.partners.all())
    if not actor.has_perm("programmes.manage_programme", cohort):
        mine = [p for p in partners if p.organisation_id in selectors.managed_org_ids(actor)]
        if not mine:
            raise DomainError(_("Only the programme's organisers can add participants."))
        return mine[0]
    if community is None:
        return None
    country_id = community.settlement.region.country_id
    return next((p for p in partners if p.country_id == country_id), None)


@transaction.atomic
def add_participant(
    *, actor, cohort: Cohort, person=None, display_name: str = "", email: str = "", community=None
) -> Participant:
    """An organiser adds a person to the cohort by hand (from a paper list: a new person is recorded
    when none is given); a partner adds people of their own country only."""
    _require(
        actor,
        "programmes.work_in_programme",
        cohort,
        _("Only the programme's organisers can add participants."),
    )
    partner = _partner_for(actor, cohort, community)
    if (
        partner is not None
        and community is not None
        and community.settlement.region.country_id != partner.country_id
        and not actor.has_perm("programmes.manage_programme", cohort)
    ):
        raise DomainError(_("This community is not in your country."), field="community")
    if person is None:
        person = people_services.create_person(actor=actor, display_name=display_name, email=email)
    if Participant.objects.filter(cohort=cohort, person=person).exists():
        raise DomainError(_("%(name)s is already in this cohort.") % {"name": person})
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                cohort=cohort, person=person, community=community, partner=partner
            )
    except IntegrityError:
        raise DomainError(_("%(name)s is already in this cohort.") % {"name": person}) from None
    audit.record(
        actor=actor,
        action="programmes.participant.added",
        target=participant,
        scope=_scope(cohort),
        data={"by_hand": True, "partner": partner.pk if partner else None},
    )
    return participant


@transaction.atomic
def mark_left(*, actor, participant: Participant) -> Participant:
    """A participant who left the programme stays on the list, marked, and no longer counts for completion."""
    _require_participant_manager(actor, participant)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == P.LEFT:
        raise DomainError(_("This participant has already left."))
    if participant.status == P.COMPLETED:
        raise DomainError(_("This participant has completed the programme."))
    participant.status = P.LEFT
    participant.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.participant.left",
        target=participant,
        scope=_scope(participant.cohort),
    )
    return participant


# --- Mentors ------------------------------------------------------------------------------------------


@transaction.atomic
def add_mentor(*, actor, cohort: Cohort, person) -> Mentor:
    """The lead organisation names a mentor of the cohort (once per person)."""
    _require_lead(actor, cohort)
    if Mentor.objects.filter(cohort=cohort, person=person).exists():
        raise DomainError(_("%(name)s is already a mentor of this cohort.") % {"name": person})
    mentor = Mentor.objects.create(cohort=cohort, person=person)
    audit.record(actor=actor, action="programmes.mentor.added", target=mentor, scope=_scope(cohort))
    return mentor


@transaction.atomic
def assign_mentor(*, actor, participant: Participant, mentor: Mentor | None) -> Participant:
    """Give a participant a mentor of their own cohort (or none)."""
    _require_participant_manager(actor, participant)
    if mentor is not None and mentor.cohort_id != participant.cohort_id:
        raise DomainError(_("This mentor belongs to another cohort."), field="mentor")
    participant.mentor = mentor
    participant.save(update_fields=["mentor", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.participant.mentor_assigned",
        target=participant,
        scope=_scope(participant.cohort),
        data={"mentor": mentor.pk if mentor else None},
    )
    return participant


# --- Sessions -----------------------------------------------------------------------------------------


def _next_order(cohort: Cohort) -> int:
    return (cohort.sessions.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def add_session(
    *, actor, cohort: Cohort, event: Event, session=None, order: int | None = None
) -> CohortSession:
    """Link an event of the lead organisation (or one session of it) to the cohort as a session."""
    _require_lead(actor, cohort)
    if event.organisation_id != cohort.programme.organisation_id:
        raise DomainError(_("Choose an event of the programme's organisation."), field="event")
    if session is not None and session.event_id != event.pk:
        raise DomainError(_("This session belongs to another event."), field="session")
    exists = cohort.sessions.filter(event=event, session=session)
    if exists.exists():
        raise DomainError(_("This is already one of the cohort's sessions."))
    cohort_session = CohortSession.objects.create(
        cohort=cohort, event=event, session=session, order=order if order is not None else _next_order(cohort)
    )
    audit.record(
        actor=actor,
        action="programmes.session.added",
        target=cohort_session,
        scope=_scope(cohort),
        data={"event": event.pk, "session": session.pk if session else None},
    )
    return cohort_session


@transaction.atomic
def create_session_event(
    *, actor, cohort: Cohort, title: str, starts_at, ends_at, venue: str = "", order: int | None = None
) -> CohortSession:
    """Create an event for a new session in one step (by invitation: participants are registered by
    the organisers) and link it to the cohort."""
    _require_lead(actor, cohort)
    if not (title or "").strip():
        raise DomainError(_("A title is required."), field="title")
    language = translation.get_language() or settings.LANGUAGE_CODE
    lang = language.split("-")[0]
    event = event_services.save_event(
        actor=actor,
        organisation=cohort.programme.organisation,
        status=Event.Status.PUBLISHED,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_mode=Event.Mode.INVITATION,
        **{f"title_{lang}": title.strip(), f"venue_{lang}": venue.strip()},
    )
    return add_session(actor=actor, cohort=cohort, event=event, order=order)


@transaction.atomic
def remove_session(*, actor, cohort_session: CohortSession) -> None:
    """Unlink a session from the cohort; the event and its attendance stay in the events app."""
    cohort = cohort_session.cohort
    _require_lead(actor, cohort)
    audit.record(
        actor=actor,
        action="programmes.session.removed",
        target=cohort_session,
        scope=_scope(cohort),
        data={"event": cohort_session.event_id, "session": cohort_session.session_id},
    )
    cohort_session.delete()


@transaction.atomic
def move_session(*, actor, cohort_session: CohortSession, order: int) -> CohortSession:
    """Change a session's place in the cohort's order."""
    _require_lead(actor, cohort_session.cohort)
    cohort_session.order = max(0, int(order))
    cohort_session.save(update_fields=["order"])
    audit.record(
        actor=actor,
        action="programmes.session.moved",
        target=cohort_session,
        scope=_scope(cohort_session.cohort),
        data={"order": cohort_session.order},
    )
    return cohort_session


def register_participants(*, actor, cohort_session: CohortSession) -> dict:
    """Register every active participant for a session's event (and seat them in the session when it
    needs its own sign-up) through the events services, which never overbook: those beyond the
    places go to the waiting list. Returns counts by outcome."""
    cohort = cohort_session.cohort
    _require(
        actor,
        "programmes.work_in_programme",
        cohort,
        _("Only the programme's organisers can register participants."),
    )
    event = cohort_session.event
    session = cohort_session.session
    counts = {"registered": 0, "waitlisted": 0, "already": 0, "refused": 0}
    participants = list(cohort.participants.exclude(status=P.LEFT).select_related("person").order_by("id"))
    registered = {
        r.person_id: r
        for r in Registration.objects.filter(
            event=event, person__in=[p.person for p in participants], status__in=ACTIVE
        )
    }
    signed = set()
    if session is not None and session.needs_signup:
        signed = set(
            SessionSignup.objects.filter(session=session, status__in=ACTIVE).values_list(
                "person_id", flat=True
            )
        )
    with transaction.atomic():
        for participant in participants:
            person = participant.person
            registration = registered.get(person.pk)
            try:
                if registration is None:
                    registration = event_services.register(
                        event=event, person=person, actor=actor, staff_entry=True
                    )
                    key = "registered" if registration.status == "confirmed" else "waitlisted"
                    if session is None or not session.needs_signup:
                        counts[key] += 1
                        continue
                elif session is None or not session.needs_signup:
                    counts["already"] += 1
                    continue
                if person.pk in signed:
                    counts["already"] += 1
                    continue
                if registration.status != "confirmed":
                    counts["waitlisted"] += 1
                    continue
                signup = event_services.signup_session(session=session, person=person, actor=actor)
                counts["registered" if signup.status == "confirmed" else "waitlisted"] += 1
            except DomainError:
                counts["refused"] += 1
        audit.record(
            actor=actor,
            action="programmes.session.participants_registered",
            target=cohort_session,
            scope=_scope(cohort),
            data=counts,
        )
    return counts


# --- Completion ---------------------------------------------------------------------------------------


@transaction.atomic
def mark_completed(*, actor, cohort: Cohort, participant_ids=None) -> list[Participant]:
    """Mark as completed the participants who meet the cohort's completion rule (all of them, or those
    chosen); one audit entry each. Those who do not meet it are left as they are."""
    _require(
        actor,
        "programmes.work_in_programme",
        cohort,
        _("Only the programme's organisers can mark completion."),
    )
    rows = selectors.completion(cohort, partner_ids=selectors.partner_scope(actor, cohort.programme))
    now = timezone.now()
    done = []
    for row in rows:
        participant = row["participant"]
        if participant_ids is not None and participant.pk not in participant_ids:
            continue
        if not row["met"] or participant.status != P.ACTIVE:
            continue
        participant.status = P.COMPLETED
        participant.completed_at = now
        participant.save(update_fields=["status", "completed_at", "updated_at"])
        audit.record(
            actor=actor,
            action="programmes.participant.completed",
            target=participant,
            scope=_scope(cohort),
            data={"attended": row["attended"], "sessions": row["total"], "percent": row["percent"]},
        )
        done.append(participant)
    if participant_ids is not None and not done:
        raise DomainError(_("None of the chosen participants meets the completion rule."))
    return done


# --- Certificates -------------------------------------------------------------------------------------


def certificate_language(person) -> str:
    """The participant's language (be/ru/en): their preferred one, else their site language, else the default."""
    for lang in (person.preferred_language, person.site_language):
        if lang in LANGUAGES:
            return lang
    return settings.LANGUAGE_CODE.split("-")[0]


def criteria_text(cohort: Cohort) -> str:
    parts = [
        _("attended at least %(percent)s%% of the cohort's sessions")
        % {"percent": cohort.min_attendance_percent}
    ]
    if cohort.requires_action_plan:
        parts.append(_("submitted an action plan for their community"))
    return _("Completed the programme: %(criteria)s.") % {"criteria": _(" and ").join(parts)}


def _subject_key(person) -> tuple[str, str]:
    """What the credential identifies the holder by, hashed: the e-mail address of their login or
    record, or (for someone entered without one) their public id."""
    email = (person.user.email if person.user_id else "") or person.email
    if email:
        return email.strip().lower(), "emailAddress"
    return str(person.public_id), "identifier"


def _build_signed(certificate: Certificate, *, participant: Participant) -> dict:
    cohort = participant.cohort
    programme = cohort.programme
    person = participant.person
    with translation.override(certificate.language):
        holder_key, key_type = _subject_key(person)
        credential = credentials.build_credential(
            code=certificate.code,
            organisation=programme.organisation,
            programme_title=programme.title,
            cohort_title=cohort.title,
            achievement_id=f"{settings.SITE_URL}/credentials/achievements/{cohort.public_id}",
            description=programme.summary or programme.title,
            criteria=criteria_text(cohort),
            holder_name=person.display_name,
            holder_key=holder_key,
            key_type=key_type,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            valid_from=certificate.issued_at,
            salt=secrets.token_hex(8),
        )
    return credentials.sign(
        credential,
        verification_method=credentials.verification_method_id(programme.organisation),
        created=certificate.issued_at,
    )


@transaction.atomic
def issue_certificate(*, actor, participant: Participant, language: str = "") -> Certificate:
    """The lead organisation issues a certificate to a participant who completed the programme, once."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("cohort__programme__organisation", "person__user")
        .get(pk=participant.pk)
    )
    _require_lead(actor, participant.cohort)
    if participant.status != P.COMPLETED:
        raise DomainError(_("Only a participant who completed the programme gets a certificate."))
    if Certificate.objects.filter(participant=participant).exists():
        raise DomainError(_("%(name)s already has a certificate.") % {"name": participant.person})
    certificate = Certificate(
        participant=participant,
        language=language if language in LANGUAGES else certificate_language(participant.person),
        issued_at=timezone.now(),
        issued_by=actor,
    )
    certificate.credential = _build_signed(certificate, participant=participant)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise DomainError(_("%(name)s already has a certificate.") % {"name": participant.person}) from None
    audit.record(
        actor=actor,
        action="programmes.certificate.issued",
        target=certificate,
        scope=_scope(participant.cohort),
        data={"participant": participant.pk, "language": certificate.language},
    )
    return certificate


def issue_certificates(*, actor, cohort: Cohort) -> list[Certificate]:
    """Certificates for every completed participant of the cohort who has none yet."""
    _require_lead(actor, cohort)
    issued = []
    with transaction.atomic():
        for participant in cohort.participants.filter(status=P.COMPLETED, certificate__isnull=True):
            issued.append(issue_certificate(actor=actor, participant=participant))
    return issued


@transaction.atomic
def revoke_certificate(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """The lead organisation revokes a certificate, always with a reason (shown on its public page)."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("participant__cohort__programme")
        .get(pk=certificate.pk)
    )
    _require_lead(actor, certificate.participant.cohort)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the certificate is revoked."), field="reason")
    if certificate.revoked_at is not None:
        raise DomainError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.certificate.revoked",
        target=certificate,
        scope=_scope(certificate.participant.cohort),
        data={"reason": reason},
    )
    return certificate


def verify_certificate(certificate: Certificate) -> dict:
    """What the public verification page says: the signature checks, and whether it was revoked."""
    signature_ok = credentials.verify(certificate.credential)
    return {
        "signature_ok": signature_ok,
        "revoked": certificate.revoked_at is not None,
        "valid": signature_ok and certificate.revoked_at is None,
    }


# --- Personal data ------------------------------------------------------------------------------------


def export_participation(person) -> list:
    """A person's participations, mentor roles and certificates."""
    out = []
    for participant in Participant.objects.filter(person=person).select_related(
        "cohort__programme", "community", "mentor__person"
    ):
        certificate = Certificate.objects.filter(participant=participant).first()
        out.append(
            {
                "programme": str(participant.cohort.programme),
                "cohort": str(participant.cohort),
                "community": str(participant.community) if participant.community else None,
                "status": participant.status,
                "completed_at": participant.completed_at.isoformat() if participant.completed_at else None,
                "mentor": str(participant.mentor.person) if participant.mentor else None,
                "certificate": {
                    "code": certificate.code,
                    "issued_at": certificate.issued_at.isoformat(),
                    "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
                    "credential": certificate.credential,
                }
                if certificate
                else None,
            }
        )
    for mentor in Mentor.objects.filter(person=person).select_related("cohort__programme"):
        out.append({"mentor_of": str(mentor.cohort), "programme": str(mentor.cohort.programme)})
    return out


ERASED_REASON = "account erased"


def erase_participation(person) -> None:
    """On erasure the participation rows stay (the cohort's figures), tied to the pseudonymised person;
    their certificates are revoked ("account erased") and the signed credential, which names the
    holder, is emptied, so the public page no longer shows the name."""
    now = timezone.now()
    for certificate in Certificate.objects.filter(participant__person=person):
        if certificate.revoked_at is None:
            certificate.revoked_at = now
            certificate.revoked_reason = ERASED_REASON
        certificate.credential = {}
        certificate.save(update_fields=["revoked_at", "revoked_reason", "credential", "updated_at"])
        audit.record(
            actor=None,
            action="programmes.certificate.revoked",
            target=certificate,
            scope=_scope(certificate.participant.cohort),
            data={"reason": ERASED_REASON},
        )


def holder_hash_matches(certificate: Certificate, value: str) -> bool:
    """Whether ``value`` (an e-mail address) is the one the credential's hashed identifier names."""
    try:
        ident = certificate.credential["credentialSubject"]["identifier"][0]
    except (KeyError, IndexError, TypeError):
        return False
    digest = "sha256$" + hashlib.sha256((value.strip().lower() + ident["salt"]).encode()).hexdigest()
    return secrets.compare_digest(digest, ident["identityHash"])
