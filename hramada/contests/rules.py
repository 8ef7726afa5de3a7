import rules

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager, is_platform_staff
from hramada.questions.registry import register_answer_owner

from .models import Project, ProjectMember

# The object is the contest's organisation: its owners and managers run the contest.
rules.add_perm("contests.manage_contest", is_manager | is_platform_staff)


@rules.predicate
def is_public_project(user, project: Project) -> bool:
    """Shown to everyone: an eligible project of a published edition has a public page."""
    return project.status == Project.Status.ELIGIBLE and project.edition.published_at is not None


@rules.predicate
def is_project_team(user, project: Project) -> bool:
    """An accepted member of the project's team (pending invitations do not count)."""
    if not user.is_authenticated:
        return False
    return ProjectMember.objects.filter(project=project, user=user, accepted_at__isnull=False).exists()


@rules.predicate
def is_project_organiser(user, project: Project) -> bool:
    """An organiser of the project's contest (or platform staff) with two-factor authentication, as
    organiser pages require: the files of projects not yet public are as private as those pages."""
    if not user.is_authenticated:
        return False
    organisation = project.edition.contest.organisation
    return user.has_perm("contests.manage_contest", organisation) and passed_two_factor(user)


# The object is the project: its cover image and PDF documents.
rules.add_perm("contests.view_project_files", is_public_project | is_project_team | is_project_organiser)

# The object is the project: the files its team uploaded as answers to the edition's form (CVs,
# letters, certificates). Unlike the cover and PDFs they stay private once the project is eligible.
rules.add_perm("contests.view_project_answer_files", is_project_team | is_project_organiser)
register_answer_owner("contest_project", "contests.view_project_answer_files")
