from django.urls import path

from .views import manage, public

app_name = "reviews"

ORG = "manage/organisations/<slug:slug>/reviews/"
R = "manage/reviews/<pid:round_id>/"

urlpatterns = [
    # Reviewers (experts, jurors): outside /manage/, so no two-factor set-up is needed.
    path("reviews/", public.my_reviews, name="my_reviews"),
    path("reviews/<pid:assignment_id>/", public.review, name="review"),
    path("reviews/<pid:assignment_id>/conflict/", public.declare_conflict, name="declare_conflict"),
    # Organisers.
    path(ORG, manage.org_rounds, name="org_rounds"),
    path(ORG + "rubrics/new/", manage.rubric_new, name="rubric_new"),
    path(ORG + "rounds/new/", manage.round_new, name="round_new"),
    path(R, manage.round_overview, name="round"),
    path(R + "reviewers/", manage.reviewers, name="reviewers"),
    path(R + "reviewers/<pid:reviewer_id>/remove/", manage.reviewer_remove, name="reviewer_remove"),
    path(R + "conflicts/new/", manage.conflict_add, name="conflict_add"),
    path(R + "conflicts/<pid:conflict_id>/remove/", manage.conflict_remove, name="conflict_remove"),
    path(R + "assignments/", manage.assignments, name="assignments"),
    path(R + "assignments/new/", manage.assignment_add, name="assignment_add"),
    path(R + "assignments/<pid:assignment_id>/remove/", manage.assignment_remove, name="assignment_remove"),
    path(R + "assign/", manage.auto_assign, name="auto_assign"),
    path(R + "progress/", manage.progress, name="progress"),
    path(R + "results/", manage.results, name="results"),
    path(R + "results.csv", manage.results_csv, name="results_csv"),
]
