from django.urls import path

from .views import public

app_name = "people"
urlpatterns = [
    path("me/", public.profile, name="profile"),
    path("me/data.json", public.download_data, name="download_data"),
    path("me/delete/", public.delete_account, name="delete_account"),
]
