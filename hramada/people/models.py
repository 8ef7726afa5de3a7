from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hramada.core.models import BaseModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Everything about the human being lives on their ``Person``."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_staff = models.BooleanField(
        _("platform staff"), default=False, help_text=_("Can use the administration site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.email

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.display_name if person else self.email.split("@")[0]


class Gender(models.TextChoices):
    WOMAN = "woman", _("woman")
    MAN = "man", _("man")
    OTHER = "other", _("another gender")


class Disability(models.TextChoices):
    NONE = "none", _("no disability")
    YES = "yes", _("a person with a disability")


class Person(BaseModel):
    """Anyone the organisation works with, with or without a login (staff enter people from paper lists).

    Sensitive fields (gender, birth year, disability) are stored only with consent, and withdrawing
    consent clears them; ``*_consent_at`` says when consent was given.
    """

    class Source(models.TextChoices):
        SELF = "self", _("signed up")
        STAFF = "staff", _("entered by staff")
        IMPORT = "import", _("imported")

    user = models.OneToOneField(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    display_name = models.CharField(pgettext_lazy("a person's name", "name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    # In international form (E.164, "+375291234567"), as people.duplicates.normalise_phone writes it:
    # given by the person on their profile or by an organiser's import; used to recognise the same
    # person, never shown to others.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    home_settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("home settlement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    home_community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    # The language chosen on the profile for e-mails; empty: the language of the site (``site_language``).
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)
    # The language of the site when the person signed up, last logged in or last switched language: what
    # e-mails use unless ``preferred_language`` is set (``email_language``).
    site_language = models.CharField(_("language of the site"), max_length=8, blank=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)

    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    gender_consent_at = models.DateTimeField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_year_consent_at = models.DateTimeField(null=True, blank=True)
    disability = models.CharField(_("disability"), max_length=10, choices=Disability.choices, blank=True)
    disability_consent_at = models.DateTimeField(null=True, blank=True)

    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gender="") | models.Q(gender_consent_at__isnull=False),
                name="person_gender_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year_consent_at__isnull=False),
                name="person_birth_year_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(disability="") | models.Q(disability_consent_at__isnull=False),
                name="person_disability_needs_consent",
            ),
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("Former participant"))
        return self.display_name

    @property
    def email_language(self) -> str:
        """The language e-mails to this person are written in: the one chosen for e-mails on the profile,
        else the language of the site they use, else the site's default."""
        known = {code for code, _name in settings.LANGUAGES}
        for language in (self.preferred_language, self.site_language):
            if language in known:
                return language
        return settings.LANGUAGE_CODE


class ConsentRecord(models.Model):
    """History of consent given and withdrawn, kept for accountability (what, when, which purpose text)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    field = models.CharField(max_length=40)
    given = models.BooleanField()
    purpose = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.field} {'given' if self.given else 'withdrawn'} {self.at:%Y-%m-%d}"


class DuplicateDismissal(models.Model):
    """An organiser said two people who look alike are different humans: the pair is no longer proposed
    as a possible duplicate. Stored once per pair, the lower id first."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pair marked as not a duplicate")
        verbose_name_plural = _("pairs marked as not duplicates")
        constraints = [
            models.UniqueConstraint("person_a", "person_b", name="duplicate_dismissal_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="dismissal_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a_id} ≠ {self.person_b_id}"
