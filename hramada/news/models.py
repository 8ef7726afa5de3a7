"""News and stories: posts of an organisation in be/ru/en (each language optional), with a cover image,
tags and links to what they are about; drafts, scheduled publishing and revisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName

LANGS = ("be", "ru", "en")
TEXT_FIELDS = ("title", "excerpt", "body")


class Tag(models.Model):
    """A free tag ("women", "youth"): one word or two, the same in every language."""

    name = models.CharField(_("tag"), max_length=60)
    slug = models.SlugField(_("short name in links"), max_length=70, unique=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    def published(self, now=None):
        """What anyone may read: published, and not set to appear later."""
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class Post(BaseModel):
    """A news post. States: a draft (``published_at`` and ``publish_at`` empty), scheduled (``publish_at``
    set, the periodic job publishes it then) and published (``published_at`` set)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="posts"
    )
    # Translated (translation.py): title, excerpt, body. A language is "there" when its title is.
    title = models.CharField(_("title"), max_length=200, blank=True)
    excerpt = models.TextField(_("excerpt"), max_length=600, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to=RandomName("news"), blank=True)
    cover_alt = models.CharField(_("cover image description"), max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    authors = models.ManyToManyField(
        "people.Person", verbose_name=_("authors"), blank=True, related_name="news_posts"
    )
    # What the post is about.
    organisations = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    communities = models.ManyToManyField(
        "places.Community", verbose_name=_("communities"), blank=True, related_name="+"
    )
    events = models.ManyToManyField("events.Event", verbose_name=_("events"), blank=True, related_name="+")
    editions = models.ManyToManyField(
        "contests.Edition", verbose_name=_("contest editions"), blank=True, related_name="+"
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="+"
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative", verbose_name=_("initiatives"), blank=True, related_name="+"
    )
    issues = models.ManyToManyField(
        "local_issues.Issue", verbose_name=_("local issues"), blank=True, related_name="+"
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [models.Index(fields=["-published_at"], name="news_post_published")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_be="") | ~Q(title_ru="") | ~Q(title_en=""), name="news_post_has_a_title"
            )
        ]

    def __str__(self):
        return self.title or self.public_id

    @property
    def languages(self) -> list[str]:
        """The languages the post is written in (those with a title), in the site's order."""
        return [lang for lang in LANGS if getattr(self, f"title_{lang}", "")]

    @property
    def status(self) -> str:
        if self.published_at is not None:
            return "published" if self.published_at <= timezone.now() else "scheduled"
        return "scheduled" if self.publish_at is not None else "draft"


class Revision(models.Model):
    """The texts of a post as one save left them: who, when, every language."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    texts = models.JSONField(default=dict)  # {"title_be": ..., "excerpt_en": ..., "body_ru": ...}

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.post} @ {self.created_at:%Y-%m-%d %H:%M}"
