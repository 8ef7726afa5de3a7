"""A participant's community work: the needs assessment (with a residents' survey), the action plan
and, later, the alumni directory."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName, private_storage


def new_survey_token() -> str:
    return secrets.token_urlsafe(16)


class NeedsAssessment(BaseModel):
    """A participant's assessment of their community's needs, with an optional residents' survey
    answered on a public link (no login)."""

    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.CASCADE, related_name="assessments"
    )
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    how_residents_were_asked = models.TextField(_("how residents were asked"), blank=True)
    survey_form = models.ForeignKey(
        "questions.Form", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    survey_token = models.CharField(max_length=32, unique=True, default=new_survey_token, editable=False)
    survey_open = models.BooleanField(_("the residents' survey is open"), default=False)
    is_public = models.BooleanField(_("show on the community's page"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return self.title


class Need(BaseModel):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(pgettext_lazy("a community's need", "need"), max_length=200)
    who_is_affected = models.TextField(_("who is affected"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    # A local issue this need is linked to, named by the local_issues app's key (it sits above nothing
    # here; programmes must not import it).
    local_issue_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = pgettext_lazy("a community's need", "need")
        verbose_name_plural = _("needs")

    def __str__(self):
        return self.title


class NeedRanking(models.Model):
    """One resident's ranking of one need on the public survey link (1 = most important). Anonymous:
    the survey response it came with, if any, and nothing else."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="rankings")
    response = models.ForeignKey(
        "questions.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ballot = models.CharField(max_length=32)
    rank = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("ballot", "need", name="need_ranked_once_per_ballot"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self):
        return f"{self.need}: {self.rank}"


class ActionPlan(BaseModel):
    """What a participant and their community will do about the needs: goals, activities, people
    involved, resources and where they may come from. Private to the participant, their mentor and
    the organisers, except where the participant opts in."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("an action plan's status", "draft")
        SUBMITTED = "submitted", pgettext_lazy("an action plan's status", "submitted")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", pgettext_lazy("an action plan's status", "done")

    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.CASCADE, related_name="action_plans"
    )
    assessment = models.ForeignKey(
        NeedsAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"))
    residents_involved = models.PositiveIntegerField(_("residents mobilised"), default=0)
    volunteers_involved = models.PositiveIntegerField(_("volunteers"), default=0)
    people_note = models.TextField(_("who is involved"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_public = models.BooleanField(_("show the plan publicly"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return self.title


class PlanActivity(BaseModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done = models.BooleanField(pgettext_lazy("an activity is", "done"), default=False)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title


class PlanResource(BaseModel):  # a public id: the participant removes one by its address
    class Kind(models.TextChoices):
        MONEY = "money", _("money")
        VENUE = "venue", _("venue")
        SKILLS = "skills", _("skills")
        EQUIPMENT = "equipment", _("equipment")
        OTHER = "other", pgettext_lazy("a kind of resource", "other")

    class Source(models.TextChoices):
        PARTNERS = "partners", _("partners")
        AUTHORITY = "authority", _("the local authority")
        CONTEST = "contest", _("a Hramada contest")
        SPONSOR = "sponsor", _("a sponsor")
        RESIDENTS = "residents", _("residents")
        OTHER = "other", pgettext_lazy("a source of resources", "other")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("what is needed"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="BYN")
    source = models.CharField(_("where it may come from"), max_length=10, choices=Source.choices)
    source_note = models.CharField(_("details"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.description


class PlanUpdate(BaseModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("what happened"))
    photo = models.ImageField(_("photo"), upload_to=RandomName("plans"), storage=private_storage, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")


class MentorComment(BaseModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="mentor_comments")
    author = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("mentor's comment")
        verbose_name_plural = _("mentors' comments")


class AlumniProfile(BaseModel):
    """A former participant's entry in the alumni directory: shown only if they opt in."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="alumni_profile")
    listed = models.BooleanField(_("list me in the alumni directory"), default=False)
    works_at = models.CharField(_("where I work"), max_length=200, blank=True)
    works_on = models.TextField(_("what I work on"), blank=True)

    class Meta:
        verbose_name = _("alumni profile")
        verbose_name_plural = _("alumni profiles")
