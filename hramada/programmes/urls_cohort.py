"""The cohort's pages: the organisers' cohort page (under /manage/), the certificate verification page
and "My programmes" (under the language prefix). ``root_urlpatterns`` are the short, unprefixed
addresses printed on certificates and named in credentials (``/c/<code>``, the JSON documents), which
``hramada/urls.py`` mounts at the root."""

from django.urls import path

from .views import cohort

C = "manage/programmes/<slug:programme>/<slug:cohort>/"

urlpatterns = [
    path(C, cohort.cohort_manage, name="cohort_manage"),
    path(C + "participants/new/", cohort.participant_new, name="cohort_participant_new"),
    path(C + "participants/<pid:public_id>/left/", cohort.participant_left, name="cohort_participant_left"),
    path(
        C + "participants/<pid:public_id>/mentor/",
        cohort.participant_mentor,
        name="cohort_participant_mentor",
    ),
    path(C + "mentors/", cohort.mentor_new, name="cohort_mentor_new"),
    path(C + "sessions/new/", cohort.session_new, name="cohort_session_new"),
    path(C + "sessions/<pid:public_id>/remove/", cohort.session_remove, name="cohort_session_remove"),
    path(C + "sessions/<pid:public_id>/order/", cohort.session_order, name="cohort_session_order"),
    path(C + "sessions/<pid:public_id>/register/", cohort.session_register, name="cohort_session_register"),
    path(C + "completion/", cohort.completion_mark, name="cohort_completion"),
    path(C + "attendance.csv", cohort.deliveries_csv, name="cohort_deliveries_csv"),
    path(C + "certificates/", cohort.certificates_issue, name="cohort_certificates_issue"),
    path("manage/certificates/<token:code>/revoke/", cohort.certificate_revoke, name="certificate_revoke"),
    path("certificates/<token:code>/", cohort.certificate, name="certificate"),
    path("certificates/<token:code>/certificate.pdf", cohort.certificate_download, name="certificate_pdf"),
    path("me/programmes/", cohort.my_programmes, name="my_programmes"),
]

root_urlpatterns = [
    path("c/<token:code>", cohort.certificate_short, name="certificate_short"),
    path("c/<token:code>.json", cohort.credential_json, name="credential_json"),
    path("credentials/issuers/<pid:public_id>", cohort.issuer_json, name="issuer"),
    path("credentials/achievements/<pid:public_id>", cohort.achievement_json, name="achievement"),
]
