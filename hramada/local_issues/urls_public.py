"""Residents and moderators: the list, an issue's page, raising, backing, comments, moderation."""

from django.urls import path

from .views import moderation, public

ISSUE = "issues/<pid:public_id>/"
M = "manage/issues/"

urlpatterns = [
    path("issues/", public.issue_list, name="list"),
    path("issues/new/", public.issue_new, name="new"),
    path("issues/policy/", public.policy, name="policy"),
    path("issues/priorities/<slug:slug>/", public.priorities, name="priorities"),
    path(ISSUE, public.issue_detail, name="detail"),
    path(ISSUE + "back/", public.issue_back, name="back"),
    path(ISSUE + "unback/", public.issue_unback, name="unback"),
    path(ISSUE + "follow/", public.issue_follow, name="follow"),
    path(ISSUE + "unfollow/", public.issue_unfollow, name="unfollow"),
    path(ISSUE + "comment/", public.issue_comment, name="comment"),
    path(ISSUE + "report/", public.issue_report, name="report"),
    path("me/issues/", public.my_issues, name="mine"),
    path(M, moderation.queue, name="moderation"),
    path(M + "<pid:public_id>/approve/", moderation.approve, name="approve"),
    path(M + "<pid:public_id>/hide/", moderation.hide, name="hide"),
    path(M + "<pid:public_id>/show/", moderation.show, name="show"),
    path(M + "<pid:public_id>/merge/", moderation.merge, name="merge"),
    path(M + "<pid:public_id>/comments/<pid:comment>/hide/", moderation.comment_hide, name="comment_hide"),
    path(M + "<pid:public_id>/comments/<pid:comment>/show/", moderation.comment_show, name="comment_show"),
    path(M + "reports/<int:report>/dismiss/", moderation.report_dismiss, name="report_dismiss"),
]
