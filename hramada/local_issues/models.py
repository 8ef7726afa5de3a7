"""Local issues: residents raise them in a community, neighbours back them, moderators forward them to
the authority responsible for the place, and the authority answers on the issue's public timeline.

Who did what is kept on rows that say so (a backing, a comment, a timeline entry); the issue's status
and its backing count are maintained by the services in the same transaction as the row that changes
them, so lists read one row per issue.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName


class Category(models.Model):
    """What an issue is about (roads, water...). Organisers edit the list in three languages; a code
    names it in Open311 (``service_code``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered to residents"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.title


class Status(models.TextChoices):
    WAITING = "waiting", _("waiting for moderation")
    OPEN = "open", _("open")
    FORWARDED = "forwarded", _("forwarded to the authority")
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the authority")
    PLANNED = "planned", _("planned")
    RESOLVED = "resolved", _("resolved")
    DECLINED = "declined", _("declined")
    REOPENED = "reopened", _("reopened: not fixed")
    CONFIRMED = "confirmed", _("resolved and confirmed")
    MERGED = "merged", _("merged into another issue")


# The statuses Open311 calls "open" (the others are "closed").
OPEN_STATUSES = (
    Status.WAITING,
    Status.OPEN,
    Status.FORWARDED,
    Status.ACKNOWLEDGED,
    Status.PLANNED,
    Status.REOPENED,
)


# The issues the public lists show (``selectors.public_issues``): published, not hidden, not merged away.
PUBLIC_LIST = Q(published_at__isnull=False, hidden_at__isnull=True) & ~Q(status="merged")


class Issue(BaseModel):
    """A local issue a resident raised in a community. The reporter is always known to the platform;
    the public and the authority see their name only if they chose so (``show_name``)."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="local_issues"
    )
    settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        related_name="local_issues",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="issues"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    reporter = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="local_issues_raised"
    )
    show_name = models.BooleanField(_("show my name"), default=False)
    name_to_authority = models.BooleanField(_("the authority may see my name"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    backing_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_issues",
    )
    # Dates the accountability pages and reminders read (set by the services from the timeline).
    published_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    first_answer_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    confirmation_asked_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_issues"
    )
    open311_client = models.ForeignKey(
        "Open311Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    open311_token = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("local issue")
        verbose_name_plural = _("local issues")
        indexes = [
            models.Index(fields=["status", "-backing_count"], name="issue_status_backing"),
            models.Index(fields=["community", "status"], name="issue_community_status"),
            models.Index(fields=["authority", "status"], name="issue_authority_status"),
            # The accountability pages (helper C, migration 0004): an authority's issues in id order
            # with what its figures read, without visiting the table; its oldest unanswered ones.
            models.Index(
                fields=["authority", "id", "status", "category", "published_at", "hidden_at"],
                name="issue_authority_record",
            ),
            models.Index(fields=["authority", "status", "forwarded_at"], name="issue_authority_waiting"),
            # The public list (helper A, migration 0005), most backed or newest first: a big region's
            # first pages are read in index order instead of sorting all its issues.
            models.Index(
                models.F("backing_count").desc(),
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=PUBLIC_LIST,
                name="issue_public_backed",
            ),
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=PUBLIC_LIST,
                name="issue_public_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="issue_point_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="issue_merged_has_target"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None


class IssuePhoto(BaseModel):
    """A photo of the issue or of an authority's evidence, re-encoded without metadata before it is
    stored (public once the issue is)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=RandomName("issues"))
    entry = models.ForeignKey(
        "TimelineEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )

    class Meta:
        ordering = ["id"]


class Backing(models.Model):
    """One person backs an issue once (the database holds it); merging moves backings to the kept
    issue, a person backing both keeping one."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="backings")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="local_issue_backings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("issue", "person", name="backing_once_per_person")]

    def __str__(self):
        return f"{self.person_id} backs {self.issue_id}"


class Comment(BaseModel):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="local_issue_comments")
    body = models.TextField(_("comment"))
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class TimelineEntry(BaseModel):
    """What happened to an issue, in order, public unless noted: moderation, forwarding, the authority's
    answers, reminders, the residents' confirmation. Accountability figures are computed from these."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("published")
        FORWARDED = "forwarded", _("forwarded to the authority")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        PLANNED = "planned", _("planned")
        RESOLVED = "resolved", _("resolved")
        DECLINED = "declined", _("declined")
        NOT_OURS = "not_ours", _("not ours")
        REMINDED = "reminded", _("reminder sent")
        ESCALATED = "escalated", _("escalated to the authority above")
        CONFIRMED = "confirmed", _("confirmed fixed by residents")
        REOPENED = "reopened", _("reopened: residents say it is not fixed")
        MERGED = "merged", _("merged")
        HIDDEN = "hidden", _("hidden by moderators")
        SHOWN = "shown", pgettext_lazy("a hidden issue shown again", "shown again")

    # The kinds that are an authority's answer (the first one is the "first answer").
    ANSWERS = ("acknowledged", "planned", "resolved", "declined", "not_ours")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    authority = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    suggested_authority = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["authority", "kind", "created_at"], name="timeline_authority_kind"),
            # An authority's entries grouped by issue, read from the index alone (accountability, 0004).
            models.Index(
                fields=["authority", "issue", "kind", "created_at"], name="timeline_authority_issue"
            ),
        ]


class AuthorityArea(models.Model):
    """An authority is responsible for a region, a district or a settlement, for some categories (none
    named: all). The most local area wins when suggesting where to forward an issue."""

    authority = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="issue_areas")
    region = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "places.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    settlement = models.ForeignKey(
        "places.Settlement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    # The days within which the authority should answer an issue forwarded to it for this area (empty:
    # the platform's LOCAL_ISSUES_ANSWER_DAYS); reminders go out after them.
    answer_days = models.PositiveSmallIntegerField(_("days to answer"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, district__isnull=True, settlement__isnull=True)
                | Q(region__isnull=True, district__isnull=False, settlement__isnull=True)
                | Q(region__isnull=True, district__isnull=True, settlement__isnull=False),
                name="authority_area_one_place",
            )
        ]

    def __str__(self):
        return f"{self.authority_id}: {self.region_id or self.district_id or self.settlement_id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AnswerLink(BaseModel):
    """The e-mailed link an authority answers through without an account: a random token kept only as
    its hash, for one issue and one authority, until it expires, is revoked or is used to answer."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="answer_links")
    authority = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Moderator(models.Model):
    """A person platform staff appointed to moderate local issues, everywhere or in one region."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="issue_moderation")
    region = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "region", name="moderator_once_per_region"),
            models.UniqueConstraint(
                "person", condition=Q(region__isnull=True), name="moderator_once_everywhere"
            ),
        ]

    def __str__(self):
        return f"moderator {self.person_id}"


class AbuseReport(models.Model):
    """Somebody reported an issue or a comment as abusive; moderators handle the queue."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="abuse_reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.reason


class ResolutionCheck(models.Model):
    """Four weeks after "resolved", the reporter and backers say whether it is fixed: one answer each."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="resolution_checks")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    fixed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("issue", "person", name="resolution_check_once")]

    def __str__(self):
        return f"{self.issue_id}: {'fixed' if self.fixed else 'not fixed'}"


class Follow(models.Model):
    """Who hears of an issue's changes by e-mail: the reporter and backers by default, until they stop."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="follows")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="local_issue_follows")

    class Meta:
        constraints = [models.UniqueConstraint("issue", "person", name="follow_once")]

    def __str__(self):
        return f"{self.person_id} follows {self.issue_id}"


class Open311Client(BaseModel):
    """A third-party application allowed to create requests through Open311 (its API key is kept only
    as a hash); issued and revoked by an organiser. A request it creates is raised by the resident its
    e-mail names, and waits for moderation like any new reporter's."""

    name = models.CharField(_("name"), max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)


class FiguresRevision(models.Model):
    """One row whose number moves after every committed change to an issue or its timeline (see
    signals.py): part of the cache key of the accountability figures, read from the database so that
    every app server sees a change at once."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("accountability figures revision")

    def __str__(self):
        return str(self.number)
