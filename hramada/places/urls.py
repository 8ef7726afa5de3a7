from django.urls import path

from .views import manage, public

app_name = "places"
urlpatterns = [
    path("communities/", public.communities, name="communities"),
    path("communities/<slug:slug>/", public.community, name="community"),
    path("places/settlements/search/", public.settlement_search, name="settlement_search"),
    path("manage/communities/new/", manage.community_edit, name="community_new"),
    path("manage/communities/<slug:slug>/", manage.community_edit, name="community_edit"),
    path("manage/communities/<slug:slug>/leaders/", manage.leader_add, name="leader_add"),
    path("manage/communities/<slug:slug>/photos/", manage.photo_add, name="photo_add"),
    path(
        "manage/communities/<slug:slug>/photos/<int:photo_id>/remove/",
        manage.photo_remove,
        name="photo_remove",
    ),
    path("manage/communities/<slug:slug>/photos/<int:photo_id>/move/", manage.photo_move, name="photo_move"),
]
