"""What is indexed, kind by kind: each ``Source`` knows its model, the owning app's public rule (the same
rules as ``/sitemap.xml``), the texts per language, the place, the year and the page's address. Donor
projects have no public page, so they are not indexed."""

from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from django.db.models import Model, QuerySet
from django.utils.html import strip_tags

from .models import Kind
from .text import language_of

LANGS = ("be", "ru", "en")


@dataclass
class Doc:
    language: str
    title: str
    text: str  # what a result's snippet is cut from
    # Searched but never shown: e.g. the place's names in every language, so "Hodosy" finds a page that
    # names only "Ходосы" without the snippet listing the names.
    extra: str = ""


@dataclass
class Source:
    kind: str
    model_path: str  # "app_label.Model"
    public: Callable[[], QuerySet]  # what anyone may see
    docs: Callable[[Model], list[Doc]]
    place: Callable[[Model], object]  # a Settlement or None
    year: Callable[[Model], int | None]
    url: Callable[[Model], tuple[str, list]]
    related: tuple[str, ...] = ()  # select_related for indexing

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_path)


def _tr(obj, field: str, lang: str) -> str:
    return getattr(obj, f"{field}_{lang}", "") or ""


def _translated(obj, title: str, texts: tuple[str, ...], extra: str = "") -> list[Doc]:
    """One document per language whose title is written (or the default title if none is)."""
    out = []
    for lang in LANGS:
        t = _tr(obj, title, lang)
        if t:
            body = "\n".join(_tr(obj, f, lang) or "" for f in texts)
            out.append(Doc(lang, t, body.strip(), extra))
    if not out:
        t = getattr(obj, title, "") or ""
        body = "\n".join(getattr(obj, f, "") or "" for f in texts)
        out.append(Doc(language_of(t + body), t, body.strip(), extra))
    return out


def _plain(obj, title: str, texts: tuple[str, ...], extra: str = "") -> list[Doc]:
    t = getattr(obj, title, "") or ""
    body = "\n".join(getattr(obj, f, "") or "" for f in texts)
    return [Doc(language_of(f"{t} {body}"), t, body.strip(), extra)]


def place_names(settlement, community=None) -> str:
    """The place's names in every language, so "Hodosy" finds a page that names only "Ходосы"."""
    names = []
    for obj, field in ((settlement, "name"), (community, "name")):
        if obj is not None:
            for lang in LANGS:
                n = _tr(obj, field, lang)
                if n and n not in names:
                    names.append(n)
    return " ".join(names)


def _markdown_text(md: str) -> str:
    from hramada.news.markup import render_markdown

    return unescape(strip_tags(render_markdown(md or "")))


def _settlement_of(obj):
    if getattr(obj, "settlement_id", None):
        return obj.settlement
    community = getattr(obj, "community", None)
    return community.settlement if community is not None else None


# --- Kinds ---------------------------------------------------------------------------------------------------


def _news_public():
    from hramada.news.models import Post

    return Post.objects.published()


def _news_docs(post):
    communities = list(post.communities.filter(is_published=True).select_related("settlement"))
    extra = " ".join(place_names(c.settlement, c) for c in communities)
    out = []
    for lang in post.languages:
        body = _markdown_text(_tr(post, "body", lang))
        out.append(
            Doc(lang, _tr(post, "title", lang), f"{_tr(post, 'excerpt', lang)}\n{body}".strip(), extra)
        )
    return out


def _news_place(post):
    community = (
        post.communities.filter(is_published=True).select_related("settlement__region__country").first()
    )
    return community.settlement if community else None


def _event_public():
    from hramada.events.models import Event

    return Event.objects.filter(status=Event.Status.PUBLISHED)


def _event_docs(event):
    return _translated(
        event,
        "title",
        ("summary", "description", "venue"),
        place_names(_settlement_of(event), event.community if event.community_id else None),
    )


def _edition_public():
    from hramada.contests.models import Edition

    return Edition.objects.filter(published_at__isnull=False)


def _edition_docs(edition):
    out = []
    for lang in LANGS:
        t = _tr(edition, "title", lang)
        c = _tr(edition.contest, "title", lang)
        if t or c:
            out.append(Doc(lang, " — ".join(x for x in (c, t) if x), ""))
    return out or [Doc(language_of(str(edition)), f"{edition.contest.title} — {edition.title}", "")]


def _project_public():
    from hramada.contests.models import Project

    return Project.objects.filter(status=Project.Status.ELIGIBLE, edition__published_at__isnull=False)


def _project_docs(project):
    return _plain(
        project,
        "title",
        ("summary",),
        place_names(_settlement_of(project), project.community if project.community_id else None),
    )


def _community_public():
    from hramada.places.models import Community

    return Community.objects.filter(is_published=True)


def _community_docs(community):
    return _translated(
        community, "name", ("summary", "description", "story"), place_names(community.settlement)
    )


def _programme_public():
    from hramada.programmes.models import Programme

    return Programme.objects.filter(published_at__isnull=False)


def _initiative_public():
    from hramada.initiatives.models import Initiative

    return Initiative.objects.filter(published_at__isnull=False)


def _initiative_docs(initiative):
    return _translated(
        initiative,
        "title",
        ("summary", "story"),
        place_names(_settlement_of(initiative), initiative.community),
    )


def _issue_public():
    from hramada.local_issues.selectors import public_issues

    return public_issues().select_related(None)


def _issue_docs(issue):
    return _plain(issue, "title", ("description",), place_names(_settlement_of(issue), issue.community))


def _year(attr):
    def get(obj):
        value = obj
        for part in attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value if isinstance(value, int) else value.year

    return get


SOURCES = {
    Kind.NEWS: Source(
        Kind.NEWS,
        "news.Post",
        _news_public,
        _news_docs,
        _news_place,
        _year("published_at"),
        lambda o: ("news:detail", [o.public_id]),
    ),
    Kind.EVENT: Source(
        Kind.EVENT,
        "events.Event",
        _event_public,
        _event_docs,
        _settlement_of,
        _year("starts_at"),
        lambda o: ("events:detail", [o.slug]),
        ("settlement__region__country", "community__settlement__region__country"),
    ),
    Kind.EDITION: Source(
        Kind.EDITION,
        "contests.Edition",
        _edition_public,
        _edition_docs,
        lambda o: None,
        _year("year"),
        lambda o: ("contests:edition", [o.contest.slug, o.public_id]),
        ("contest",),
    ),
    Kind.PROJECT: Source(
        Kind.PROJECT,
        "contests.Project",
        _project_public,
        _project_docs,
        _settlement_of,
        _year("edition.year"),
        lambda o: ("contests:project", [o.public_id]),
        ("edition", "settlement__region__country", "community__settlement__region__country"),
    ),
    Kind.COMMUNITY: Source(
        Kind.COMMUNITY,
        "places.Community",
        _community_public,
        _community_docs,
        lambda o: o.settlement,
        lambda o: None,
        lambda o: ("places:community", [o.slug]),
        ("settlement__region__country",),
    ),
    Kind.PROGRAMME: Source(
        Kind.PROGRAMME,
        "programmes.Programme",
        _programme_public,
        lambda o: _translated(o, "title", ("summary", "description")),
        lambda o: None,
        _year("published_at"),
        lambda o: ("programmes:programme", [o.slug]),
    ),
    Kind.INITIATIVE: Source(
        Kind.INITIATIVE,
        "initiatives.Initiative",
        _initiative_public,
        _initiative_docs,
        _settlement_of,
        lambda o: (o.starts_on or o.published_at).year if (o.starts_on or o.published_at) else None,
        lambda o: ("initiatives:detail", [o.slug]),
        ("community__settlement__region__country",),
    ),
    Kind.ISSUE: Source(
        Kind.ISSUE,
        "local_issues.Issue",
        _issue_public,
        _issue_docs,
        _settlement_of,
        lambda o: (o.published_at or o.created_at).year,
        lambda o: ("local_issues:detail", [o.public_id]),
        ("settlement__region__country", "community__settlement__region__country"),
    ),
}


def source_for(obj) -> Source | None:
    label = obj._meta.label
    return next((s for s in SOURCES.values() if s.model_path == label), None)
