from django.urls import path

from .views import manage

app_name = "imports"

BASE = "manage/organisations/<slug:slug>/imports/"

urlpatterns = [
    path(BASE, manage.import_list, name="list"),
    path(f"{BASE}new/", manage.upload, name="upload"),
    path(f"{BASE}<pid:pid>/columns/", manage.columns, name="columns"),
    path(f"{BASE}<pid:pid>/preview/", manage.preview, name="preview"),
    path(f"{BASE}<pid:pid>/", manage.status, name="status"),
    path(f"{BASE}<pid:pid>/errors.csv", manage.error_report, name="errors"),
]
