"""Authorities answer in public: the answer page of an e-mailed link, the authority's own pages, the
moderators' forwarding, links, escalation and areas, and the residents' "is it fixed?"."""

from django.urls import path

from .views import authority

M = "manage/issues/"

urlpatterns = [
    path("issues/answer/<token:token>/", authority.answer_by_link, name="answer"),
    path("issues/<pid:public_id>/fixed/", authority.fixed, name="fixed"),
    path(M + "authority/<slug:slug>/", authority.authority_issues, name="authority_issues"),
    path(M + "authority/<slug:slug>/<pid:public_id>/", authority.authority_answer, name="authority_answer"),
    path(M + "<pid:public_id>/forward/", authority.forward, name="forward"),
    path(M + "<pid:public_id>/escalate/", authority.escalate, name="escalate"),
    path(M + "<pid:public_id>/links/new/", authority.send_link, name="send_link"),
    path(M + "links/<pid:link>/revoke/", authority.revoke_link, name="revoke_link"),
    path(M + "areas/", authority.areas, name="areas"),
    path(M + "areas/<slug:slug>/", authority.authority_areas, name="authority_areas"),
    path(M + "areas/<slug:slug>/<int:area>/remove/", authority.area_remove, name="area_remove"),
]
