"""Who may do what with news: the owners and managers of a post's organisation (and platform staff)
write, edit and publish its posts, with this session's second factor as every organiser page under
/manage/ asks; everyone reads a published post, and editors also read drafts (the preview)."""

import rules
from django.utils import timezone

from hramada.core.twofactor import passed_two_factor
from hramada.orgs.rules import is_manager

from .models import Post


@rules.predicate
def is_news_editor(user, organisation) -> bool:
    """Owner or manager of the organisation (or staff), in a session that passed two-factor."""
    if organisation is None or not passed_two_factor(user):
        return False
    return bool(user.is_staff or is_manager(user, organisation))


@rules.predicate
def is_post_editor(user, post: Post) -> bool:
    return is_news_editor(user, post.organisation)


@rules.predicate
def is_published(user, post: Post) -> bool:
    return post.published_at is not None and post.published_at <= timezone.now()


# The object is an organisation.
rules.add_perm("news.add_post", is_news_editor)
# The object is a post.
rules.add_perm("news.change_post", is_post_editor)
rules.add_perm("news.publish_post", is_post_editor)
rules.add_perm("news.view_post", is_published | is_post_editor)
