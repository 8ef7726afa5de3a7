from django.urls import path

from .views import public

E = "contests/<slug:contest>/<str:edition>/vote/"

app_name = "voting"
urlpatterns = [
    path("projects/<str:public_id>/vote/", public.cast, name="cast"),
    path("projects/<str:public_id>/withdraw/", public.withdraw, name="withdraw"),
    path(E + "results/", public.results, name="results"),
    path(E + "ballot.csv", public.ballot, name="ballot"),
]
