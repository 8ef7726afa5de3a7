"""The Human Library: readers book a conversation with a book (a person telling their story) at a
reading time, and organisers edit the books and their reading times.

A reader never has two overlapping bookings (across all events) and a reading never takes more readers
than its 1 to 3 places (``ReadingSlot.booked_count``, taken by a conditional UPDATE). (Split from
``services``, which re-exports these names.)
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.translated import set_translated

from .capacity import _require_manager, _save_keeping_counters
from .models import Book, Event, ReadingSlot, Registration, RegistrationStatus, SlotBooking

S = RegistrationStatus


# --- Readers' bookings ------------------------------------------------------------------------------------


def book_slot(*, slot: ReadingSlot, reader, actor=None) -> SlotBooking:
    """A reader books a conversation: never two overlapping slots per reader, never over the slot's readers."""
    book = slot.book
    if book.event.status != Event.Status.PUBLISHED:
        raise DomainError(_("This event is not open for bookings."))
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This reading has already started."))
    if book.person_id == reader.pk:
        raise DomainError(_("You cannot read yourself."))
    if not Registration.objects.filter(event_id=book.event_id, person=reader, status=S.CONFIRMED).exists():
        raise DomainError(_("Register for the event first; then you can book a Human Library reading."))
    with transaction.atomic():
        # Lock the reader so two tabs cannot book two overlapping slots at the same moment.
        type(reader).objects.select_for_update(no_key=True).filter(pk=reader.pk).first()
        clash = (
            SlotBooking.objects.filter(
                reader=reader,
                cancelled_at__isnull=True,
                slot__starts_at__lt=slot.ends_at,
                slot__ends_at__gt=slot.starts_at,
            )
            .select_related("slot__book")
            .first()
        )
        if clash is not None:
            if clash.slot_id == slot.pk:
                raise DomainError(_("You have already booked this reading."))
            raise DomainError(
                _("You already have “%(title)s” at that time. Cancel it first to book this one.")
                % {"title": clash.slot.book}
            )
        if not _take_slot(slot.pk):
            raise DomainError(_("This reading is fully booked. Choose another time or another book."))
        booking = SlotBooking.objects.create(slot=slot, reader=reader)
        audit.record(
            actor=actor, action="events.library.booked", target=booking, scope=book.event.organisation
        )
    return booking


def _take_slot(pk) -> bool:
    return (
        ReadingSlot.objects.filter(pk=pk, booked_count__lt=F("capacity")).update(
            booked_count=F("booked_count") + 1
        )
        == 1
    )


@transaction.atomic
def cancel_booking(*, actor, booking: SlotBooking) -> None:
    """The reader (or an organiser) cancels a booking; the place in the reading is free again."""
    booking = SlotBooking.objects.select_for_update().select_related("slot__book__event").get(pk=booking.pk)
    if booking.reader.user_id != getattr(actor, "pk", None):
        _require_manager(actor, booking.slot.book.event)
    if booking.cancelled_at is not None:
        raise DomainError(_("This booking is already cancelled."))
    _release_booking(booking, actor=actor)


def _release_booking(booking: SlotBooking, *, actor) -> None:
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at", "updated_at"])
    ReadingSlot.objects.filter(pk=booking.slot_id, booked_count__gt=0).update(
        booked_count=F("booked_count") - 1
    )
    audit.record(
        actor=actor,
        action="events.library.cancelled",
        target=booking,
        scope=booking.slot.book.event.organisation,
    )


# --- Organiser editing: books and reading times -----------------------------------------------------------


@transaction.atomic
def save_book(
    *, actor, event: Event, book: Book | None = None, person=None, shown_name=None, **texts
) -> Book:
    """Add or change a Human Library book: the person who tells a story and how the catalogue shows it."""
    _require_manager(actor, event)
    creating = book is None
    if not creating and book.event_id != event.pk:
        raise DomainError(_("This book belongs to another event."))
    book = book or Book(event=event)
    if person is not None:
        book.person = person
    if book.person_id is None:
        raise DomainError(_("Choose the person who is the book."), field="person")
    if shown_name is not None:
        book.shown_name = shown_name
    set_translated(book, "title", texts, required_message=_("Give the book a title."))
    set_translated(book, "description", texts)
    book.save()
    audit.record(
        actor=actor,
        action=f"events.library.book_{'created' if creating else 'updated'}",
        target=book,
        scope=event.organisation,
    )
    return book


@transaction.atomic
def save_slot(
    *, actor, book: Book, slot: ReadingSlot | None = None, starts_at, ends_at, capacity: int = 1
) -> ReadingSlot:
    """Add or change a reading time of a book: 1 to 3 readers, never fewer than already booked."""
    event = book.event
    _require_manager(actor, event)
    creating = slot is None
    if not creating:
        slot = ReadingSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.book_id != book.pk:
            raise DomainError(_("This reading belongs to another book."))
    if ends_at <= starts_at:
        raise DomainError(_("The reading must end after it starts."), field="ends_at")
    if not 1 <= capacity <= 3:
        raise DomainError(_("A reading has 1, 2 or 3 readers."), field="capacity")
    if slot is not None and capacity < slot.booked_count:
        raise DomainError(
            _("%(n)s readers have already booked this reading: the number cannot be lower than that.")
            % {"n": slot.booked_count},
            field="capacity",
        )
    slot = slot or ReadingSlot(book=book)
    slot.starts_at, slot.ends_at, slot.capacity = starts_at, ends_at, capacity
    _save_keeping_counters(slot, "booked_count")
    audit.record(
        actor=actor,
        action=f"events.library.slot_{'created' if creating else 'updated'}",
        target=slot,
        scope=event.organisation,
    )
    return slot


@transaction.atomic
def delete_slot(*, actor, slot: ReadingSlot) -> None:
    """Remove a reading time nobody has booked."""
    event = slot.book.event
    _require_manager(actor, event)
    slot = ReadingSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.booked_count:
        raise DomainError(_("Readers have booked this time. Cancel their bookings first."))
    audit.record(
        actor=actor,
        action="events.library.slot_deleted",
        target=slot.book,
        scope=event.organisation,
        data={"starts_at": slot.starts_at.isoformat()},
    )
    slot.delete()
