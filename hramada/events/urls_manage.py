from django.urls import path  # noqa: F401 - organiser routes are added here

urlpatterns: list = []
