"""Keep the public event page's cache honest: any change to what the page shows moves the event's
``updated_at``, which is part of the page's cache key (see views.public.event_detail)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Book, Event, ReadingSlot, Session, Speaker, Track


def _touch(event_id):
    if event_id:
        Event.objects.filter(pk=event_id).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Track)
@receiver([post_save, post_delete], sender=Session)
@receiver([post_save, post_delete], sender=Book)
def _event_part_changed(sender, instance, **kwargs):
    _touch(instance.event_id)


@receiver([post_save, post_delete], sender=Speaker)
def _speaker_changed(sender, instance, **kwargs):
    _touch(Session.objects.filter(pk=instance.session_id).values_list("event_id", flat=True).first())


@receiver([post_save, post_delete], sender=ReadingSlot)
def _slot_changed(sender, instance, **kwargs):
    _touch(Book.objects.filter(pk=instance.book_id).values_list("event_id", flat=True).first())


@receiver(m2m_changed, sender=Event.co_organisers.through)
def _co_organisers_changed(sender, instance, **kwargs):
    if isinstance(instance, Event):
        _touch(instance.pk)
