from modeltranslation.translator import TranslationOptions, register

from .models import Book, Event, EventSeries, Session, Track


@register(EventSeries)
class EventSeriesTR(TranslationOptions):
    fields = ("title",)


@register(Event)
class EventTR(TranslationOptions):
    fields = ("title", "summary", "description", "venue")


@register(Track)
class TrackTR(TranslationOptions):
    fields = ("name",)


@register(Session)
class SessionTR(TranslationOptions):
    fields = ("title", "description")


@register(Book)
class BookTR(TranslationOptions):
    fields = ("title", "description")
