from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_shift_reminder(signup_id: int) -> None:
    """Remind a volunteer of tomorrow's shift, in their language; nothing for a cancelled sign-up."""
    from .models import ShiftSignup

    signup = (
        ShiftSignup.objects.select_related("shift__role__initiative", "person__user")
        .filter(pk=signup_id)
        .first()
    )
    if signup is None or signup.cancelled_at is not None:
        return
    person = signup.person
    email = person.email or (person.user.email if person.user_id else "")
    if not email or person.erased_at:
        return
    with translation.override(person.email_language), timezone.override(settings.TIME_ZONE):
        initiative = signup.shift.role.initiative
        context = {
            "person": person,
            "shift": signup.shift,
            "role": signup.shift.role,
            "initiative": initiative,
            "page_url": settings.SITE_URL + reverse("initiatives:detail", args=[initiative.slug]),
            "mine_url": settings.SITE_URL + reverse("initiatives:my_volunteering"),
        }
        subject = render_to_string("initiatives/email/reminder_subject.txt", context).strip()
        body = render_to_string("initiatives/email/reminder.txt", context)
    EmailMultiAlternatives(subject, body, None, [email]).send()
