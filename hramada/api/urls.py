from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("me/api-tokens/", views.my_tokens, name="tokens"),
    path("me/api-tokens/<pid:public_id>/revoke/", views.revoke_my_token, name="revoke"),
    path("manage/organisations/<slug:slug>/api-tokens/", views.org_tokens, name="org_tokens"),
    path(
        "manage/organisations/<slug:slug>/api-tokens/<pid:public_id>/revoke/",
        views.revoke_org_token,
        name="org_revoke",
    ),
]
