from django.urls import path

from .feeds import feeds_for
from .views import manage, public

app_name = "news"

ALL_RSS, ALL_ATOM = feeds_for("all")
ORG_RSS, ORG_ATOM = feeds_for("organisation")
COMMUNITY_RSS, COMMUNITY_ATOM = feeds_for("community")
TAG_RSS, TAG_ATOM = feeds_for("tag")
M = "manage/news/<pid:public_id>/"

urlpatterns = [
    path("news/", public.news_list, name="list"),
    path("news/feed.rss", ALL_RSS, name="rss"),
    path("news/feed.atom", ALL_ATOM, name="atom"),
    path("news/organisations/<slug:slug>/feed.rss", ORG_RSS, name="organisation_rss"),
    path("news/organisations/<slug:slug>/feed.atom", ORG_ATOM, name="organisation_atom"),
    path("news/communities/<slug:slug>/feed.rss", COMMUNITY_RSS, name="community_rss"),
    path("news/communities/<slug:slug>/feed.atom", COMMUNITY_ATOM, name="community_atom"),
    path("news/tags/<slug:slug>/feed.rss", TAG_RSS, name="tag_rss"),
    path("news/tags/<slug:slug>/feed.atom", TAG_ATOM, name="tag_atom"),
    path("news/<pid:public_id>/", public.post_detail, name="detail"),
    path("manage/organisations/<slug:slug>/news/", manage.org_posts, name="org_list"),
    path("manage/organisations/<slug:slug>/news/new/", manage.post_new, name="new"),
    path(M, manage.post_edit, name="edit"),
    path(M + "preview/", manage.preview, name="preview"),
    path(M + "publish/", manage.publish, name="publish"),
    path(M + "revisions/", manage.revisions, name="revisions"),
]
