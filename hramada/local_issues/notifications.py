"""E-mails to the people who follow an issue (the reporter and backers, until they stop following)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_timeline_update(issue_id: int, entry_id: int) -> None:
    """Tell each follower of the issue about a new timeline entry, in their language. Nothing while the
    issue is not public, except that the reporter hears that moderators hid it; never the person whose
    action the entry is. Idempotent enough for a retried task: one message per follower per entry."""
    from .models import Follow, TimelineEntry

    entry = (
        TimelineEntry.objects.select_related("issue__settlement", "actor__person", "authority")
        .filter(pk=entry_id, issue_id=issue_id)
        .first()
    )
    if entry is None:
        return
    issue = entry.issue
    hidden_notice = entry.kind == TimelineEntry.Kind.HIDDEN
    if not issue.is_public and not hidden_notice:
        return
    follows = Follow.objects.filter(issue=issue).select_related("person__user")
    if hidden_notice:
        follows = follows.filter(person_id=issue.reporter_id)
    actor_person_id = getattr(getattr(entry.actor, "person", None), "pk", None) if entry.actor_id else None
    for follow in follows:
        person = follow.person
        if person.erased_at or person.pk == actor_person_id:
            continue
        email = person.email or (person.user.email if person.user_id else "")
        if not email:
            continue
        with translation.override(person.email_language), timezone.override(settings.TIME_ZONE):
            context = {
                "person": person,
                "issue": issue,
                "entry": entry,
                "page_url": settings.SITE_URL + reverse("local_issues:detail", args=[issue.public_id]),
                "mine_url": settings.SITE_URL + reverse("local_issues:mine"),
            }
            subject = render_to_string("local_issues/email/follower_update_subject.txt", context).strip()
            body = render_to_string("local_issues/email/follower_update.txt", context)
        EmailMultiAlternatives(subject, body, None, [email]).send()
