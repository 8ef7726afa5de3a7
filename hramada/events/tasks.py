import io

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_registration_email(registration_id: int) -> None:
    """Tell the participant their registration status, in their language; confirmed ones get a QR ticket and .ics."""
    from . import selectors
    from .models import Registration, RegistrationStatus

    registration = Registration.objects.select_related("event", "person__user").get(pk=registration_id)
    person = registration.person
    email = person.email or (person.user.email if person.user_id else "")
    if not email:
        return  # entered from a paper list without an address: the organisers tell them in person
    with translation.override(person.email_language):
        event = registration.event
        ticket_url = settings.SITE_URL + reverse("events:ticket", args=[event.slug, registration.ticket_code])
        context = {"registration": registration, "event": event, "ticket_url": ticket_url, "person": person}
        subject = render_to_string("events/email/registration_subject.txt", context).strip()
        body = render_to_string("events/email/registration.txt", context)
        message = EmailMultiAlternatives(subject, body, None, [email])
        if registration.status == RegistrationStatus.CONFIRMED and event.status != event.Status.CANCELLED:
            png = io.BytesIO()
            segno.make(registration.ticket_code, error="m").save(png, kind="png", scale=6, border=2)
            message.attach("ticket.png", png.getvalue(), "image/png")
            message.attach("event.ics", selectors.event_ics(event), "text/calendar")
    message.send()
