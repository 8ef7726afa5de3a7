from django.urls import path

from .views import public

app_name = "initiatives"
urlpatterns = [
    path("initiatives/", public.initiative_list, name="list"),
]
