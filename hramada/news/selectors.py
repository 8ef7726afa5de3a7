"""Reads of news: the public list and filters, one post in the language shown, the latest posts about an
object (for other apps' pages, through registries), the organiser's list and revisions."""

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hramada.core.markup import render_markdown

from .models import LANGS, Post, Revision, Tag

LANGUAGE_NAMES = {"be": "Беларуская", "ru": "Русский", "en": "English"}
# Which written language a reader of each site language gets when theirs is missing.
FALLBACK = {"be": ("be", "ru", "en"), "ru": ("ru", "be", "en"), "en": ("en", "ru", "be")}


def display_language(post, lang: str | None = None) -> str:
    lang = (lang or translation.get_language() or "be")[:2]
    written = post.languages
    return next((code for code in FALLBACK.get(lang, LANGS) if code in written), lang)


def localise(post, lang: str | None = None):
    """Set ``shown_lang``, ``shown_title``, ``shown_excerpt``, ``shown_cover_alt`` and ``is_fallback`` on a
    post for the page's language (or the nearest one the post is written in)."""
    lang = (lang or translation.get_language() or "be")[:2]
    shown = display_language(post, lang)
    post.shown_lang = shown
    post.is_fallback = shown != lang
    post.shown_title = getattr(post, f"title_{shown}")
    post.shown_excerpt = getattr(post, f"excerpt_{shown}")
    post.shown_cover_alt = getattr(post, f"cover_alt_{shown}")
    return post


def localised(posts):
    return [localise(p) for p in posts]


def public_posts(*, tag=None, organisation=None, community=None):
    """Published posts, newest first, with their organisation and tags; filtered by a tag, an
    organisation (its own posts or posts about it) or a community."""
    qs = Post.objects.published().select_related("organisation").prefetch_related("tags")
    if tag is not None:
        qs = qs.filter(tags=tag)
    if organisation is not None:
        qs = qs.filter(
            pk__in=Post.objects.filter(Q(organisation=organisation) | Q(organisations=organisation)).values(
                "pk"
            )
        )
    if community is not None:
        qs = qs.filter(communities=community)
    return qs.order_by("-published_at", "-id")


def filter_choices():
    from hramada.orgs.models import Organisation
    from hramada.places.models import Community

    published = Post.objects.published()
    return {
        "tags": Tag.objects.filter(posts__in=published).distinct().order_by("name"),
        "organisations": Organisation.objects.filter(posts__in=published).distinct().order_by("name"),
        "communities": Community.objects.filter(is_published=True, pk__in=published.values("communities"))
        .distinct()
        .order_by("name"),
    }


def post_by_public_id(public_id: str):
    return (
        Post.objects.select_related("organisation")
        .prefetch_related("tags", "authors")
        .filter(public_id=public_id)
        .first()
    )


def available_in(post, path_name="news:detail") -> list[dict]:
    """The languages a post is written in, each with the address of the post's page in it."""
    out = []
    for code in post.languages:
        with translation.override(code):
            url = reverse(path_name, args=[post.public_id])
        out.append({"code": code, "name": LANGUAGE_NAMES[code], "url": url})
    return out


def body_html(post) -> str:
    return render_markdown(getattr(post, f"body_{post.shown_lang}"))


def visible_subjects(post) -> dict[str, list]:
    """What the post is about, only what any visitor may see (no draft event, no hidden issue), by
    kind: organisations, communities, events, editions, programmes, initiatives, issues (objects)."""
    from hramada.contests.models import Edition
    from hramada.events.models import Event
    from hramada.initiatives.models import Initiative
    from hramada.local_issues.selectors import public_issues
    from hramada.orgs.models import Organisation
    from hramada.places.models import Community
    from hramada.programmes.models import Programme

    ids = lambda name: getattr(post, name).values("pk")  # noqa: E731
    return {
        "organisations": list(
            Organisation.objects.filter(is_public=True, pk__in=ids("organisations")).order_by("name")
        ),
        "communities": list(
            Community.objects.filter(is_published=True, pk__in=ids("communities")).order_by("name")
        ),
        "events": list(
            Event.objects.filter(status=Event.Status.PUBLISHED, pk__in=ids("events")).order_by("-starts_at")
        ),
        "editions": list(
            Edition.objects.filter(published_at__isnull=False, pk__in=ids("editions")).select_related(
                "contest"
            )
        ),
        "programmes": list(Programme.objects.filter(published_at__isnull=False, pk__in=ids("programmes"))),
        "initiatives": list(Initiative.objects.filter(published_at__isnull=False, pk__in=ids("initiatives"))),
        "issues": list(public_issues().filter(pk__in=ids("issues"))),
    }


def visible_links(post) -> list[tuple[str, list]]:
    """``visible_subjects`` as a list of (heading, [(label, url), ...]) for the post's page."""
    subjects = visible_subjects(post)
    groups = [
        (
            _("Organisations"),
            [(o.name, reverse("orgs:detail", args=[o.slug])) for o in subjects["organisations"]],
        ),
        (
            _("Communities"),
            [(c.name, reverse("places:community", args=[c.slug])) for c in subjects["communities"]],
        ),
        (_("Events"), [(e.title, reverse("events:detail", args=[e.slug])) for e in subjects["events"]]),
        (
            _("Contests"),
            [
                (
                    f"{e.contest.title} — {e.title}",
                    reverse("contests:edition", args=[e.contest.slug, e.public_id]),
                )
                for e in subjects["editions"]
            ],
        ),
        (
            _("Programmes"),
            [(p.title, reverse("programmes:programme", args=[p.slug])) for p in subjects["programmes"]],
        ),
        (
            _("Local initiatives"),
            [(i.title, reverse("initiatives:detail", args=[i.slug])) for i in subjects["initiatives"]],
        ),
        (
            _("Local issues"),
            [(i.title, reverse("local_issues:detail", args=[i.public_id])) for i in subjects["issues"]],
        ),
    ]
    return [(heading, items) for heading, items in groups if items]


# --- Sections on other apps' pages ---------------------------------------------------------------------------

SECTION_SIZE = 3


def latest_about(field: str, obj, limit: int = SECTION_SIZE) -> list[Post]:
    """The latest published posts linked to ``obj`` through the ``field`` link (never a draft, whoever looks)."""
    qs = (
        Post.objects.published()
        .filter(**{field: obj})
        .select_related("organisation")
        .order_by("-published_at", "-id")
    )
    return localised(qs[:limit])


def _section(field, obj, more_url=""):
    items = latest_about(field, obj)
    if not items:
        return None
    return {"title": _("News"), "template": "news/public/_section.html", "items": items, "more_url": more_url}


def community_section(community):
    section = _section("communities", community, reverse("news:list") + f"?community={community.slug}")
    if section:
        section["feeds"] = alternate_links("community", community.slug)
    return section


def organisation_section(organisation):
    items = localised(public_posts(organisation=organisation)[:SECTION_SIZE])
    if not items:
        return None
    return {
        "title": _("News"),
        "template": "news/public/_section.html",
        "items": items,
        "more_url": reverse("news:list") + f"?organisation={organisation.slug}",
        "feeds": alternate_links("organisation", organisation.slug),
    }


def alternate_links(kind: str, slug: str) -> list[dict]:
    return [
        {"title": "RSS", "url": reverse(f"news:{kind}_rss", args=[slug])},
        {"title": "Atom", "url": reverse(f"news:{kind}_atom", args=[slug])},
    ]


def section_for(field):
    return lambda obj: _section(field, obj)


def home_section(request):
    items = localised(public_posts()[:SECTION_SIZE])
    if not items:
        return None
    return {
        "title": _("News"),
        "template": "news/public/_cards.html",
        "items": items,
        "more_url": reverse("news:list"),
        "empty": "",
    }


# --- Organisers ------------------------------------------------------------------------------------------------


def organisation_posts(organisation):
    return Post.objects.filter(organisation=organisation).order_by("-created_at", "-id")


def revisions(post):
    return Revision.objects.filter(post=post).select_related("editor__person").order_by("-created_at", "-id")
