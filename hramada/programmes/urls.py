from django.urls import path

from .views import public

app_name = "programmes"
urlpatterns = [
    path("programmes/", public.programme_list, name="list"),
]
