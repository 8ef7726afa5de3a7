"""Addresses of local issues, one module per part (each included here, in this order)."""

from django.urls import include, path

app_name = "local_issues"

urlpatterns = [
    path("", include("hramada.local_issues.urls_public")),
    path("", include("hramada.local_issues.urls_authority")),
    path("", include("hramada.local_issues.urls_accountability")),
    path("", include("hramada.local_issues.urls_open311_manage")),
]
