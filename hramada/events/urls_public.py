from django.urls import path

from .views import public

urlpatterns = [
    path("events/", public.event_list, name="list"),
    path("events/<slug:slug>/", public.event_detail, name="detail"),
    path("events/<slug:slug>/ticket/<str:code>/", public.ticket, name="ticket"),
]
