from django.urls import path

from .views import public

app_name = "local_issues"

urlpatterns = [
    path("issues/", public.issue_list, name="list"),
]
