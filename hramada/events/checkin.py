"""Check-in: organisers record that a confirmed participant arrived, at the door or in a session.

Idempotent: phones queue check-ins offline and re-send them, and two devices may scan the same ticket;
each person is counted once per event and per session. (Split from ``services``, which re-exports
``check_in``.)
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core.errors import DomainError

from .capacity import _require_manager
from .models import CheckIn, Event, Registration, RegistrationStatus, Session, SessionSignup

S = RegistrationStatus


def check_in(
    *, actor, event: Event, ticket_code: str, client_id: str, at=None, session: Session | None = None
) -> tuple[CheckIn, bool]:
    """Record that a registered person arrived; idempotent (same ``client_id`` or same person: counted once).

    Returns (check-in, created). Phones queue check-ins offline and re-send them; a re-sent one
    returns the stored check-in instead of a second one.
    """
    _require_manager(actor, event)
    existing = CheckIn.objects.filter(client_id=client_id).select_related("registration__person").first()
    if existing is not None:
        return existing, False
    registration = (
        Registration.objects.filter(event=event, ticket_code=ticket_code).select_related("person").first()
    )
    if registration is None:
        raise DomainError(_("No ticket with this code for this event."))
    if registration.status != S.CONFIRMED:
        raise DomainError(
            _("%(name)s is not confirmed (status: %(status)s).")
            % {"name": registration.person, "status": registration.get_status_display()}
        )
    if (
        session is not None
        and session.needs_signup
        and not SessionSignup.objects.filter(
            session=session, person=registration.person, status=S.CONFIRMED
        ).exists()
    ):
        raise DomainError(_("%(name)s has no seat in this session.") % {"name": registration.person})
    at = min(at or timezone.now(), timezone.now())
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                registration=registration,
                session=session,
                client_id=client_id,
                at=at,
                by=getattr(actor, "person", None),
            )
            if session is None:
                Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
                    checked_in_at=at, checked_in_by=getattr(actor, "person", None)
                )
            else:
                SessionSignup.objects.filter(
                    session=session, person=registration.person, status=S.CONFIRMED
                ).update(attended_at=at)
    except IntegrityError:
        # Another device checked the same person in first: keep that one.
        same = CheckIn.objects.filter(registration=registration, session=session).first()
        if same is None:
            same = CheckIn.objects.get(client_id=client_id)
        return same, False
    return checkin, True
