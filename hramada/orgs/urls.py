from django.urls import path

from .views import duplicates, manage, public

app_name = "orgs"
urlpatterns = [
    path("organisations/", public.organisation_list, name="list"),
    path("organisations/<slug:slug>/", public.organisation_detail, name="detail"),
    path("invitations/<token:token>/", manage.accept_invitation, name="accept_invitation"),
    path("manage/organisations/<slug:slug>/", manage.edit, name="edit"),
    path("manage/organisations/<slug:slug>/members/", manage.members, name="members"),
    path(
        "manage/organisations/<slug:slug>/members/<int:membership_id>/",
        manage.member_role,
        name="member_role",
    ),
    path(
        "manage/organisations/<slug:slug>/invitations/<pid:public_id>/revoke/",
        manage.invitation_revoke,
        name="invitation_revoke",
    ),
    path("manage/organisations/<slug:slug>/audit/", manage.audit_log, name="audit"),
    path("manage/organisations/<slug:slug>/duplicates/", duplicates.duplicate_list, name="duplicates"),
    path(
        "manage/organisations/<slug:slug>/duplicates/<pid:a>/<pid:b>/",
        duplicates.duplicate_merge,
        name="duplicate_merge",
    ),
    path(
        "manage/organisations/<slug:slug>/duplicates/<pid:a>/<pid:b>/dismiss/",
        duplicates.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
]
