from django.urls import path

from .views import public

app_name = "search"

urlpatterns = [path("search/", public.search_page, name="search")]
