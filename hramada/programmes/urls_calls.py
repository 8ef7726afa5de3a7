"""Programmes, cohorts, calls and applications: organiser pages under /manage/, the public programme
and cohort pages, applying and "My applications"."""

from django.urls import path, re_path

from .views import calls, public

P = "manage/programmes/<slug:programme>/"
C = "manage/programmes/<slug:programme>/<slug:cohort>/"
# The public cohort page must not swallow the needs/plans pages nor a programme's alumni directory.
COHORT_PAGE = (
    r"^programmes/(?P<slug>(?!needs/|plans/|decision/)[-a-zA-Z0-9_]+)/(?P<cohort>(?!alumni/)[-a-zA-Z0-9_]+)/"
)

urlpatterns = [
    path("manage/organisations/<slug:slug>/programmes/new/", calls.programme_new, name="programme_new"),
    path("manage/programmes/<slug:slug>/", calls.programme_manage, name="programme_manage"),
    path("manage/programmes/<slug:slug>/edit/", calls.programme_edit, name="programme_edit"),
    path("manage/programmes/<slug:slug>/publish/", calls.programme_publish, name="programme_publish"),
    path("manage/programmes/<slug:slug>/partners/", calls.partner_add, name="partner_add"),
    path(
        "manage/programmes/<slug:slug>/partners/<pid:public_id>/remove/",
        calls.partner_remove,
        name="partner_remove",
    ),
    path("manage/programmes/<slug:slug>/donors/", calls.donors_set, name="donors_set"),
    path("manage/programmes/<slug:slug>/cohorts/new/", calls.cohort_new, name="cohort_new"),
    path(C + "call/", calls.call_manage, name="call_manage"),
    path(C + "call/edit/", calls.cohort_edit, name="cohort_edit"),
    path(C + "call/publish/", calls.cohort_publish, name="cohort_publish"),
    path(C + "call/rules/", calls.rule_add, name="rule_add"),
    path(C + "call/rules/<int:rule_id>/remove/", calls.rule_remove, name="rule_remove"),
    path(C + "call/review/", calls.review_start, name="review_start"),
    path(C + "applications/", calls.applications, name="applications"),
    path(C + "applications.csv", calls.applications_csv, name="applications_csv"),
    path("applications/<pid:public_id>/", calls.application, name="application"),
    path("applications/<pid:public_id>/autosave/", calls.application_autosave, name="application_autosave"),
    path("applications/<pid:public_id>/withdraw/", calls.application_withdraw, name="application_withdraw"),
    path("me/applications/", calls.my_applications, name="my_applications"),
    path("programmes/<slug:slug>/", public.programme, name="programme"),
    re_path(COHORT_PAGE + "$", public.cohort, name="cohort"),
    re_path(COHORT_PAGE + "apply/$", calls.apply, name="apply"),
]
