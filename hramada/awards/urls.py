from django.urls import path

from .views import manage, public

app_name = "awards"

M = "manage/contests/<slug:contest>/<pid:edition>/awards/"
P = "contests/<slug:contest>/<pid:edition>/results/"

urlpatterns = [
    path(P, public.results, name="results"),
    path(P + "results.csv", public.results_csv, name="results_csv"),
    path(P + "results.xlsx", public.results_xlsx, name="results_xlsx"),
    path(M, manage.overview, name="manage"),
    path(M + "expert-review/", manage.start_expert_review, name="start_expert_review"),
    path(M + "jury/", manage.start_jury, name="start_jury"),
    path(M + "rule/", manage.rule, name="rule"),
    path(M + "finalists/", manage.finalists, name="finalists"),
    path(M + "finalists/<pid:category>/confirm/", manage.confirm_finalists, name="confirm_finalists"),
    path(M + "finalists/<pid:category>/undo/", manage.undo_finalists, name="undo_finalists"),
    path(M + "prizes/", manage.awards, name="awards"),
    path(M + "prizes/<pid:award>/winner/", manage.decide_winner, name="decide_winner"),
    path(M + "pledges/<pid:pledge>/<str:decision>/", manage.decide_pledge, name="decide_pledge"),
    path(M + "publish/", manage.publish, name="publish"),
    path("manage/organisations/<slug:slug>/pledges/", manage.sponsor_pledges, name="sponsor_pledges"),
]
