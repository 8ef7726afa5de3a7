from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hramada.core.models import BaseModel


class EventSeries(BaseModel):
    """A recurring event (the yearly March Meetings forum); each year is an ``Event`` edition."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="event_series"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.title


class Event(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Mode(models.TextChoices):
        OPEN = "open", _("open: first come, first served")
        APPROVAL = "approval", _("with approval: organisers select participants")
        INVITATION = "invitation", _("by invitation only")

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="events"
    )
    co_organisers = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("co-organisers"), blank=True, related_name="co_organised_events"
    )
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="editions",
    )
    edition = models.CharField(
        _("edition"), max_length=60, blank=True, help_text=_("For example “2017” or “5th”.")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    settlement = models.ForeignKey(
        "places.Settlement",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    online_url = models.URLField(_("online link"), blank=True)
    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=Mode.choices, default=Mode.OPEN
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    # Maintained in the same transaction as each registration change (see services.register).
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed place"),
        default=48,
        help_text=_("When a place frees up, the next person on the waiting list has this long to confirm."),
    )
    registration_form = models.ForeignKey(
        "questions.Form",
        verbose_name=_("registration form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback_form = models.ForeignKey(
        "questions.Form",
        verbose_name=_("feedback survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=F("capacity")),
                name="event_not_overbooked",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.edition}".strip()


class Track(models.Model):
    """A room or a thematic track; the timetable shows one column per track."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "order", "id"]

    def __str__(self):
        return self.name


class Session(BaseModel):
    class Format(models.TextChoices):
        PRESENTATION = "presentation", _("presentation")
        DISCUSSION = "discussion", _("discussion")
        MASTER_CLASS = "master_class", _("master class")
        HUMAN_LIBRARY = "human_library", _("Human Library")
        FUCKUP_NIGHT = "fuckup_night", _("Fuck-Up Night")
        SCREENING = "screening", _("screening")
        COMPETITION = "competition", _("competition")
        MEETING = "meeting", _("meeting")
        RACE = "race", _("race")
        CONFERENCE = "conference", _("conference talk")
        BREAK = "break", _("break")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    needs_signup = models.BooleanField(_("needs its own sign-up"), default=False)
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "track__order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=F("capacity")),
                name="session_not_overbooked",
            ),
        ]

    def __str__(self):
        return self.title


class Speaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="talks")
    shown_publicly = models.BooleanField(_("agreed to be shown"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint("session", "person", name="speaker_once_per_session")]

    def __str__(self):
        return f"{self.person} @ {self.session}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    OFFERED = "offered", _("place offered, to be confirmed")
    CANCELLED = "cancelled", _("cancelled")
    REJECTED = "rejected", _("not selected")


# Statuses that hold (or may hold) a place; a person has at most one such registration per event.
ACTIVE = [
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
]
HOLDS_PLACE = [RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]


class Registration(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    response = models.OneToOneField(
        "questions.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="registration"
    )
    ticket_code = models.CharField(max_length=32, unique=True)
    offered_until = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Staff member who entered this registration (from a phone call or a paper list)."),
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    feedback_response = models.OneToOneField(
        "questions.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_of"
    )

    class Meta:
        ordering = ["created_at", "id"]  # arrival order: the waiting list moves in this order
        constraints = [
            models.UniqueConstraint(
                "event", "person", condition=Q(status__in=ACTIVE), name="one_active_registration_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The reports' participations: an event's attendees read from the index alone (reports.indicators).
            models.Index(
                fields=["event", "person"],
                condition=Q(checked_in_at__isnull=False),
                name="registration_attended",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.event} ({self.status})"


class SessionSignup(BaseModel):
    """A sign-up for a session that needs one (a master class with 15 seats)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="session_signups")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    offered_until = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "session", "person", condition=Q(status__in=ACTIVE), name="one_active_signup_per_session"
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.session} ({self.status})"


class CheckIn(models.Model):
    """A check-in, possibly queued offline on a phone; ``client_id`` makes a re-sent one count once."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="checkins")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="checkins"
    )
    client_id = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()
    by = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "registration", condition=Q(session__isnull=True), name="one_event_checkin"
            ),
            models.UniqueConstraint("registration", "session", name="one_session_checkin"),
        ]

    def __str__(self):
        return f"{self.registration.person} at {self.at:%H:%M}"


class Book(BaseModel):
    """A Human Library "book": a person and the story they tell in conversation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="books")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="books")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("short description"), blank=True)
    shown_name = models.BooleanField(_("show the reader's name on the catalogue"), default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class ReadingSlot(BaseModel):
    """A book at a time, for 1-3 readers."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("readers"), default=1)
    booked_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "book__title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=3), name="slot_one_to_three_readers"
            ),
            models.CheckConstraint(condition=Q(booked_count__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.book} {self.starts_at:%H:%M}"


class SlotBooking(BaseModel):
    slot = models.ForeignKey(ReadingSlot, on_delete=models.CASCADE, related_name="bookings")
    reader = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="slot_bookings")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                "slot",
                "reader",
                condition=Q(cancelled_at__isnull=True),
                name="one_booking_per_slot_and_reader",
            )
        ]

    def __str__(self):
        return f"{self.reader} reads {self.slot}"
