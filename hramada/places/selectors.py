import gettext
from datetime import datetime
from functools import cache

import pycountry
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hramada.core import registry

from .models import Community, Country, Region, Settlement
from .regions_data import COUNTRY_NAMES

# Extension point: higher apps add what happened in a community (events, projects, issues).
# Each callable takes a community and returns {"title", "template", "items"} or None.
community_sections: list = []


@cache
def _iso3166_translator(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return lambda text: text


def country_name(code: str, lang: str | None = None) -> str:
    """A country's name by its ISO 3166-1 code, in the active language (pycountry's translations)."""
    code, lang = code.upper(), (lang or get_language() or "en")[:2]
    if name := COUNTRY_NAMES.get(code, {}).get(lang):
        return name
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _iso3166_translator(lang)(country.name)


def register_community_section(fn) -> None:
    community_sections.append(fn)


def published_communities(*, country: str = "", region: str = "", q: str = ""):
    qs = Community.objects.filter(is_published=True).select_related(
        "settlement__region__country", "settlement__district"
    )
    if country:
        qs = qs.filter(settlement__region__country__code=country)
    if region:
        qs = qs.filter(settlement__region__code=region)
    if q:
        qs = qs.filter(
            Q(name_be__icontains=q)
            | Q(name_ru__icontains=q)
            | Q(name_en__icontains=q)
            | Q(settlement__name_be__icontains=q)
            | Q(settlement__name_ru__icontains=q)
            | Q(settlement__name_en__icontains=q)
        )
    return qs.order_by("name", "pk")


def filter_choices(country: str = ""):
    countries = Country.objects.annotate(
        n=Count(
            "regions__settlements__communities",
            filter=Q(regions__settlements__communities__is_published=True),
        )
    ).filter(n__gt=0)
    regions = Region.objects.select_related("country")
    if country:
        regions = regions.filter(country__code=country)
    return countries, regions


def community_detail(slug: str):
    return (
        Community.objects.select_related("settlement__region__country", "settlement__district")
        .prefetch_related("photos")
        .filter(slug=slug, is_published=True)
        .first()
    )


def public_leaders(community):
    return (
        community.leaders.filter(shown_publicly=True)
        .select_related("person")
        .exclude(person__erased_at__isnull=False)
    )


TIMELINE_PER_YEAR = 5  # entries shown per year before its "show all"


def _day(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def community_timeline(community, *, open_year: int | None = None) -> list[dict]:
    """Everything done in a community, from the records (events, contest projects, programme work,
    initiatives, local issues, news: each higher app registers its part in ``core.registry``), newest
    first, grouped by year: [{"year", "entries", "total", "more"}]. Each year shows its newest few; the
    year asked for (``open_year``) shows them all. Every part returns public things only."""
    entries = []
    for fn in registry.community_timeline:
        for entry in fn(community) or []:
            if entry.get("date") is None:
                continue
            entries.append({**entry, "date": _day(entry["date"])})
    entries.sort(key=lambda e: (e["date"], str(e["title"])), reverse=True)
    years: dict[int, list] = {}
    for entry in entries:
        years.setdefault(entry["date"].year, []).append(entry)
    return [
        {
            "year": year,
            "entries": items if year == open_year else items[:TIMELINE_PER_YEAR],
            "total": len(items),
            "more": year != open_year and len(items) > TIMELINE_PER_YEAR,
        }
        for year, items in years.items()
    ]


def linked_sections(community):
    return [section for fn in community_sections if (section := fn(community))]


def search_settlements(q: str, limit: int = 20):
    q = q.strip()
    qs = Settlement.objects.select_related("region", "district")
    if len(q) < 2:
        return qs.none()
    return qs.filter(Q(name_be__icontains=q) | Q(name_ru__icontains=q) | Q(name_en__icontains=q)).order_by(
        "name"
    )[:limit]


def home_section(request):
    items = list(published_communities().order_by("-created_at")[:6])
    return {
        "title": _("Communities"),
        "template": "places/public/_community_cards.html",
        "items": items,
        "more_url": reverse("places:communities"),
        "empty": _("No community has a public page yet."),
    }
