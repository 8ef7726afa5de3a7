"""E-mails to project teams: "you are a finalist", "you are no longer a finalist" (when the organisers
undo a confirmation and choose to tell the teams) and "you won"; sent after the change commits, to each
member in their own language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from hramada.people.selectors import email_language


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
        out.append((user.email, email_language(user)))
    return out


def _send(project, template, context, links=None):
    """``links`` maps context names to (URL name, args); addresses carry the language (/be/, /ru/, /en/),
    so they are made in each recipient's."""
    links = {"project_url": ("contests:project", [project.public_id]), **(links or {})}
    for email, language in team_recipients(project):
        with translation.override(language):
            urls = {
                name: settings.SITE_URL + reverse(view, args=args) for name, (view, args) in links.items()
            }
            mine = {**context, **urls, "project": project}
            subject = render_to_string(f"awards/email/{template}_subject.txt", mine).strip()
            body = render_to_string(f"awards/email/{template}.txt", mine)
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
def send_finalist_withdrawn_email(project_id: int, category_id: int) -> None:
    """The organisers undid the confirmation of the category's finalists and chose to tell the teams."""
    from hramada.contests.models import Category, Project

    project = Project.objects.select_related("submitted_by").filter(pk=project_id).first()
    category = Category.objects.select_related("edition__contest").filter(pk=category_id).first()
    if project is None or category is None:
        return
    _send(project, "finalist_withdrawn", {"category": category, "edition": category.edition})


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
    _send(
        award.project,
        "winner",
        {"award": award, "edition": award.edition},
        links={"results_url": ("awards:results", [award.edition.contest.slug, award.edition.public_id])},
    )
