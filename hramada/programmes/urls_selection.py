"""Selection and decisions: the organisers' selection page under /manage/ and the applicant's
decision page (from "My applications")."""

from django.urls import path

from .views import selection

S = "manage/programmes/<slug:programme>/<slug:cohort>/selection/"

urlpatterns = [
    path(S, selection.selection_manage, name="selection"),
    path(S + "propose/", selection.selection_propose, name="selection_propose"),
    path(S + "<pid:public_id>/change/", selection.selection_change, name="selection_change"),
    path(S + "freeze/", selection.selection_freeze, name="selection_freeze"),
    path(S + "decide/", selection.selection_decide, name="selection_decide"),
    path("programmes/decision/<pid:public_id>/", selection.decision, name="decision"),
]
