"""E-mails to project teams: "you are a finalist" and "you won" (sent after the change commits)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


def team_recipients(project) -> list[tuple[str, str]]:
    """(e-mail, language) of the project's team: members who joined, and the account that submitted it.

    Reads ``contests.ProjectMember`` directly (the team is the contests app's model).
    """
    from hramada.contests.models import ProjectMember

    seen, out = set(), []
    users = [
        m.user
        for m in ProjectMember.objects.filter(project=project, accepted_at__isnull=False).select_related(
            "user__person"
        )
    ]
    if project.submitted_by_id:
        users.append(project.submitted_by)
    for user in users:
        if user is None or not user.email or user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        person = getattr(user, "person", None)
        out.append((user.email, getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE))
    return out


def _send(project, template, context):
    context = {
        **context,
        "project": project,
        "project_url": settings.SITE_URL + reverse("contests:project", args=[project.public_id]),
    }
    for email, language in team_recipients(project):
        with translation.override(language):
            subject = render_to_string(f"awards/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"awards/email/{template}.txt", context)
        EmailMessage(subject, body, None, [email]).send()


@task()
def send_finalist_email(finalist_id: int) -> None:
    from .models import Finalist

    finalist = (
        Finalist.objects.select_related("project__submitted_by", "category", "edition__contest")
        .filter(pk=finalist_id)
        .first()
    )
    if finalist is None:
        return
    _send(finalist.project, "finalist", {"finalist": finalist, "edition": finalist.edition})


@task()
def send_winner_email(award_id: int) -> None:
    from .models import Award

    award = (
        Award.objects.select_related("project__submitted_by", "sponsor", "edition__contest")
        .filter(pk=award_id)
        .first()
    )
    if award is None or award.project is None:
        return
    results_url = settings.SITE_URL + reverse(
        "awards:results", args=[award.edition.contest.slug, award.edition.public_id]
    )
    _send(award.project, "winner", {"award": award, "edition": award.edition, "results_url": results_url})
