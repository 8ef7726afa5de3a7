from django.db import models
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel
from hramada.core.storage import RandomName


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name


class Region(models.Model):
    """First-level subdivision, ISO 3166-2 (a Belarusian oblast or Minsk city, an Armenian marz...)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions")
    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=40, blank=True)

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class District(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [models.UniqueConstraint("region", "name", name="district_unique_in_region")]

    def __str__(self):
        return self.name


class Settlement(BaseModel):
    class Kind(models.TextChoices):
        CITY = "city", _("city")
        TOWN = "town", _("town")
        URBAN_SETTLEMENT = "urban", _("urban-type settlement")
        AGRO_TOWN = "agro", _("agro-town")
        VILLAGE = "village", _("village")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="settlements")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="settlements"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.UniqueConstraint(
                "district",
                "name",
                condition=models.Q(district__isnull=False),
                name="settlement_unique_in_district",
            ),
            models.UniqueConstraint(
                "region",
                "name",
                condition=models.Q(district__isnull=True),
                name="settlement_unique_in_region",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="settlement_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="settlement_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        parts = [self.name]
        if self.district_id:
            parts.append(self.district.name)
        parts.append(self.region.name)
        return ", ".join(parts)


class Community(BaseModel):
    """A local community: a village, a town, or a neighbourhood of a city, with its public profile."""

    settlement = models.ForeignKey(
        Settlement, verbose_name=_("settlement"), on_delete=models.PROTECT, related_name="communities"
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(_("story and brand"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name


class CommunityPhoto(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=RandomName("communities"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # What the photo shows, for people who cannot see it; required on upload (in at least one language).
    alt = models.CharField(_("description for screen readers"), max_length=250, blank=True)
    # Drawn or generated pictures (the demo's) are labelled as illustrations, not photos of the place.
    is_illustration = models.BooleanField(_("an illustration, not a photo"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.caption or self.image.name


class CommunityLeader(models.Model):
    """A person shown as a leader of a community; shown only while they agree to be shown."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="leaders")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="community_roles")
    role = models.CharField(_("role"), max_length=120, blank=True)
    shown_publicly = models.BooleanField(_("agreed to be shown on the public page"), default=False)
    consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "id"]
        constraints = [
            models.UniqueConstraint("community", "person", name="leader_once_per_community"),
            models.CheckConstraint(
                condition=models.Q(shown_publicly=False) | models.Q(consented_at__isnull=False),
                name="leader_shown_needs_consent",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.community}"
