from django.http import Http404
from django.shortcuts import render

from hramada.core.markup import render_markdown
from hramada.core.pagination import paginate

from .. import selectors


def communities(request):
    country = request.GET.get("country", "")
    region = request.GET.get("region", "")
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.published_communities(country=country, region=region, q=q))
    countries, regions = selectors.filter_choices(country)
    context = {
        "page": page,
        "countries": countries,
        "regions": regions,
        "country": country,
        "region": region,
        "q": q,
    }
    template = "places/public/_community_results.html" if request.htmx else "places/public/communities.html"
    return render(request, template, context)


def community(request, slug):
    community = selectors.community_detail(slug)
    if community is None:
        raise Http404
    try:
        open_year = int(request.GET.get("year", ""))
    except ValueError:
        open_year = None
    context = {
        "community": community,
        "story": render_markdown(community.story),
        "photos": community.photos.all(),
        "leaders": selectors.public_leaders(community),
        "sections": selectors.linked_sections(community),
        "timeline": selectors.community_timeline(community, open_year=open_year),
        "open_year": open_year,
    }
    return render(request, "places/public/community.html", context)


def settlement_search(request):
    """Options for place pickers: the type-ahead box swaps these into its <select>."""
    results = selectors.search_settlements(request.GET.get("q", ""))
    return render(
        request,
        "places/public/_settlement_options.html",
        {"results": results, "selected": request.GET.get("selected")},
    )
