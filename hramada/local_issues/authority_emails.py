"""E-mails of the authorities' part: the answer link to an authority (forwarded, escalated, a new link,
a reminder, reopened by residents) and the question "is it fixed?" to the reporter and backers."""

import secrets

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

PURPOSES = ("forwarded", "escalated", "new_link", "reminder", "reopened")


@task()
def send_answer_link(link_id: int, purpose: str) -> None:
    """E-mail an answer link to the authority's contact address, in the platform's language. The token
    is made here and only its hash is stored, so the plain token is only in the authority's mailbox
    (not in the database nor in the task queue's arguments). Nothing for a link that was revoked, used
    or has expired meanwhile; a retried task sends a new token and the previous one stops working."""
    from .authorities import authority_language, link_state, reporter_for_authority
    from .models import AnswerLink, token_hash

    link = (
        AnswerLink.objects.select_related(
            "authority", "issue__settlement", "issue__category", "issue__reporter"
        )
        .filter(pk=link_id)
        .first()
    )
    if link is None or link_state(link) != "open" or not link.authority.contact_email:
        return
    token = secrets.token_urlsafe(32)
    updated = AnswerLink.objects.filter(pk=link.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        token_hash=token_hash(token)
    )
    if not updated:
        return
    issue = link.issue
    with translation.override(authority_language()), timezone.override(settings.TIME_ZONE):
        context = {
            "link": link,
            "issue": issue,
            "authority": link.authority,
            "purpose": purpose if purpose in PURPOSES else "new_link",
            "reporter": reporter_for_authority(issue),
            "answer_url": settings.SITE_URL + reverse("local_issues:answer", args=[token]),
            "issue_url": settings.SITE_URL + reverse("local_issues:detail", args=[issue.public_id]),
        }
        subject = render_to_string("local_issues/email/answer_link_subject.txt", context).strip()
        body = render_to_string("local_issues/email/answer_link.txt", context)
    EmailMultiAlternatives(subject, body, None, [link.authority.contact_email]).send()


@task()
def send_account_notice(issue_id: int, authority_id: int, purpose: str) -> None:
    """An authority without a contact e-mail answers through its accounts: its owners and managers are
    told (each in their language) of an issue forwarded to it, a reminder or a reopening, with the
    address of the issue's page in their account (no answer link: they sign in)."""
    from hramada.orgs.models import Membership, Organisation

    from .authorities import reporter_for_authority
    from .models import Issue

    issue = Issue.objects.select_related("settlement", "category", "reporter").filter(pk=issue_id).first()
    authority = Organisation.objects.filter(pk=authority_id).first()
    if issue is None or authority is None or issue.authority_id != authority.pk:
        return
    managers = (
        Membership.objects.filter(
            organisation=authority, role__in=("owner", "manager"), person__erased_at__isnull=True
        )
        .select_related("person__user")
        .order_by("pk")
    )
    for membership in managers:
        person = membership.person
        email = person.user.email if person.user_id else person.email
        if not email:
            continue
        with translation.override(person.email_language), timezone.override(settings.TIME_ZONE):
            context = {
                "link": None,
                "issue": issue,
                "authority": authority,
                "purpose": purpose if purpose in PURPOSES else "new_link",
                "reporter": reporter_for_authority(issue),
                "answer_url": settings.SITE_URL
                + reverse("local_issues:authority_answer", args=[authority.slug, issue.public_id]),
                "issue_url": settings.SITE_URL + reverse("local_issues:detail", args=[issue.public_id]),
            }
            subject = render_to_string("local_issues/email/answer_link_subject.txt", context).strip()
            body = render_to_string("local_issues/email/answer_link.txt", context)
        EmailMultiAlternatives(subject, body, None, [email]).send()


@task()
def send_fixed_question(issue_id: int) -> None:
    """Ask the reporter and each backer, in their language, whether the resolved issue is fixed; nothing
    once the question has closed. One message per person (the reporter who also backed it: one)."""
    from hramada.people.models import Person

    from .authorities import check_open, check_window_end
    from .models import Backing, Issue

    issue = Issue.objects.select_related("settlement", "authority").filter(pk=issue_id).first()
    if issue is None or not issue.is_public or not check_open(issue):
        return
    ids = {issue.reporter_id, *Backing.objects.filter(issue=issue).values_list("person_id", flat=True)}
    people = Person.objects.filter(pk__in=ids, erased_at__isnull=True).select_related("user").order_by("pk")
    for person in people:
        email = person.email or (person.user.email if person.user_id else "")
        if not email:
            continue
        with translation.override(person.email_language), timezone.override(settings.TIME_ZONE):
            context = {
                "person": person,
                "issue": issue,
                "until": check_window_end(issue),
                "fixed_url": settings.SITE_URL + reverse("local_issues:fixed", args=[issue.public_id]),
                "issue_url": settings.SITE_URL + reverse("local_issues:detail", args=[issue.public_id]),
            }
            subject = render_to_string("local_issues/email/fixed_question_subject.txt", context).strip()
            body = render_to_string("local_issues/email/fixed_question.txt", context)
        EmailMultiAlternatives(subject, body, None, [email]).send()
