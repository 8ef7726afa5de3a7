"""Reads of contests: which stage is current, an edition's stages and projects."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from . import registry
from .models import Category, Contest, Edition, Project, ProjectAttachment, ProjectMember, Stage


def current_stage(edition: Edition, now=None) -> Stage | None:
    """The stage running at ``now`` (by its dates, ended by an early close); None between stages.

    If stages overlap, the one that started last is current.
    """
    now = now or timezone.now()
    return (
        Stage.objects.filter(edition=edition, starts_at__lte=now, ends_at__gt=now)
        .filter(Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now))
        .order_by("-starts_at", "-id")
        .first()
    )


def stage_of_kind(edition: Edition, kind: str) -> Stage | None:
    return Stage.objects.filter(edition=edition, kind=kind).first()


def eligible_projects(edition: Edition):
    return (
        Project.objects.filter(edition=edition, status=Project.Status.ELIGIBLE)
        .select_related("category")
        .order_by("category__order", "category_id", "title")
    )


# --- Public pages -------------------------------------------------------------------------------------

# Higher apps add to the edition and project pages without this app importing them: the public vote
# (``voting``) registers one function ``fn(user, edition, now) -> dict | None`` that the pages pass to
# their templates as ``vote`` (counts shown or not, the open vote, the visitor's own votes...).
edition_extensions: list = []


def register_edition_extension(fn) -> None:
    edition_extensions.append(fn)


def edition_extension(user, edition: Edition, now=None) -> dict:
    """What registered apps add to an edition's pages (merged; empty when nothing is registered)."""
    now = now or timezone.now()
    merged: dict = {}
    for fn in edition_extensions:
        merged.update(fn(user, edition, now) or {})
    return merged


def _with_current_stage(editions, now) -> list[Edition]:
    """Set ``edition.current_stage`` by the same rule as ``current_stage``, from prefetched stages, and
    ``edition.finished``: it has stages and every one of them is over."""
    editions = list(editions)
    for edition in editions:
        stages = list(edition.stages.all())
        running = [s for s in stages if s.is_open(now)]
        running.sort(key=lambda s: (s.starts_at, s.id), reverse=True)
        edition.current_stage = running[0] if running else None
        edition.finished = bool(stages) and all(s.closes_at <= now for s in stages)
    return editions


def results_urls(editions) -> dict[int, str]:
    """{edition pk: address of its published results} from the apps that publish them (awards); editions
    without published results are left out. Needs ``edition.contest``; a few queries for the whole list."""
    editions = list(editions)
    urls: dict[int, str] = {}
    if editions:
        for fn in registry.edition_results_links:
            urls.update(fn(editions) or {})
    return urls


def _with_results(editions) -> list[Edition]:
    """Set ``edition.results_url`` (empty while no results are published)."""
    urls = results_urls(editions)
    for edition in editions:
        edition.results_url = urls.get(edition.pk, "")
    return editions


def public_editions(now=None) -> list[Edition]:
    """Every published edition of every contest, newest first within a contest, each with its current
    stage (drafts are seen only by their organisers, on their own pages)."""
    now = now or timezone.now()
    editions = (
        Edition.objects.filter(published_at__isnull=False)
        .select_related("contest")
        .prefetch_related("stages")
        .order_by("contest__title", "contest_id", "-year", "-id")
    )
    return _with_results(_with_current_stage(editions, now))


def open_editions(now=None, limit: int = 6) -> list[Edition]:
    """Published editions with a stage running now (for the home page), each with its current stage."""
    now = now or timezone.now()
    running = Stage.objects.filter(starts_at__lte=now, ends_at__gt=now).filter(
        Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now)
    )
    editions = (
        Edition.objects.filter(pk__in=running.values("edition_id"), published_at__isnull=False)
        .select_related("contest")
        .prefetch_related("stages")
        .order_by("-year", "-id")[:limit]
    )
    return _with_results(_with_current_stage(editions, now))


def edition_page(
    contest_slug: str, edition_id: str, now=None, *, results: bool = False, drafts: bool = False
) -> Edition | None:
    """One published edition with its contest, categories and dated stages (current one marked) and
    whether it is finished, or None. ``results``: also where its results are published (one more query).
    ``drafts``: a draft edition too (for its organisers' preview: the caller checks who asks)."""
    now = now or timezone.now()
    editions = Edition.objects.filter(contest__slug=contest_slug, public_id=edition_id)
    if not drafts:
        editions = editions.filter(published_at__isnull=False)
    edition = editions.select_related("contest").prefetch_related("stages", "categories").first()
    if edition is None:
        return None
    editions = _with_current_stage([edition], now)
    return (_with_results(editions) if results else editions)[0]


def projects_by_category(edition: Edition) -> list[tuple]:
    """(category, [eligible projects]) for each category of a prefetched edition, in category order."""
    by_category: dict[int, list[Project]] = {}
    for project in eligible_projects(edition):
        by_category.setdefault(project.category_id, []).append(project)
    return [(category, by_category.get(category.pk, [])) for category in edition.categories.all()]


PREVIEW_PER_CATEGORY = 12


def projects_preview(edition: Edition, per_category: int = PREVIEW_PER_CATEGORY) -> list[tuple]:
    """(category, its first ``per_category`` eligible projects by title, how many it has in all) for each
    category of a prefetched edition: two queries and a bounded page, however many projects there are."""
    eligible = Project.objects.filter(edition=edition, status=Project.Status.ELIGIBLE)
    totals = dict(eligible.values_list("category_id").annotate(n=Count("id")).order_by())
    first = (
        eligible.annotate(row=Window(RowNumber(), partition_by=F("category_id"), order_by=F("title").asc()))
        .filter(row__lte=per_category)
        .order_by("category_id", "title")
    )
    by_category: dict[int, list[Project]] = {}
    for project in first:
        by_category.setdefault(project.category_id, []).append(project)
    return [
        (category, by_category.get(category.pk, []), totals.get(category.pk, 0))
        for category in edition.categories.all()
    ]


def category_projects(category: Category, query: str = ""):
    """A category's eligible projects by title, optionally those whose title contains ``query``."""
    projects = Project.objects.filter(category=category, status=Project.Status.ELIGIBLE).order_by(
        "title", "id"
    )
    if query:
        projects = projects.filter(title__icontains=query)
    return projects


def public_project(public_id: str) -> Project | None:
    """An eligible project of a published edition with its category, edition, contest, place, PDFs and the
    team members who agreed to be named (others are not public)."""
    return (
        Project.objects.filter(
            public_id=public_id, status=Project.Status.ELIGIBLE, edition__published_at__isnull=False
        )
        .select_related(
            "category", "edition__contest", "settlement__region", "settlement__district", "community"
        )
        .prefetch_related(
            "attachments",
            Prefetch(
                "members",
                queryset=ProjectMember.objects.filter(accepted_at__isnull=False, shown_publicly=True)
                .select_related("user__person")
                .order_by("role", "created_at"),
                to_attr="shown_members",
            ),
        )
        .first()
    )


COMMUNITY_PROJECTS_SHOWN = 6


def community_section(community):
    """Registered with places: a community's eligible contest projects, the newest few (edition, category
    and title in the visitor's language where translated) and how many there are in all; None if none."""
    projects = Project.objects.filter(
        community=community, status=Project.Status.ELIGIBLE, edition__published_at__isnull=False
    )
    shown = list(
        projects.select_related("edition__contest", "category").order_by(
            "-edition__year", "-edition_id", F("submitted_at").desc(nulls_last=True), "-id"
        )[: COMMUNITY_PROJECTS_SHOWN + 1]
    )
    if not shown:
        return None
    total = projects.count() if len(shown) > COMMUNITY_PROJECTS_SHOWN else len(shown)
    return {
        "title": _("Contest projects"),
        "template": "contests/public/_community_projects.html",
        "items": {"projects": shown[:COMMUNITY_PROJECTS_SHOWN], "total": total},
    }


def home_section(request):
    return {
        "title": _("Contests"),
        "template": "contests/public/_edition_cards.html",
        "items": open_editions(),
        "more_url": reverse("contests:list"),
        "empty": _("No contest is open right now."),
    }


# --- Organiser pages ----------------------------------------------------------------------------------


def organisation_contests(organisation):
    return (
        Contest.objects.filter(organisation=organisation)
        .prefetch_related("editions")
        .annotate(n_editions=Count("editions"))
        .order_by("title")
    )


def managed_edition(contest_slug: str, edition_id: str, now=None) -> Edition | None:
    now = now or timezone.now()
    edition = (
        Edition.objects.filter(contest__slug=contest_slug, public_id=edition_id)
        .select_related("contest__organisation", "submission_form")
        .prefetch_related("stages", "categories", "co_organisers", "sponsors")
        .first()
    )
    return _with_current_stage([edition], now)[0] if edition else None


def publication_checks(edition: Edition, now=None) -> tuple[list[str], list[str]]:
    """What stops a draft edition from being published (problems), and what its organisers should know
    before they publish it (warnings). Reads a prefetched edition (``managed_edition``)."""
    now = now or timezone.now()
    problems: list[str] = []
    warnings: list[str] = []
    stages = {s.kind: s for s in edition.stages.all()}
    categories = list(edition.categories.all())
    if edition.published_at is not None:
        problems.append(_("This edition is already published."))
    if not categories:
        problems.append(_("Add at least one category: teams choose one when they start a project."))
    call = stages.get(Stage.Kind.CALL)
    if call is None:
        problems.append(_("Add the call for projects stage: teams can start projects only while it is open."))
    vote = stages.get(Stage.Kind.PUBLIC_VOTE)
    if call is not None and vote is not None and vote.starts_at < call.ends_at:
        problems.append(
            _(
                "The public vote starts before the call for projects ends: projects must be submitted "
                "and screened before people vote for them."
            )
        )
    if call is not None and call.closes_at <= now:
        warnings.append(
            _("The call for projects is already over: teams will not be able to submit projects.")
        )
    if edition.submission_form_id is None:
        warnings.append(
            _("There is no submission form: teams will give only a title, summary, category and place.")
        )
    languages = [code for code, _name in settings.LANGUAGES]
    for thing in [edition.contest, edition, *categories]:
        missing = [code for code in languages if not getattr(thing, f"title_{code}", "")]
        if missing:
            warnings.append(
                _("“%(title)s” has no title in %(languages)s: visitors in that language see another one.")
                % {
                    "title": thing,
                    "languages": ", ".join(str(get_language_info(c)["name_translated"]) for c in missing),
                }
            )
    return problems, warnings


def status_counts(edition: Edition) -> list[tuple[str, str, int]]:
    """(status, label, number of projects) for every status, in order: one query."""
    counts = dict(
        Project.objects.filter(edition=edition).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in Project.Status.choices]


def screening_list(edition: Edition, *, category: str = "", status: str = ""):
    """Projects of an edition for screening (drafts are the teams' own and are left out)."""
    qs = (
        Project.objects.filter(edition=edition)
        .exclude(status=Project.Status.DRAFT)
        .select_related("category", "settlement", "community", "organisation")
        .annotate(n_attachments=Count("attachments"))
        .order_by("category__order", "category_id", "submitted_at", "id")
    )
    if category:
        qs = qs.filter(category__public_id=category)
    if status:
        qs = qs.filter(status=status)
    return qs


def project_for_review(edition: Edition, public_id: str) -> Project | None:
    return (
        Project.objects.filter(edition=edition, public_id=public_id)
        .exclude(status=Project.Status.DRAFT)
        .select_related(
            "category", "settlement__region", "settlement__district", "community", "organisation", "response"
        )
        .prefetch_related("attachments", _team_prefetch())
        .first()
    )


def _team_prefetch():
    return Prefetch(
        "members",
        queryset=ProjectMember.objects.select_related("user__person").order_by("role", "created_at"),
    )


def project_answers(project: Project) -> list[tuple]:
    """(question, answer or None) for the edition's form, in the form's order."""
    form = project.edition.submission_form
    if form is None:
        return []
    answers = {}
    if project.response_id and project.response.form_id == form.pk:
        answers = {a.question_id: a for a in project.response.answers.all()}
    return [(q, answers.get(q.pk)) for q in form.questions.order_by("order", "id")]


def edition_audit(edition: Edition, limit: int = 300):
    """Audit entries about the edition, its stages, categories and projects, newest first."""
    from hramada.core.models import AuditEntry

    targets = Q(
        target_type=ContentType.objects.get_for_model(Edition, for_concrete_model=False),
        target_id=str(edition.pk),
    )
    for model, qs in (
        (Stage, Stage.objects.filter(edition=edition)),
        (Category, Category.objects.filter(edition=edition)),
        (Project, Project.objects.filter(edition=edition)),
    ):
        ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
        if ids:
            targets |= Q(
                target_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
                target_id__in=ids,
            )
    return AuditEntry.objects.filter(targets).select_related("actor").order_by("-created_at", "-id")[:limit]


def manage_section(request):
    """The organiser dashboard's contests: those of organisations the user manages (all, for staff)."""
    from hramada.orgs.models import Organisation, Role

    user = request.user
    person = getattr(user, "person", None)
    if user.is_staff:
        orgs = Organisation.objects.all()
    elif person is not None:
        orgs = Organisation.objects.filter(
            memberships__person=person, memberships__role__in=[Role.OWNER, Role.MANAGER]
        )
    else:
        return None
    orgs = list(orgs.order_by("name")[:50])
    if not orgs:
        return None
    editions = list(
        Edition.objects.filter(contest__organisation__in=orgs)
        .select_related("contest")
        .order_by("-year", "-id")[:20]
    )
    return {
        "title": _("Contests you organise"),
        "template": "contests/manage/_dashboard_section.html",
        "items": {"editions": editions, "organisations": orgs},
        "empty": _("No contests yet."),
    }


# --- Teams' own pages ---------------------------------------------------------------------------------


def my_projects(user):
    """The projects whose team the user is on (drafts and submitted), and open invitations."""
    return (
        Project.objects.filter(members__user=user, members__accepted_at__isnull=False)
        .select_related("edition__contest", "category")
        .order_by("-updated_at", "-id")
    )


def team_project(user, public_id: str) -> Project | None:
    """A project of which ``user`` is an accepted team member, with what its edit page needs."""
    if not user.is_authenticated:
        return None
    return (
        Project.objects.filter(public_id=public_id, members__user=user, members__accepted_at__isnull=False)
        .select_related(
            "edition__contest",
            "edition__submission_form",
            "category",
            "settlement",
            "community",
            "organisation",
            "response",
        )
        .prefetch_related("attachments", _team_prefetch())
        .first()
    )


def project_for_files(public_id: str) -> Project | None:
    """Any project (drafts too), with what the file permission needs; the view decides who sees it."""
    return (
        Project.objects.filter(public_id=public_id).select_related("edition__contest__organisation").first()
    )


def attachment_for(project: Project, public_id: str) -> ProjectAttachment | None:
    return ProjectAttachment.objects.filter(project=project, public_id=public_id).first()
