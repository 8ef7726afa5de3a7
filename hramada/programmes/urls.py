"""The programme pages, one URL module per subject so each stays short:
calls and applications, selection and decisions, the cohort (sessions, attendance, certificates) and
the participant's community work (needs, residents' survey, action plans, alumni)."""

from django.urls import include, path

from .views import public

app_name = "programmes"
urlpatterns = [
    path("programmes/", public.programme_list, name="list"),
    # First: its addresses end in fixed words ("programmes/<slug>/alumni/", "programmes/needs/<id>/")
    # that a broader "programmes/<slug>/<slug>/" pattern of another module must not catch.
    path("", include("hramada.programmes.urls_work")),
    path("", include("hramada.programmes.urls_calls")),
    path("", include("hramada.programmes.urls_selection")),
    path("", include("hramada.programmes.urls_cohort")),
]
