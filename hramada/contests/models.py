import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel

from .storage import private_storage


def _upload_to(folder: str):
    return UploadTo(folder)


@deconstructible
class UploadTo:
    """A random file name: uploaded names can carry personal details, and must not be guessable."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.{ext[:5]}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.folder == self.folder


class Contest(BaseModel):
    """A recurring contest run by an organisation (Social Weekend); each year is an ``Edition``."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="contests"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self):
        return self.title


class Edition(BaseModel):
    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="editions"
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example “6th Social Weekend, 2015”.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    co_organisers = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("co-organisers"), blank=True, related_name="co_organised_editions"
    )
    sponsors = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("sponsors"), blank=True, related_name="sponsored_editions"
    )
    submission_form = models.ForeignKey(
        "questions.Form",
        verbose_name=_("submission form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The questions teams answer when they submit a project."),
    )
    # Empty while the edition is a draft: only its organisers see it, and teams cannot start projects in
    # it. Set once by ``services.publish_edition`` (after its checks), emptied only while no project exists.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["contest", "-year", "id"]
        verbose_name = _("contest edition")
        verbose_name_plural = _("contest editions")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Category(BaseModel):
    """A nomination of an edition (“We build the world around us”); votes are limited per category."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.title


class Stage(BaseModel):
    """An explicit, dated phase of an edition; the current stage follows the dates (or an early close)."""

    class Kind(models.TextChoices):
        CALL = "call", _("call for projects")
        SCREENING = "screening", pgettext_lazy("contest stage", "screening")
        PUBLIC_VOTE = "public_vote", _("public vote")
        EXPERT_REVIEW = "expert_review", _("expert review")
        FINAL = "final", _("final (jury)")
        RESULTS = "results", _("results")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    closed_early_at = models.DateTimeField(_("closed early"), null=True, blank=True)
    # When the teams were told that this stage opened (public vote: "share your project's page").
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="stage_ends_after_start"),
            models.CheckConstraint(
                condition=Q(closed_early_at__isnull=True) | Q(closed_early_at__gte=F("starts_at")),
                name="stage_closed_after_start",
            ),
            models.UniqueConstraint("edition", "kind", name="one_stage_of_each_kind_per_edition"),
        ]

    def __str__(self):
        return f"{self.edition}: {self.get_kind_display()}"

    @property
    def closes_at(self):
        """When the stage really ends: its planned end, or the moment organisers closed it early."""
        if self.closed_early_at is not None and self.closed_early_at < self.ends_at:
            return self.closed_early_at
        return self.ends_at

    def is_open(self, now) -> bool:
        return self.starts_at <= now < self.closes_at


class Project(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ELIGIBLE = "eligible", _("eligible")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="projects")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_projects",
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_projects",
    )
    # The applicant organisation, if any: experts are never assigned to their own organisation's projects.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("applicant organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_projects",
    )
    response = models.OneToOneField(
        "questions.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="contest_project"
    )
    # Private files: served only by views.files after a permission check, never from /media/.
    cover = models.ImageField(
        _("cover image"), upload_to=_upload_to("projects/covers"), storage=private_storage, blank=True
    )
    screening_reason = models.TextField(_("screening reason"), blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    # Maintained in the same transaction as each vote and withdrawal (voting.services): results read
    # this column, O(projects), never the vote table.
    vote_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["edition", "category", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(vote_count__gte=0), name="project_vote_count_not_negative")
        ]
        indexes = [models.Index(fields=["edition", "status", "category"])]

    def __str__(self):
        return self.title


class ProjectAttachment(BaseModel):
    """A PDF attached to a project (its type sniffed from the content, never the name)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_upload_to("projects/files"), storage=private_storage)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    class Meta:
        ordering = ["project_id", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class ProjectMember(BaseModel):
    """A member of a project's team: the lead who started it, or a co-author invited by e-mail.

    The invitation token is stored only as a hash; it is accepted only by an account that has verified
    the invited address, and only until ``expires_at`` (the lead can send it again).
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        MEMBER = "member", _("co-author")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contest_teams",
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(
        pgettext_lazy("joined a project's team", "joined"), null=True, blank=True
    )
    # When the invitation's link stops working (empty for the lead, who was never invited).
    expires_at = models.DateTimeField(_("invitation valid until"), null=True, blank=True)
    shown_publicly = models.BooleanField(_("show my name on the public project page"), default=False)

    class Meta:
        ordering = ["project_id", "role", "created_at", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint("project", "email", name="project_member_email_unique"),
            models.UniqueConstraint(
                "project", "user", condition=Q(user__isnull=False), name="project_member_user_unique"
            ),
            models.UniqueConstraint("project", condition=Q(role="lead"), name="one_lead_per_project"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(user__isnull=False),
                name="project_member_accepted_has_user",
            ),
        ]
        indexes = [models.Index(fields=["token_hash"])]

    def __str__(self):
        return f"{self.email} → {self.project}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None

    def is_expired(self, now=None) -> bool:
        """A pending invitation whose link no longer works."""
        return (
            self.accepted_at is None
            and self.expires_at is not None
            and (now or timezone.now()) >= self.expires_at
        )

    @property
    def expired(self) -> bool:
        return self.is_expired()
