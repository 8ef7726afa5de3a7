"""RSS 2.0 and Atom feeds of published posts: all, per organisation, per community, per tag. Titles and
excerpts are in the feed's language (its address's prefix) or the nearest one the post is written in."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from hramada.orgs.models import Organisation
from hramada.places.models import Community

from . import selectors
from .models import Tag

FEED_SIZE = 30


class NewsRss(Feed):
    feed_type = Rss201rev2Feed
    kind = "all"

    def get_object(self, request, slug=None):
        if self.kind == "all":
            return None
        if self.kind == "organisation":
            found = Organisation.objects.filter(is_public=True, slug=slug).first()
        elif self.kind == "community":
            found = Community.objects.filter(is_published=True, slug=slug).first()
        else:
            found = Tag.objects.filter(slug=slug).first()
        if found is None:
            raise Http404
        return found

    def title(self, obj):
        if obj is None:
            return _("%(site)s: news") % {"site": settings.SITE_NAME}
        return _("%(site)s: news — %(name)s") % {"site": settings.SITE_NAME, "name": str(obj)}

    def link(self, obj):
        url = reverse("news:list")
        if obj is not None:
            url += f"?{self.kind}={obj.slug}"
        return url

    def description(self, obj):
        return _("News and stories published on %(site)s.") % {"site": settings.SITE_NAME}

    def items(self, obj):
        filters = {} if obj is None else {self.kind: obj}
        return selectors.localised(selectors.public_posts(**filters)[:FEED_SIZE])

    def item_title(self, item):
        return item.shown_title

    def item_description(self, item):
        return item.shown_excerpt

    def item_link(self, item):
        return reverse("news:detail", args=[item.public_id])

    def item_guid(self, item):
        return f"urn:hramada:news:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organisation.name

    def item_categories(self, item):
        return [t.name for t in item.tags.all()]


class NewsAtom(NewsRss):
    feed_type = Atom1Feed
    subtitle = NewsRss.description


def feeds_for(kind):
    rss = type(f"NewsRss_{kind}", (NewsRss,), {"kind": kind})()
    atom = type(f"NewsAtom_{kind}", (NewsAtom,), {"kind": kind})()
    return rss, atom
