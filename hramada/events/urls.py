from django.urls import include, path

app_name = "events"
urlpatterns = [
    path("", include("hramada.events.urls_public")),
    path("", include("hramada.events.urls_manage")),
]
