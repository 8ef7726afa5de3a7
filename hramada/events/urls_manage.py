from django.urls import path

from .views import manage

E = "manage/events/<slug:slug>/"

urlpatterns = [
    path("manage/organisations/<slug:slug>/events/", manage.org_events, name="org_events"),
    path("manage/organisations/<slug:slug>/events/new/", manage.event_new, name="event_new"),
    path(E, manage.event_overview, name="manage"),
    path(E + "edit/", manage.event_edit, name="event_edit"),
    path(E + "programme/", manage.programme, name="programme"),
    path(E + "tracks/<int:track_id>/", manage.track_edit, name="track_edit"),
    path(E + "sessions/new/", manage.session_edit, name="session_new"),
    path(E + "sessions/<pid:public_id>/", manage.session_edit, name="session_edit"),
    path(E + "sessions/<pid:public_id>/delete/", manage.session_delete, name="session_delete"),
    path(E + "sessions/<pid:public_id>/speakers/", manage.speaker_add, name="speaker_add"),
    path(
        E + "sessions/<pid:public_id>/speakers/<int:speaker_id>/remove/",
        manage.speaker_remove,
        name="speaker_remove",
    ),
    path(E + "registrations/", manage.registrations, name="registrations"),
    path(E + "registrations/new/", manage.registration_new, name="registration_new"),
    path(E + "registrations/<pid:public_id>/decide/", manage.registration_decide, name="registration_decide"),
    path(E + "registrations/<pid:public_id>/cancel/", manage.registration_cancel, name="registration_cancel"),
    path(E + "checkin/", manage.checkin, name="checkin"),
    path(E + "checkin/sync/", manage.checkin_sync, name="checkin_sync"),
    path(E + "attendance/", manage.attendance, name="attendance"),
    path(E + "attendance/participants.<str:fmt>", manage.attendance_export, name="attendance_export"),
    path(E + "library/", manage.library, name="library"),
    path(E + "library/<pid:public_id>/", manage.book_edit, name="book_edit"),
    path(E + "library/<pid:public_id>/slots/", manage.slot_add, name="slot_add"),
    path(E + "library/<pid:public_id>/slots/<pid:slot_id>/delete/", manage.slot_delete, name="slot_delete"),
    path(E + "feedback/", manage.feedback, name="feedback"),
]
