"""News for visitors: the list (filters by tag, organisation, community; paginated) and a post's page
(in the visitor's language or, visibly, one the post is written in)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from hramada.core.pagination import paginate
from hramada.core.replica import replica_view
from hramada.orgs.models import Organisation
from hramada.places.models import Community

from .. import selectors
from ..models import Tag

PER_PAGE = 10


@replica_view  # a public list: anonymous visitors' copies may be a moment old
@require_GET
def news_list(request):
    tag = Tag.objects.filter(slug=request.GET.get("tag", "")[:70]).first() if request.GET.get("tag") else None
    organisation = (
        Organisation.objects.filter(is_public=True, slug=request.GET.get("organisation", "")[:80]).first()
        if request.GET.get("organisation")
        else None
    )
    community = (
        Community.objects.filter(is_published=True, slug=request.GET.get("community", "")[:80]).first()
        if request.GET.get("community")
        else None
    )
    page = paginate(
        request, selectors.public_posts(tag=tag, organisation=organisation, community=community), PER_PAGE
    )
    selectors.localised(page.object_list)
    return render(
        request,
        "news/public/list.html",
        {
            "page": page,
            "tag": tag,
            "organisation": organisation,
            "community": community,
            "filtered": bool(tag or organisation or community),
            "choices": selectors.filter_choices(),
        },
    )


def render_post(request, post, *, preview=False):
    selectors.localise(post)
    cover_url = ""
    if post.cover:
        cover_url = (
            post.cover.url if post.cover.url.startswith("http") else settings.SITE_URL + post.cover.url
        )
    return render(
        request,
        "news/public/detail.html",
        {
            "post": post,
            "preview": preview,
            "body": selectors.body_html(post),
            "available": selectors.available_in(post),
            "links": selectors.visible_links(post),
            "page_url": settings.SITE_URL + request.path,
            "cover_url": cover_url,
            "og_locale": {"be": "be_BY", "ru": "ru_RU", "en": "en_GB"}[post.shown_lang],
            "page_lang": translation.get_language(),
        },
    )


@require_GET
def post_detail(request, public_id):
    post = selectors.post_by_public_id(public_id)
    if post is None or not request.user.has_perm("news.view_post", post):
        raise Http404
    return render_post(request, post, preview=post.status != "published")
