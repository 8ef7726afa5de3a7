from django.urls import path

from .views import public

app_name = "contests"
urlpatterns = [
    path("contests/", public.contest_list, name="list"),
    path("contests/<slug:contest>/<str:edition>/", public.edition_detail, name="edition"),
    path("projects/<str:public_id>/", public.project_detail, name="project"),
]
