from django.urls import path

from .views import manage

app_name = "webhooks"

ORG = "manage/organisations/<slug:slug>/webhooks/"
E = ORG + "<pid:public_id>/"

urlpatterns = [
    path(ORG, manage.endpoint_list, name="list"),
    path(ORG + "new/", manage.endpoint_new, name="new"),
    path(E, manage.endpoint_detail, name="detail"),
    path(E + "rotate/", manage.rotate, name="rotate"),
    path(E + "test/", manage.send_test, name="test"),
    path(E + "delete/", manage.delete, name="delete"),
    path(E + "deliveries/<pid:delivery_id>/resend/", manage.resend, name="resend"),
]
