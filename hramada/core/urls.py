from django.urls import path

from .views import manage, public

app_name = "core"
urlpatterns = [
    path("", public.home, name="home"),
    path("privacy/", public.privacy, name="privacy"),
    path("manage/", manage.dashboard, name="manage"),
]
