"""The one search selector: candidates from the database's backend, ranked the same way on SQLite and
PostgreSQL (title above text, exact above stem above fuzzy), each object once in the visitor's language
(or the nearest one it is written in), visibility checked again, filtered, paginated, highlighted."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from . import text as T
from .backends import Query, backend
from .models import Kind, SearchDocument
from .sources import SOURCES

PER_PAGE = 10
FALLBACK = {"be": ("be", "ru", "en"), "ru": ("ru", "be", "en"), "en": ("en", "ru", "be")}
# Points for a query word found in the title / the text: the same word (or the same Latin key), a word
# of the same stem or beginning, a similar word (times its trigram similarity).
EXACT, STEM, FUZZY = 10.0, 7.0, 5.0
TEXT_WEIGHT = 0.35
# The document's search keys hold its words and its extra words (place names in every language, never
# shown): a word found only there counts less than in the text.
KEY_WEIGHT = 0.25
MIN_SIMILARITY = 0.45


@dataclass
class Result:
    kind: str
    kind_label: str
    public_id: str
    language: str
    is_fallback: bool
    url: str
    title_html: str
    snippet_html: str
    settlement: str
    year: int | None
    score: float


@dataclass
class SearchResults:
    query: str
    page: Page
    total: int
    filtered: bool = False
    terms: list = field(default_factory=list)


@lru_cache(maxsize=50_000)
def _key(word: str) -> str:
    return T.key(word)


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return T.stem(word)


@lru_cache(maxsize=200_000)
def _similarity(a: str, b: str) -> float:
    return T.closeness(a, b)


def _match(word_set, w: str, k: str, s: str, marked: set) -> float:
    best = 0.0
    sk = _key(s)
    for tw in word_set:
        tk = _key(tw)
        if tw == w or tk == k:
            m = EXACT
        elif len(s) >= 3 and (tw.startswith(s) or _stem(tw) == s or (len(sk) >= 3 and tk.startswith(sk))):
            m = STEM
        elif len(k) >= 3 and len(tk) >= 3 and abs(len(tk) - len(k)) <= 3:
            sim = _similarity(tk, k)
            m = FUZZY * sim if sim >= MIN_SIMILARITY else 0.0
        else:
            m = 0.0
        if m:
            marked.add(tw)
            best = max(best, m)
    return best


def score(doc, query: Query) -> tuple[float, set[str]] | None:
    """The document's score for the query and the words to mark, or None when a query word matches
    nothing in it (every word must match somewhere)."""
    title_words = set(T.words(doc.title))
    text_words = set(T.words(doc.text))
    key_words = set(doc.translit.split())
    total, marked = 0.0, set()
    for w, k, s in query.terms:
        best = max(
            _match(title_words, w, k, s, marked),
            TEXT_WEIGHT * _match(text_words, w, k, s, marked),
            KEY_WEIGHT * _match(key_words, w, k, s, set()),  # keys are never shown, so never marked
        )
        if not best:
            return None
        total += best
    return total, marked


def _visible(pairs) -> set[tuple[str, str]]:
    """Which (kind, public_id) the public may still see: one query per kind present."""
    by_kind: dict[str, list[str]] = {}
    for kind, public_id in pairs:
        by_kind.setdefault(kind, []).append(public_id)
    out = set()
    for kind, ids in by_kind.items():
        source = SOURCES.get(kind)
        if source is None:
            continue
        for public_id in source.public().filter(public_id__in=ids).values_list("public_id", flat=True):
            out.add((kind, public_id))
    return out


def _url(doc) -> str:
    try:
        return reverse(doc.url_name, args=doc.url_args)
    except NoReverseMatch:
        return ""


def search(q, *, user=None, types=(), country="", region="", year=None, page=1, lang=None) -> SearchResults:
    """Public search. ``user`` is accepted for the permission rule, which today is the same for everyone:
    only what the public may see is indexed and shown."""
    lang = (lang or translation.get_language() or "be")[:2]
    query = Query.parse(q or "")
    qs = SearchDocument.objects.all()
    if types:
        qs = qs.filter(kind__in=types)
    if country:
        qs = qs.filter(country=country)
    if region:
        qs = qs.filter(region=region)
    if year:
        qs = qs.filter(year=year)
    filtered = bool(types or country or region or year)
    ids = backend().candidates(qs, query) if query.terms else []
    docs = SearchDocument.objects.filter(pk__in=ids) if ids else []

    order = FALLBACK.get(lang, FALLBACK["be"])
    best: dict[tuple[str, str], dict] = {}
    for doc in docs:
        scored = score(doc, query)
        if scored is None:
            continue
        points, marked = scored
        item = best.setdefault((doc.kind, doc.public_id), {"score": 0.0, "docs": {}})
        item["score"] = max(item["score"], points)
        item["docs"][doc.language] = (doc, marked)
    visible = _visible(best) if best else set()
    ranked = sorted(
        ((k, v) for k, v in best.items() if k in visible),
        key=lambda kv: (-kv[1]["score"], -(next(iter(kv[1]["docs"].values()))[0].year or 0), kv[0]),
    )
    paginator = Paginator(ranked, PER_PAGE)
    page_obj = paginator.get_page(page)
    labels = dict(Kind.choices)
    results = []
    for (kind, public_id), item in page_obj.object_list:
        shown = next((code for code in order if code in item["docs"]), next(iter(item["docs"])))
        doc, marked = item["docs"][shown]
        results.append(
            Result(
                kind=kind,
                kind_label=labels.get(kind, kind),
                public_id=public_id,
                language=shown,
                is_fallback=shown != lang,
                url=_url(doc),
                title_html=mark_safe(T.highlight(doc.title, marked)),  # noqa: S308 (escaped by highlight)
                snippet_html=mark_safe(T.highlight(T.snippet_window(doc.text, marked), marked)),  # noqa: S308
                settlement=doc.settlement,
                year=doc.year,
                score=round(item["score"], 2),
            )
        )
    page_obj.object_list = results
    return SearchResults(
        query=q or "", page=page_obj, total=paginator.count, filtered=filtered, terms=query.terms
    )


def filter_choices() -> dict:
    """The countries, regions and years present in the index (for the filter selects)."""
    from hramada.places.models import Country, Region

    countries = set(SearchDocument.objects.exclude(country="").values_list("country", flat=True).distinct())
    regions = set(SearchDocument.objects.exclude(region="").values_list("region", flat=True).distinct())
    years = sorted(
        set(SearchDocument.objects.exclude(year=None).values_list("year", flat=True).distinct()), reverse=True
    )
    return {
        "kinds": Kind.choices,
        "countries": list(Country.objects.filter(code__in=countries).order_by("name")),
        "regions": list(Region.objects.filter(code__in=regions).select_related("country").order_by("name")),
        "years": years,
    }
