from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName, private_storage


class Form(BaseModel):
    """An organiser-built form: contest submissions, event registrations, programme applications, surveys."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="forms"
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["title"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        CHOICE = "choice", _("one choice")
        MULTI_CHOICE = "multi_choice", _("several choices")
        NUMBER = "number", _("number")
        BUDGET = "budget", _("budget (amount of money)")
        FILE = "file", _("file")
        CONSENT = "consent", _("consent (tick box)")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For choice questions: one option per line.")
    )
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    file_types = models.CharField(
        _("allowed file types"),
        max_length=100,
        blank=True,
        default="pdf,jpg,png",
        help_text=_("Comma-separated: pdf, jpg, png, webp."),
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="question_min_le_max",
            )
        ]

    def __str__(self):
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Response(BaseModel):
    """One person's answers to one form (a registration, a submission, a survey reply)."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey(
        "people.Person", null=True, on_delete=models.SET_NULL, related_name="form_responses"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.form} — {self.person}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    # Private (CVs, letters, certificates): sent only by ``views.files`` after
    # ``questions.view_answer_files``; the uploaded name is kept in ``value["name"]``, not on disk.
    file = models.FileField(upload_to=RandomName("answers"), storage=private_storage, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("response", "question", name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question}: {self.value}"

    @property
    def file_url(self) -> str:
        """The address of the file's download view (the file itself has no public URL)."""
        return reverse("questions:answer_file", args=[self.response.public_id, self.question_id])
