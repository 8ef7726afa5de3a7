from django.urls import path

from .views import public

E = "events/<slug:slug>/"

urlpatterns = [
    path("events/", public.event_list, name="list"),
    path("events/feed/<pid:person_id>/<token:token>.ics", public.person_feed, name="person_feed"),
    path(E, public.event_detail, name="detail"),
    path(E + "register/", public.register, name="register"),
    path(E + "cancel/", public.cancel, name="cancel"),
    path(E + "accept/", public.accept_offer, name="accept_offer"),
    path(E + "my/", public.my_programme, name="my_programme"),
    path(E + "calendar.ics", public.event_calendar, name="calendar"),
    path(E + "ticket/<token:code>/", public.ticket, name="ticket"),
    path(E + "sessions/<pid:session_id>/signup/", public.session_signup, name="session_signup"),
    path(E + "sessions/<pid:session_id>/leave/", public.session_leave, name="session_leave"),
    path(E + "library/", public.library, name="human_library"),
    path(E + "library/print/", public.library_print, name="human_library_print"),
    path(E + "library/slots/<pid:slot_id>/book/", public.book_slot, name="book_slot"),
    path(E + "library/bookings/<pid:booking_id>/cancel/", public.cancel_booking, name="cancel_booking"),
    path(E + "feedback/", public.feedback, name="feedback_survey"),
]
