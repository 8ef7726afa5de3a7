from django.urls import path

from .views import files, manage

app_name = "questions"
urlpatterns = [
    # Not under /manage/: the people who answered read their own files too, without two-factor.
    path("forms/answers/<pid:public_id>/<int:question_id>/", files.answer_file, name="answer_file"),
    path("manage/organisations/<slug:slug>/forms/", manage.form_list, name="form_list"),
    path("manage/forms/<pid:public_id>/", manage.form_detail, name="form_detail"),
    path("manage/forms/<pid:public_id>/preview/", manage.form_preview, name="form_preview"),
    path(
        "manage/forms/<pid:public_id>/questions/<int:question_id>/",
        manage.question_edit,
        name="question_edit",
    ),
    path(
        "manage/forms/<pid:public_id>/questions/<int:question_id>/move/",
        manage.question_move,
        name="question_move",
    ),
    path(
        "manage/forms/<pid:public_id>/questions/<int:question_id>/delete/",
        manage.question_delete,
        name="question_delete",
    ),
]
