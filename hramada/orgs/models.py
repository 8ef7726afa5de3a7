from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        EDUCATION = "education", _("education institution")
        SPONSOR = "sponsor", _("sponsor")
        AUTHORITY = "authority", _("local authority")
        MINISTRY = "ministry", _("ministry")
        DONOR = "donor", _("donor")
        MEDIA = "media", _("media")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    country = models.ForeignKey(
        "places.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="organisations"
    )
    settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("based in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    logo = models.ImageField(_("logo"), upload_to=RandomName("logos"), blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    MANAGER = "manager", _("manager")
    EXPERT = "expert", _("expert")
    MEMBER = "member", _("member")


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "role", "person__display_name"]
        constraints = [models.UniqueConstraint("organisation", "person", name="membership_once")]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}) @ {self.organisation}"


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(BaseModel):
    """An e-mailed invitation to join an organisation; the token is stored only as a hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                "email",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
