"""Local initiatives: what a community does ("Sport Region"), with its organisers, partners,
funding (a contest award or an action plan it grew from), budget, activities (events), public story,
and volunteers in shifts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName, private_storage


class Initiative(BaseModel):
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="initiatives"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    partners = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("partners"), blank=True, related_name="partner_initiatives"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    story = models.TextField(_("story"), blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    funding_note = models.CharField(_("funding"), max_length=300, blank=True)
    # Where it came from: a contest award (the winner became this initiative) or a participant's
    # action plan. Both links are kept both ways (award.initiative, plan.initiative).
    award = models.OneToOneField(
        "awards.Award", null=True, blank=True, on_delete=models.SET_NULL, related_name="initiative"
    )
    action_plan = models.OneToOneField(
        "programmes.ActionPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="initiative"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_on", "title", "id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="initiative_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class InitiativeOrganiser(models.Model):
    """A person who runs the initiative (they manage its pages, volunteers and budget)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="organisers")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="initiative_roles")
    role = models.CharField(_("role"), max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint("initiative", "person", name="initiative_organiser_once")]

    def __str__(self):
        return f"{self.person} — {self.initiative}"


class InitiativeActivity(models.Model):
    """An activity of the initiative: an event of the ``events`` app (master class, screening,
    contest, marathon). Attendance is the events app's."""

    class Kind(models.TextChoices):
        MASTER_CLASS = "master_class", _("master class")
        SCREENING = "screening", _("film screening")
        CONTEST = "contest", _("contest or competition")
        MEETING = "meeting", _("meeting")
        MARATHON = "marathon", _("marathon")
        OTHER = "other", _("other activity")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of activity"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint("initiative", "event", name="initiative_activity_once")]

    def __str__(self):
        return f"{self.initiative}: {self.event}"


class BudgetLine(BaseModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="budget_lines")
    title = models.CharField(_("budget line"), max_length=200)
    planned = models.DecimalField(_("planned"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="BYN")

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(planned__gte=0), name="budget_line_planned_not_negative")
        ]

    def __str__(self):
        return self.title


class Expense(BaseModel):
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="expenses")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    spent_on = models.DateField(_("date"))
    note = models.CharField(_("what was bought"), max_length=300)
    receipt = models.FileField(
        _("receipt"), upload_to=RandomName("receipts"), storage=private_storage, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]


class StoryUpdate(BaseModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("what happened"))
    photo = models.ImageField(_("photo"), upload_to=RandomName("initiatives"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")


class VolunteerRole(BaseModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="volunteer_roles")
    title = models.CharField(pgettext_lazy("a volunteer's role", "role"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("volunteer role")
        verbose_name_plural = _("volunteer roles")

    def __str__(self):
        return self.title


class Shift(BaseModel):
    """A volunteer shift with a capacity. ``signed_up_count`` is kept by the services under a row
    lock; the constraint is the guard that it never passes the capacity."""

    role = models.ForeignKey(VolunteerRole, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("volunteers needed"))
    signed_up_count = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(signed_up_count__lte=F("capacity")), name="shift_not_overbooked"
            ),
        ]


class ShiftSignup(BaseModel):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="shift_signups")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    hours_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        constraints = [
            models.UniqueConstraint(
                "shift",
                "person",
                condition=Q(cancelled_at__isnull=True),
                name="shift_signup_once_while_active",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="shift_hours_not_negative"
            ),
        ]
