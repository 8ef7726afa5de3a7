"""Reading local issues: what the public sees (the list, an issue's page, a community's priorities),
a resident's own issues and the moderators' queue.

Lists read one row per issue: the backing and comment counts are maintained on the issue, and every
relation a list shows is joined (``select_related``), so a page costs the same few queries whatever
the number of issues.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Exists, IntegerField, Max, Min, OuterRef, Prefetch, Value, When
from django.utils.translation import gettext_lazy as _

from .models import (
    OPEN_STATUSES,
    AbuseReport,
    Backing,
    Category,
    Comment,
    Follow,
    Issue,
    IssuePhoto,
    Moderator,
    Status,
    TimelineEntry,
)

CLOSED_STATUSES = (Status.RESOLVED, Status.DECLINED, Status.CONFIRMED)

SORTS = {
    "backed": _("Most backed"),
    "newest": _("Newest"),
    "unanswered": _("Oldest unanswered"),
}
STATE_FILTERS = {"open": _("Open"), "closed": _("Closed")}


def public_issues():
    """Published issues not hidden nor merged away, with what a list shows."""
    return (
        Issue.objects.filter(published_at__isnull=False, hidden_at__isnull=True)
        .exclude(status="merged")
        .select_related("community", "settlement__region", "settlement__district", "category")
    )


@dataclass(frozen=True)
class IssueFilters:
    region: str = ""  # ISO 3166-2 code
    district: int | None = None
    community: str = ""  # slug
    category: str = ""  # code
    state: str = ""  # "open" / "closed"
    year: int | None = None
    sort: str = "backed"

    @classmethod
    def from_query(cls, query) -> "IssueFilters":
        """From a list page's GET parameters; junk values are ignored, never an error."""

        def number(name):
            value = (query.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        sort = query.get("sort") or "backed"
        state = query.get("status") or ""
        return cls(
            region=(query.get("region") or "").strip()[:10],
            district=number("district"),
            community=(query.get("community") or "").strip()[:80],
            category=(query.get("category") or "").strip()[:40],
            state=state if state in STATE_FILTERS else "",
            year=number("year"),
            sort=sort if sort in SORTS else "backed",
        )


def filtered_issues(filters: IssueFilters):
    """The public list with the chosen filters and order.

    Places, the community and the category are looked up first (small tables) and the issues filtered
    by their ids: PostgreSQL then estimates from the issue table's own statistics how many issues a
    region has (through a join it guesses a region's share from the number of regions), and walks the
    ordered index ``issue_public_backed`` for a big region instead of sorting all its issues."""
    from hramada.places.models import Community, Settlement

    qs = public_issues()
    if filters.region or filters.district:
        settlements = Settlement.objects.all()
        if filters.region:
            settlements = settlements.filter(region__code=filters.region)
        if filters.district:
            settlements = settlements.filter(district_id=filters.district)
        qs = qs.filter(settlement_id__in=list(settlements.values_list("pk", flat=True)))
    if filters.community:
        qs = qs.filter(
            community_id__in=list(
                Community.objects.filter(slug=filters.community).values_list("pk", flat=True)
            )
        )
    if filters.category:
        qs = qs.filter(
            category_id__in=list(Category.objects.filter(code=filters.category).values_list("pk", flat=True))
        )
    if filters.state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.state == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    return order_issues(qs, filters.sort)


def order_issues(qs, sort: str):
    if sort == "newest":
        return qs.order_by("-published_at", "-id")
    if sort == "unanswered":
        # issues still waiting for a first answer first, the longest-waiting at the top
        return qs.annotate(
            answered=Case(
                When(first_answer_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("answered", "published_at", "id")
    return qs.order_by("-backing_count", "-published_at", "-id")


def filter_choices(filters: IssueFilters) -> dict:
    """What the list's filter form offers: regions, the chosen region's districts and communities with
    public issues, categories and the years issues were published in (a few small queries)."""
    from hramada.places.models import Community, District, Region

    regions = list(Region.objects.filter(country__code="BY").order_by("name")) or list(
        Region.objects.order_by("name")
    )
    districts, communities = [], []
    if filters.region:
        districts = list(District.objects.filter(region__code=filters.region).order_by("name"))
        # one index probe per community (issue_community_status), not a join over all its issues
        with_issues = Issue.objects.filter(community=OuterRef("pk"), published_at__isnull=False)
        communities = list(
            Community.objects.filter(is_published=True, settlement__region__code=filters.region)
            .filter(Exists(with_issues))
            .order_by("name")
        )
    return {
        "regions": regions,
        "districts": districts,
        "communities": communities,
        "categories": list(Category.objects.filter(active=True)),
        "years": list_years(),
        "sorts": SORTS,
        "states": STATE_FILTERS,
    }


def list_years() -> list[int]:
    """The years issues were published in, newest first, for the year filter. Kept in the cache for ten
    minutes: the first and last dates of all issues are a scan of the whole table."""

    def years():
        span = Issue.objects.filter(published_at__isnull=False).aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        return list(range(span["last"].year, span["first"].year - 1, -1)) if span["first"] else []

    return cache.get_or_set("local_issues:list_years", years, 600)


# --- An issue's page ---------------------------------------------------------------------------------


def issue_by_public_id(public_id: str):
    return (
        Issue.objects.select_related(
            "community",
            "settlement__region",
            "settlement__district",
            "category",
            "reporter",
            "authority",
            "merged_into",
        )
        .filter(public_id=public_id)
        .first()
    )


def issue_page(public_id: str, user) -> dict | None:
    """Everything an issue's page shows, or None when the issue does not exist or this user may not see
    it (a hidden or waiting issue is seen only by its reporter, moderators and the authority)."""
    issue = issue_by_public_id(public_id)
    if issue is None or not user.has_perm("local_issues.view_issue", issue):
        return None
    moderator = user.is_authenticated and user.has_perm("local_issues.moderate_issue", issue)
    person = getattr(user, "person", None) if user.is_authenticated else None
    timeline = list(
        TimelineEntry.objects.filter(issue=issue)
        .select_related("authority", "suggested_authority")
        .prefetch_related("photos")
        .order_by("created_at", "id")
    )
    comments = list(Comment.objects.filter(issue=issue).select_related("author").order_by("created_at", "id"))
    backs = follows = False
    if person is not None:
        backs = Backing.objects.filter(issue=issue, person=person).exists()
        follows = Follow.objects.filter(issue=issue, person=person).exists()
    return {
        "issue": issue,
        "photos": list(IssuePhoto.objects.filter(issue=issue, entry__isnull=True)),
        "timeline": timeline,
        "comments": comments,
        "backs": backs,
        "follows": follows,
        "is_reporter": person is not None and issue.reporter_id == person.pk,
        "can_moderate": moderator,
        "can_see_reporter": user.is_authenticated and user.has_perm("local_issues.see_reporter", issue),
        "can_answer": bool(issue.authority_id)
        and user.is_authenticated
        and user.has_perm("local_issues.answer_issue", issue),
        "reports": list(
            AbuseReport.objects.filter(issue=issue, handled_at__isnull=True).select_related(
                "reporter", "comment"
            )
        )
        if moderator
        else [],
    }


# --- A resident's issues ---------------------------------------------------------------------------------


def my_issues(person) -> dict:
    """The issues a person raised (whatever their state) and those they back."""
    raised = (
        Issue.objects.filter(reporter=person)
        .select_related("community", "settlement", "category", "merged_into")
        .order_by("-created_at", "-id")
    )
    backed = (
        public_issues()
        .filter(backings__person=person)
        .exclude(reporter=person)
        .order_by("-backing_count", "-id")
    )
    return {"raised": list(raised), "backed": list(backed)}


def my_issues_link(user):
    """ "My issues" in the header for those who raised or back an issue (a queryset: the header asks
    every link's in one query). One person row with two indexed EXISTS, not a join over backings."""
    from django.db.models import Exists, OuterRef

    from hramada.people.models import Person

    return Person.objects.filter(user=user).filter(
        Exists(Issue.objects.filter(reporter=OuterRef("pk")))
        | Exists(Backing.objects.filter(person=OuterRef("pk")))
    )


def moderation_link(user):
    """ "Moderation" in the header for appointed moderators of local issues (staff reach it from their
    dashboard)."""
    return Moderator.objects.filter(person__user=user)


# --- Moderators --------------------------------------------------------------------------------------------


def moderated_regions(user):
    """None when the user moderates everywhere (staff or a moderator without a region), else the ids of
    the regions they moderate (possibly none)."""
    if user.is_staff:
        return None
    rows = list(Moderator.objects.filter(person__user=user).values_list("region_id", flat=True))
    if any(region is None for region in rows):
        return None
    return rows


def moderation_queue(user) -> dict:
    """Issues waiting for approval and open abuse reports, in the regions the user moderates."""
    regions = moderated_regions(user)
    waiting = (
        Issue.objects.filter(status=Status.WAITING, published_at__isnull=True, hidden_at__isnull=True)
        .select_related("community", "settlement__region", "category", "reporter__user")
        .prefetch_related(Prefetch("photos", queryset=IssuePhoto.objects.filter(entry__isnull=True)))
        .order_by("created_at", "id")
    )
    reports = (
        AbuseReport.objects.filter(handled_at__isnull=True)
        .select_related("issue__settlement__region", "comment__author", "reporter")
        .order_by("created_at", "id")
    )
    hidden = (
        Issue.objects.filter(hidden_at__isnull=False)
        .select_related("community", "settlement__region", "category")
        .order_by("-hidden_at", "-id")
    )
    if regions is not None:
        waiting = waiting.filter(settlement__region_id__in=regions)
        reports = reports.filter(issue__settlement__region_id__in=regions)
        hidden = hidden.filter(settlement__region_id__in=regions)
    return {"waiting": list(waiting[:200]), "reports": list(reports[:200]), "hidden": list(hidden[:50])}


def comment_of(issue, comment_id: str):
    return Comment.objects.filter(issue=issue, public_id=comment_id).select_related("issue").first()


# --- A community's issues ------------------------------------------------------------------------------


def community_priorities(community, limit: int | None = None):
    """A community's open issues, most backed first: what its residents say matters most."""
    qs = (
        public_issues()
        .filter(community=community, status__in=OPEN_STATUSES)
        .order_by("-backing_count", "published_at", "id")
    )
    return list(qs[:limit] if limit else qs)


def community_section(community):
    """The community page's section (``places`` registry): its most backed open issues."""
    items = community_priorities(community, limit=5)
    if not items:
        return None
    return {
        "title": _("Local issues"),
        "template": "local_issues/public/_community_issues.html",
        "items": items,
        "community": community,
    }
