"""Public reads of the apps that publish content: news, programmes, local initiatives, local issues and
the published impact indicators. Each reads through its app's own public selector, so what the API
shows is exactly what the app's public pages show (drafts, hidden and waiting things never appear)."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from hramada.initiatives import selectors as initiative_selectors
from hramada.local_issues import selectors as issue_selectors
from hramada.local_issues.models import Status as IssueStatus
from hramada.local_issues.models import TimelineEntry
from hramada.news import selectors as news_selectors
from hramada.news.models import Tag
from hramada.orgs import selectors as org_selectors
from hramada.places import selectors as place_selectors
from hramada.places.models import Region
from hramada.programmes import calls as programme_calls
from hramada.programmes import selectors as programme_selectors
from hramada.programmes.models import Cohort
from hramada.reports import indicators as report_indicators
from hramada.reports.forms import PlaceReportForm

from . import schemas
from .common import ERRORS, one, pid, place
from .http import DEFAULT_LIMIT, ApiProblem, page

content = Router(tags=["public"])


def _id_or_none(obj) -> str | None:
    return obj.public_id if obj is not None else None


# --- News -----------------------------------------------------------------------------------------------


def _post(post) -> dict:
    news_selectors.localise(post)
    return {
        "id": post.public_id,
        "organisation": post.organisation.public_id,
        "title": post.shown_title or "",
        "excerpt": post.shown_excerpt or "",
        "language": post.shown_lang,
        "languages": post.languages,
        "tags": [tag.slug for tag in post.tags.all()],
        "published_at": post.published_at,
        "url": reverse("news:detail", args=[post.public_id]),
    }


def _subject(kind: str, obj) -> dict:
    if kind == "organisations":
        return {
            "kind": "organisation",
            "id": obj.public_id,
            "title": obj.name,
            "url": reverse("orgs:detail", args=[obj.slug]),
        }
    if kind == "communities":
        url = reverse("places:community", args=[obj.slug])
        return {"kind": "community", "id": obj.public_id, "title": obj.name, "url": url}
    if kind == "events":
        return {
            "kind": "event",
            "id": obj.public_id,
            "title": obj.title,
            "url": reverse("events:detail", args=[obj.slug]),
        }
    if kind == "editions":
        url = reverse("contests:edition", args=[obj.contest.slug, obj.public_id])
        return {
            "kind": "edition",
            "id": obj.public_id,
            "title": f"{obj.contest.title} — {obj.title}",
            "url": url,
        }
    if kind == "programmes":
        url = reverse("programmes:programme", args=[obj.slug])
        return {"kind": "programme", "id": obj.public_id, "title": obj.title, "url": url}
    if kind == "initiatives":
        url = reverse("initiatives:detail", args=[obj.slug])
        return {"kind": "initiative", "id": obj.public_id, "title": obj.title, "url": url}
    url = reverse("local_issues:detail", args=[obj.public_id])
    return {"kind": "issue", "id": obj.public_id, "title": obj.title, "url": url}


@content.get("/news", response={200: schemas.NewsPage, **ERRORS})
def news(
    request,
    tag: str = "",
    organisation: str = "",
    community: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Published news posts, newest first, each in the request's language or the nearest one written;
    filter by a ``tag`` (its short name), an ``organisation`` id (its posts and posts about it) or a
    ``community`` id. An unknown filter value gives an empty list."""
    filters = {}
    if tag:
        filters["tag"] = Tag.objects.filter(slug=tag[:70]).first() or Tag(pk=0)
    if organisation:
        filters["organisation"] = (
            org_selectors.public_organisations().filter(public_id=pid(organisation)).first()
        )
    if community:
        filters["community"] = (
            place_selectors.published_communities().filter(public_id=pid(community)).first()
        )
    if any(value is None for value in filters.values()):
        return {"items": [], "next_cursor": None}
    qs = news_selectors.public_posts(**filters)
    return page(qs, cursor=cursor, limit=limit, newest_first=True, serialize=_post)


@content.get("/news/{post_id}", response={200: schemas.NewsPostDetail, **ERRORS})
def news_post(request, post_id: str):
    """One published post: its text as sanitised HTML (the same as its page), and what it is about
    (only what any visitor may see)."""
    from hramada.news.models import Post

    found = one(Post.objects.published().select_related("organisation").prefetch_related("tags"), post_id)
    data = _post(found)
    data["body_html"] = news_selectors.body_html(found)
    data["about"] = [
        _subject(kind, obj)
        for kind, objects in news_selectors.visible_subjects(found).items()
        for obj in objects
    ]
    return data


# --- Programmes -----------------------------------------------------------------------------------------


def _cohort(cohort, now) -> dict:
    return {
        "id": cohort.public_id,
        "slug": cohort.slug,
        "title": cohort.title,
        "year": cohort.year,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "description": cohort.description or "",
        "phase": programme_calls.phase(cohort, now),
        "call_opens_at": cohort.call_opens_at,
        "call_closes_at": cohort.call_closes_at,
        "call_open": cohort.call_is_open(now),
        "url": reverse("programmes:cohort", args=[cohort.programme.slug, cohort.slug]),
    }


def _programme(programme, *, detail: bool = False) -> dict:
    data = {
        "id": programme.public_id,
        "slug": programme.slug,
        "title": programme.title,
        "summary": programme.summary or "",
        "organisation": programme.organisation.public_id,
        "partners": [
            {"organisation": p.organisation.public_id, "name": p.organisation.name, "country": p.country.code}
            for p in programme.partners.all()
        ],
        "url": reverse("programmes:programme", args=[programme.slug]),
    }
    if detail:
        now = timezone.now()
        figures = programme_selectors.programme_figures(programme)
        data["description"] = programme.description or ""
        data["donors"] = [{"organisation": d.public_id, "name": d.name} for d in programme.donors.all()]
        data["cohorts"] = [_cohort(c, now) for c in programme.published_cohorts]
        data["completed"] = {
            "leaders": figures["leaders"],
            "cohorts": figures["cohorts"],
            "years": figures["years"],
        }
    return data


@content.get("/programmes", response={200: schemas.ProgrammePage, **ERRORS})
def programmes(request, cursor: str | None = None, limit: int = DEFAULT_LIMIT):
    """Published programmes with their lead organisation and partners (one per country)."""
    return page(programme_selectors.public_programmes(), cursor=cursor, limit=limit, serialize=_programme)


@content.get("/programmes/{programme_id}", response={200: schemas.ProgrammeDetail, **ERRORS})
def programme(request, programme_id: str):
    """One published programme: its published cohorts (phase, call dates), donors, and how many leaders
    completed it. Applicants and participants are never listed."""
    qs = programme_selectors.public_programmes().prefetch_related(
        "donors",
        Prefetch(
            "cohorts",
            queryset=Cohort.objects.filter(published_at__isnull=False).select_related("programme"),
            to_attr="published_cohorts",
        ),
    )
    return _programme(one(qs, programme_id), detail=True)


# --- Local initiatives ----------------------------------------------------------------------------------


def _money(value) -> str:
    return str(Decimal(value).quantize(initiative_selectors.CENT))


def _initiative(initiative, *, detail: bool = False) -> dict:
    community = initiative.community
    data = {
        "id": initiative.public_id,
        "slug": initiative.slug,
        "title": initiative.title,
        "summary": initiative.summary or "",
        "starts_on": initiative.starts_on,
        "ends_on": initiative.ends_on,
        "community": _id_or_none(community),
        "organisation": _id_or_none(initiative.organisation),
        "place": place(community.settlement if community else None),
        "url": reverse("initiatives:detail", args=[initiative.slug]),
    }
    if detail:
        reached = initiative_selectors.people_reached(initiative)
        budget = initiative_selectors.budget(initiative)
        data["story"] = initiative.story or ""
        data["funding"] = initiative.funding_note or ""
        data["people_reached"] = {
            "attended": reached["attended"],
            "volunteers": reached["volunteers"],
            "volunteer_hours": _money(reached["hours"]),
        }
        data["budget"] = [
            {
                "title": line.title,
                "currency": line.currency,
                "planned": _money(line.planned),
                "spent": _money(line.spent),
            }
            for line in budget.lines
        ]
    return data


@content.get("/initiatives", response={200: schemas.InitiativePage, **ERRORS})
def initiatives(
    request,
    region: str = "",
    community: str = "",
    year: int | None = Query(None, ge=1900, le=2200),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Published local initiatives; filter by ``region`` (ISO 3166-2), a ``community`` id or a ``year``
    the initiative was running in."""
    filters = {}
    if region:
        filters["region"] = Region.objects.filter(code=region[:10]).first()
    if community:
        filters["community"] = (
            place_selectors.published_communities().filter(public_id=pid(community)).first()
        )
    if any(value is None for value in filters.values()):
        return {"items": [], "next_cursor": None}
    qs = initiative_selectors.public_initiatives(year=year, **filters).select_related(
        "community__settlement__region__country"
    )
    return page(qs, cursor=cursor, limit=limit, newest_first=True, serialize=_initiative)


@content.get("/initiatives/{initiative_id}", response={200: schemas.InitiativeDetail, **ERRORS})
def initiative(request, initiative_id: str):
    """One published initiative: its story, the people it reached (each counted once) and its budget
    (planned and spent per line; receipts are never public)."""
    qs = initiative_selectors.public_initiatives().select_related("community__settlement__region__country")
    return _initiative(one(qs, initiative_id), detail=True)


# --- Local issues ---------------------------------------------------------------------------------------


def _issue(issue, *, detail: bool = False) -> dict:
    data = {
        "id": issue.public_id,
        "title": issue.title,
        "category": issue.category.code,
        "category_title": issue.category.title,
        "status": issue.status,
        "status_label": str(IssueStatus(issue.status).label),
        "community": issue.community.public_id,
        "place": place(issue.settlement),
        "address": issue.address or "",
        "latitude": float(issue.latitude) if issue.latitude is not None else None,
        "longitude": float(issue.longitude) if issue.longitude is not None else None,
        "backing_count": issue.backing_count,
        "comment_count": issue.comment_count,
        "published_at": issue.published_at,
        "first_answer_at": issue.first_answer_at,
        "resolved_at": issue.resolved_at,
        "url": reverse("local_issues:detail", args=[issue.public_id]),
    }
    if detail:
        data["description"] = issue.description
        data["authority"] = issue.authority.name if issue.authority_id else None
        data["answers"] = [
            {
                "kind": entry.kind,
                "label": str(TimelineEntry.Kind(entry.kind).label),
                "authority": entry.authority.name if entry.authority_id else None,
                "text": entry.text,
                "planned_for": entry.planned_for,
                "at": entry.created_at,
            }
            for entry in issue.public_answers
        ]
    return data


@content.get("/issues", response={200: schemas.IssuePage, **ERRORS})
def issues(
    request,
    region: str = "",
    community: str = "",
    category: str = "",
    state: str = Query("", pattern="^(|open|closed)$"),
    year: int | None = Query(None, ge=1900, le=2200),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Public local issues (published, not hidden, not merged), newest first; filter by ``region``
    (ISO 3166-2), a ``community`` id, a ``category`` code, ``state`` (open or closed) or the ``year``
    raised. Who raised an issue is never shown."""
    filters = issue_selectors.IssueFilters(
        region=region[:10], category=category[:40], state=state, year=year, sort="newest"
    )
    qs = issue_selectors.filtered_issues(filters).select_related("settlement__region__country")
    if community:
        qs = qs.filter(community__public_id=pid(community))
    return page(qs, cursor=cursor, limit=limit, newest_first=True, serialize=_issue)


@content.get("/issues/{issue_id}", response={200: schemas.IssueDetail, **ERRORS})
def issue(request, issue_id: str):
    """One public issue with the authority's public answers, in order."""
    qs = (
        issue_selectors.public_issues()
        .select_related("settlement__region__country", "authority")
        .prefetch_related(
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.filter(kind__in=TimelineEntry.ANSWERS)
                .select_related("authority")
                .order_by("created_at", "id"),
                to_attr="public_answers",
            )
        )
    )
    return _issue(one(qs, issue_id), detail=True)


# --- Published indicators -------------------------------------------------------------------------------


def _cell(value):
    if value is None or isinstance(value, int):
        return value
    return str(value)


@content.get("/indicators", response={200: schemas.Indicators, **ERRORS})
def indicators(
    request,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    country: str = "",
    region: str = "",
    community: str = "",
):
    """The public impact indicators page as data: for a ``year`` (default: this year) or a ``start`` /
    ``end`` range, everywhere or in a ``country`` (ISO code), ``region`` (ISO 3166-2) or ``community``
    (its id). The same tables as the page: every group of 1-4 people is "<5" (and the next
    smallest hidden when needed), shares only where nothing is hidden."""
    params = {
        name: value
        for name, value in {
            "year": year,
            "start": start,
            "end": end,
            "country": country.upper()[:2],
            "region": region[:10],
        }.items()
        if value not in (None, "")
    }
    if community:
        found = place_selectors.published_communities().filter(public_id=pid(community)).first()
        params["community"] = found.slug if found is not None else "-"  # "-": no such community, a 422
    form = PlaceReportForm(params)
    if not form.is_valid():
        errors = [
            {"loc": ["query", field if field != "__all__" else ""], "msg": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise ApiProblem(
            422, _("Invalid request"), _("Some parameters are missing or invalid."), errors=errors
        )
    report = report_indicators.report(form.scope(), form.period())
    return {
        "scope": report.scope.label,
        "period": report.period.label,
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "description": str(table.description),
                "columns": [str(c) for c in table.columns],
                "rows": [[_cell(v) for v in row] for row in table.rows],
            }
            for table in report.tables
        ],
        "definitions": [{"term": str(term), "definition": str(text)} for term, text in report.definitions],
        "url": reverse("reports:indicators"),
    }
