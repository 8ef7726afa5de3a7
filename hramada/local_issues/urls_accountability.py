"""(accountability) The public record of authorities' answers, per region, and who raises and backs
issues by gender (views/accountability.py)."""

from django.urls import path

from .views import accountability

urlpatterns = [
    path("issues/authorities/", accountability.authority_list, name="authorities"),
    path("issues/authorities/<slug:slug>/", accountability.authority_page, name="authority_record"),
    path("issues/regions/<slug:code>/", accountability.region_page, name="region_record"),
    path("issues/who/", accountability.who, name="who"),
]
