from django.urls import path, register_converter

from .views import manage, public, reach

app_name = "reports"


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "exportfmt")

D = "manage/reports/donor-projects/<pid:pid>/"

urlpatterns = [
    path("reports/", public.indicators_page, name="indicators"),
    path("reports/export.<exportfmt:fmt>", public.indicators_page, name="indicators_export"),
    path("reports/reach.geojson", reach.public_reach, name="indicators_reach"),
    path("manage/organisations/<slug:slug>/reports/", manage.org_indicators, name="org_indicators"),
    path("manage/organisations/<slug:slug>/reports/reach.geojson", reach.org_reach, name="org_reach"),
    path(
        "manage/organisations/<slug:slug>/reports/export.<exportfmt:fmt>",
        manage.org_indicators,
        name="org_indicators_export",
    ),
    path("manage/organisations/<slug:slug>/donor-projects/new/", manage.project_new, name="project_new"),
    path(D, manage.project_detail, name="project"),
    path(D + "export.<exportfmt:fmt>", manage.project_detail, name="project_export"),
    path(D + "reach.geojson", reach.project_reach, name="project_reach"),
    path(D + "edit/", manage.project_edit, name="project_edit"),
    path(D + "activities/", manage.activities, name="activities"),
    path(D + "iati.xml", manage.project_iati, name="project_iati"),
    path(D + "pdf/", manage.pdf_request, name="pdf_request"),
    path(D + "pdf/<pid:doc>/", manage.pdf_status, name="pdf_status"),
    path(D + "pdf/<pid:doc>/download", manage.pdf_download, name="pdf_download"),
]
