"""``/sitemap.xml``: every public page an anonymous visitor may open, in each language (with the other
languages as alternates). Each section reads the owning app's public rule: published events, contest
editions and eligible projects of published editions, published programmes, initiatives and communities,
published local issues that are neither hidden nor merged, public organisations, published news."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class _Base(Sitemap):
    i18n = True
    alternates = True
    x_default = False
    limit = 5000

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)


class StaticPages(_Base):
    changefreq = "daily"

    def items(self):
        return [
            "core:home",
            "news:list",
            "events:list",
            "contests:list",
            "programmes:list",
            "initiatives:list",
            "local_issues:list",
            "places:communities",
            "orgs:list",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, obj):
        return None


class NewsPosts(_Base):
    def items(self):
        from .models import Post

        return Post.objects.published().order_by("-published_at", "pk").only("public_id", "updated_at")

    def location(self, obj):
        return reverse("news:detail", args=[obj.public_id])


class Events(_Base):
    def items(self):
        from hramada.events.models import Event

        return Event.objects.filter(status=Event.Status.PUBLISHED).order_by("pk").only("slug", "updated_at")

    def location(self, obj):
        return reverse("events:detail", args=[obj.slug])


class ContestEditions(_Base):
    def items(self):
        from hramada.contests.models import Edition

        return (
            Edition.objects.filter(published_at__isnull=False)
            .select_related("contest")
            .order_by("pk")
            .only("public_id", "updated_at", "contest__slug")
        )

    def location(self, obj):
        return reverse("contests:edition", args=[obj.contest.slug, obj.public_id])


class ContestProjects(_Base):
    def items(self):
        from hramada.contests.models import Project

        return (
            Project.objects.filter(status=Project.Status.ELIGIBLE, edition__published_at__isnull=False)
            .order_by("pk")
            .only("public_id", "updated_at")
        )

    def location(self, obj):
        return reverse("contests:project", args=[obj.public_id])


class Programmes(_Base):
    def items(self):
        from hramada.programmes.models import Programme

        return Programme.objects.filter(published_at__isnull=False).order_by("pk").only("slug", "updated_at")

    def location(self, obj):
        return reverse("programmes:programme", args=[obj.slug])


class Initiatives(_Base):
    def items(self):
        from hramada.initiatives.models import Initiative

        return Initiative.objects.filter(published_at__isnull=False).order_by("pk").only("slug", "updated_at")

    def location(self, obj):
        return reverse("initiatives:detail", args=[obj.slug])


class LocalIssues(_Base):
    def items(self):
        from hramada.local_issues.selectors import public_issues

        return public_issues().select_related(None).order_by("pk").only("public_id", "updated_at")

    def location(self, obj):
        return reverse("local_issues:detail", args=[obj.public_id])


class Communities(_Base):
    def items(self):
        from hramada.places.models import Community

        return Community.objects.filter(is_published=True).order_by("pk").only("slug", "updated_at")

    def location(self, obj):
        return reverse("places:community", args=[obj.slug])


class Organisations(_Base):
    def items(self):
        from hramada.orgs.models import Organisation

        return Organisation.objects.filter(is_public=True).order_by("pk").only("slug", "updated_at")

    def location(self, obj):
        return reverse("orgs:detail", args=[obj.slug])


SITEMAPS = {
    "pages": StaticPages,
    "news": NewsPosts,
    "events": Events,
    "contests": ContestEditions,
    "projects": ContestProjects,
    "programmes": Programmes,
    "initiatives": Initiatives,
    "issues": LocalIssues,
    "communities": Communities,
    "organisations": Organisations,
}
