"""The participant's community work: their pages under "My programmes" (``me/programmes/...``), the
needs and plan pages (private, or public where the participant opted in), the residents' survey's
public link (``s/<token>/``), the alumni directory and the organisers' overview of a cohort's work."""

from django.urls import path

from .views import work

M = "me/programmes/<pid:public_id>/"
N = "programmes/needs/<pid:public_id>/"
P = "programmes/plans/<pid:public_id>/"

urlpatterns = [
    path(M + "work/", work.work, name="work"),
    path(M + "needs/new/", work.assessment_new, name="needs_new"),
    path(M + "plans/new/", work.plan_new, name="plan_new"),
    path(N, work.assessment, name="needs"),
    path(N + "edit/", work.assessment_edit, name="needs_edit"),
    path(N + "needs/new/", work.need_edit, name="need_new"),
    path(N + "needs/<pid:need_id>/", work.need_edit, name="need_edit"),
    path(N + "needs/<pid:need_id>/delete/", work.need_delete, name="need_delete"),
    path(N + "survey/", work.survey_builder, name="survey_builder"),
    path(N + "survey/state/", work.survey_state, name="survey_state"),
    path(N + "survey/questions/<int:question_id>/", work.survey_question, name="survey_question"),
    path("s/<token:token>/", work.survey, name="survey"),
    path(P, work.plan, name="plan"),
    path(P + "edit/", work.plan_edit, name="plan_edit"),
    path(P + "submit/", work.plan_submit, name="plan_submit"),
    path(P + "status/", work.plan_status, name="plan_status"),
    path(P + "activities/new/", work.activity_edit, name="activity_new"),
    path(P + "activities/<pid:activity_id>/", work.activity_edit, name="activity_edit"),
    path(P + "activities/<pid:activity_id>/delete/", work.activity_delete, name="activity_delete"),
    path(P + "activities/<pid:activity_id>/event/", work.activity_event, name="activity_event"),
    path(P + "resources/new/", work.resource_new, name="resource_new"),
    path(P + "resources/<pid:resource_id>/delete/", work.resource_delete, name="resource_delete"),
    path(P + "updates/new/", work.update_new, name="update_new"),
    path(P + "updates/<pid:update_id>/photo/", work.update_photo, name="update_photo"),
    path(P + "updates/<pid:update_id>/delete/", work.update_delete, name="update_delete"),
    path(P + "comments/new/", work.comment_new, name="comment_new"),
    path("programmes/<slug:slug>/alumni/", work.alumni, name="alumni"),
    path("me/alumni/", work.alumni_profile, name="alumni_profile"),
    path("manage/programmes/<slug:programme>/<slug:cohort>/work/", work.cohort_work, name="cohort_work"),
]
