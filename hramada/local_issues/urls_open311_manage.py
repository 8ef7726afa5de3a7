"""(open311) The organisers' page of Open311 client keys (views/open311_clients.py); the Open311
endpoints themselves are in urls_open311.py, without a language prefix."""

from django.urls import path

from .views import open311_clients

urlpatterns = [
    path("manage/issues/open311/", open311_clients.client_list, name="open311_clients"),
    path(
        "manage/issues/open311/<pid:public_id>/revoke/",
        open311_clients.client_revoke,
        name="open311_revoke",
    ),
]
