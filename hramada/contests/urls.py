from django.urls import path

from .views import files, manage, public, team

app_name = "contests"

C = "manage/contests/<slug:contest>/"
E = C + "<pid:edition>/"
P = "my/projects/<pid:public_id>/"

urlpatterns = [
    path("contests/", public.contest_list, name="list"),
    path("contests/<slug:contest>/<pid:edition>/", public.edition_detail, name="edition"),
    path("contests/<slug:contest>/<pid:edition>/submit/", team.start_project, name="start_project"),
    path(
        "contests/<slug:contest>/<pid:edition>/categories/<pid:category>/",
        public.category_detail,
        name="category",
    ),
    path("projects/<pid:public_id>/", public.project_detail, name="project"),
    # A project's files, for whoever may see them (views.files): the same address on every page.
    path("projects/<pid:public_id>/cover/", files.cover, name="cover"),
    path("projects/<pid:public_id>/files/<pid:attachment>/", files.attachment, name="attachment"),
    path("projects/invitations/<token:token>/", team.accept_invitation, name="accept_invitation"),
    # Teams' own pages
    path("my/projects/", team.my_projects, name="my_projects"),
    path(P, team.my_project, name="my_project"),
    path(P + "autosave/", team.autosave, name="autosave"),
    path(P + "files/", team.upload, name="upload"),
    path(P + "files/<pid:attachment>/delete/", team.attachment_delete, name="attachment_delete"),
    path(P + "team/", team.team, name="team"),
    # Organisers
    path("manage/organisations/<slug:slug>/contests/", manage.org_contests, name="org_contests"),
    path(C, manage.contest_edit, name="contest_edit"),
    path(C + "new-edition/", manage.edition_new, name="edition_new"),
    path(E, manage.edition_overview, name="edition_manage"),
    path(E + "edit/", manage.edition_edit, name="edition_edit"),
    path(E + "publish/", manage.edition_publish, name="edition_publish"),
    path(E + "categories/", manage.categories, name="categories"),
    path(E + "categories/<pid:category>/", manage.category_edit, name="category_edit"),
    path(E + "categories/<pid:category>/move/", manage.category_move, name="category_move"),
    path(E + "stages/", manage.stages, name="stages"),
    path(E + "stages/<pid:stage>/", manage.stage_edit, name="stage_edit"),
    path(E + "stages/<pid:stage>/close/", manage.stage_close, name="stage_close"),
    path(E + "form/", manage.submission_form, name="submission_form"),
    path(E + "projects/", manage.projects, name="projects"),
    path(E + "projects/<pid:project>/", manage.project_review, name="project_review"),
    path(E + "audit/", manage.audit_trail, name="audit"),
]
