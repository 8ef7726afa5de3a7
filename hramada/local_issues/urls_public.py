"""Residents and moderators: the list, an issue's page, raising, backing, comments, moderation."""

from django.urls import path

from .views import public

urlpatterns = [
    path("issues/", public.issue_list, name="list"),
    path("issues/<str:public_id>/", public.issue_detail, name="detail"),
    path("me/issues/", public.my_issues, name="mine"),
]
