"""The search index: one ``SearchDocument`` per public object and language it is written in. Only what
anyone may see is stored; the selector checks visibility again when it answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    NEWS = "news", pgettext_lazy("search kind", "News")
    EVENT = "event", pgettext_lazy("search kind", "Events")
    EDITION = "edition", pgettext_lazy("search kind", "Contests")
    PROJECT = "project", pgettext_lazy("search kind", "Contest projects")
    COMMUNITY = "community", pgettext_lazy("search kind", "Communities")
    PROGRAMME = "programme", pgettext_lazy("search kind", "Programmes")
    INITIATIVE = "initiative", pgettext_lazy("search kind", "Local initiatives")
    ISSUE = "issue", pgettext_lazy("search kind", "Local issues")


class SearchDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    public_id = models.CharField(max_length=26)  # the object's public id
    language = models.CharField(_("language"), max_length=2)  # be, ru or en (guessed when not stored)
    title = models.CharField(_("title"), max_length=400)
    text = models.TextField(_("text"), blank=True)
    # Every word of the title and the text as its Latin search key (text.key): "Башні" -> "basni".
    translit = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1
    region = models.CharField(max_length=10, blank=True)  # ISO 3166-2
    settlement = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url_name = models.CharField(max_length=60)
    url_args = models.JSONField(default=list)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["kind", "public_id"], name="search_doc_object"),
            models.Index(fields=["year"], name="search_doc_year"),
            models.Index(fields=["country", "region"], name="search_doc_place"),
        ]
        constraints = [
            models.UniqueConstraint("kind", "public_id", "language", name="search_doc_one_per_language")
        ]

    def __str__(self):
        return f"{self.kind} {self.public_id} [{self.language}] {self.title}"
