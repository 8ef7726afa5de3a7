"""Every change to news: writing and editing posts (a revision per save), publishing now, scheduling,
unpublishing, and the periodic job that publishes scheduled posts. Each is one transaction, checks the
named rules and writes an audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hramada.core import audit
from hramada.core.errors import DomainError
from hramada.core.images import validate_image
from hramada.core.text import transliterate
from hramada.core.translated import set_translated
from hramada.orgs.models import Organisation

from .models import LANGS, TEXT_FIELDS, Post, Revision, Tag

TEXT_KEYS = tuple(f"{field}_{lang}" for field in TEXT_FIELDS for lang in LANGS)
ALT_KEYS = tuple(f"cover_alt_{lang}" for lang in LANGS)
LINKS = ("organisations", "communities", "events", "editions", "programmes", "initiatives", "issues")
LANGUAGE_NAMES = {"be": "Беларуская", "ru": "Русский", "en": "English"}


def can_write(user, organisation) -> bool:
    return user is not None and user.has_perm("news.add_post", organisation)


def can_edit(user, post) -> bool:
    return user is not None and user.has_perm("news.change_post", post)


def _require_editor(actor, post):
    if not can_edit(actor, post):
        raise DomainError(_("Only the organisation's owners and managers can change its news."))


def _scope(post):
    return (Organisation, post.organisation_id)


def _clean_text(value) -> str:
    # Control characters (other than line breaks and tabs) have no place in a post and can hide text.
    return "".join(ch for ch in str(value or "") if ch in "\n\t" or ch >= " " and ch != "\x7f").strip()


def _apply_texts(post, texts: dict) -> list[str]:
    unknown = set(texts) - set(TEXT_KEYS) - set(ALT_KEYS)
    if unknown:
        raise TypeError(f"unexpected values: {sorted(unknown)}")
    changed = []
    for key, value in texts.items():
        value = _clean_text(value)
        if getattr(post, key) != value:
            setattr(post, key, value)
            changed.append(key)
    for lang in LANGS:
        if not getattr(post, f"title_{lang}") and any(
            getattr(post, f"{field}_{lang}") for field in ("excerpt", "body")
        ):
            raise DomainError(
                _("Give the post a title in %(language)s, or leave that language empty.")
                % {"language": LANGUAGE_NAMES[lang]},
                field=f"title_{lang}",
            )
    if not any(getattr(post, f"title_{lang}") for lang in LANGS):
        raise DomainError(_("Give the post a title in at least one language."), field="title_be")
    # The untranslated columns hold the first language written (as the other apps' content does).
    for field in (*TEXT_FIELDS, "cover_alt"):
        set_translated(post, field, {})
    return changed


def _apply_cover(post, cover, remove_cover: bool) -> bool:
    if cover:
        try:
            clean = validate_image(cover)  # re-encoded: no EXIF (GPS position, camera serial)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="cover") from None
        post.cover.save(clean.name, clean, save=False)
        return True
    if remove_cover and post.cover:
        post.cover = ""
        return True
    return False


def _tags(names) -> list[Tag]:
    if isinstance(names, str):
        names = names.split(",")
    tags = []
    for name in names:
        name = _clean_text(name)[:60]
        if not name:
            continue
        slug = slugify(transliterate(name))[:70] or slugify(name, allow_unicode=True)[:70]
        if not slug:
            continue
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        if tag not in tags:
            tags.append(tag)
    if len(tags) > 10:
        raise DomainError(_("Give at most ten tags."), field="tags")
    return tags


def _apply_links(post, tags, links: dict) -> list[str]:
    unknown = set(links) - set(LINKS)
    if unknown:
        raise TypeError(f"unexpected links: {sorted(unknown)}")
    changed = []
    if tags is not None:
        new = _tags(tags)
        if {t.pk for t in new} != set(post.tags.values_list("pk", flat=True)):
            post.tags.set(new)
            changed.append("tags")
    for name, objects in links.items():
        manager = getattr(post, name)
        new_ids = {o.pk for o in objects or []}
        if new_ids != set(manager.values_list("pk", flat=True)):
            manager.set(list(new_ids))
            changed.append(name)
    return changed


def _revision(post, actor):
    Revision.objects.create(post=post, editor=actor, texts={key: getattr(post, key) for key in TEXT_KEYS})


def _touch_linked_pages(post):
    """Linked events' anonymous pages are cached under a key holding the event's ``updated_at``
    (events/views/public.py): move it, as the events app's own signals do, so the news section
    shows at once."""
    from hramada.events.models import Event

    ids = list(post.events.values_list("pk", flat=True))
    if ids:
        Event.objects.filter(pk__in=ids).update(updated_at=timezone.now())


@transaction.atomic
def create_post(
    *, actor, organisation, texts: dict, cover=None, tags=(), links: dict | None = None, **_ignored
) -> Post:
    """A new draft of an organisation, written by one of its owners or managers (its first author)."""
    if _ignored:
        raise TypeError(f"unexpected values: {sorted(_ignored)}")
    if not can_write(actor, organisation):
        raise DomainError(_("Only the organisation's owners and managers can write its news."))
    post = Post(organisation=organisation)
    _apply_texts(post, texts)
    _apply_cover(post, cover, False)
    post.save()
    _apply_links(post, tags, links or {})
    if getattr(actor, "person", None) is not None:
        post.authors.add(actor.person)
    _revision(post, actor)
    audit.record(
        actor=actor,
        action="news.post.created",
        target=post,
        scope=_scope(post),
        data={"languages": post.languages},
    )
    return post


@transaction.atomic
def update_post(
    *, actor, post: Post, texts: dict, cover=None, remove_cover=False, tags=None, links: dict | None = None
) -> Post:
    """Change a post's texts, cover, tags or links; every save keeps a revision of the texts and adds the
    editor to the authors."""
    _require_editor(actor, post)
    post = Post.objects.select_for_update(no_key=True).get(pk=post.pk)
    changed = _apply_texts(post, texts)
    if _apply_cover(post, cover, remove_cover):
        changed.append("cover")
    post.save()
    was_linked = set(post.events.values_list("pk", flat=True))
    changed += _apply_links(post, tags, links or {})
    if getattr(actor, "person", None) is not None:
        post.authors.add(actor.person)
    _revision(post, actor)
    audit.record(
        actor=actor,
        action="news.post.updated",
        target=post,
        scope=_scope(post),
        data={"fields": sorted(changed)},
    )
    if post.published_at is not None:
        _touch_linked_pages(post)
        if was_linked:
            from hramada.events.models import Event

            Event.objects.filter(pk__in=was_linked).update(updated_at=timezone.now())
    return post


@transaction.atomic
def publish_post(*, actor, post: Post, now=None) -> Post:
    """Publish a draft or scheduled post at once."""
    _require_editor(actor, post)
    post = Post.objects.select_for_update(no_key=True).get(pk=post.pk)
    if post.published_at is not None:
        raise DomainError(_("The post is already published."))
    post.published_at = now or timezone.now()
    post.publish_at = None
    post.save(update_fields=["published_at", "publish_at", "updated_at"])
    audit.record(actor=actor, action="news.post.published", target=post, scope=_scope(post))
    _touch_linked_pages(post)
    return post


@transaction.atomic
def schedule_post(*, actor, post: Post, publish_at, now=None) -> Post:
    """Set a draft to be published by the periodic job at ``publish_at`` (a time in the future)."""
    _require_editor(actor, post)
    post = Post.objects.select_for_update(no_key=True).get(pk=post.pk)
    if post.published_at is not None:
        raise DomainError(_("The post is already published. Unpublish it first to schedule it."))
    if publish_at is None or publish_at <= (now or timezone.now()):
        raise DomainError(_("Choose a time in the future, or publish now."), field="publish_at")
    post.publish_at = publish_at
    post.save(update_fields=["publish_at", "updated_at"])
    audit.record(
        actor=actor,
        action="news.post.scheduled",
        target=post,
        scope=_scope(post),
        data={"publish_at": publish_at.isoformat()},
    )
    return post


@transaction.atomic
def unpublish_post(*, actor, post: Post) -> Post:
    """Take a post back to a draft (also cancels a schedule)."""
    _require_editor(actor, post)
    post = Post.objects.select_for_update(no_key=True).get(pk=post.pk)
    if post.published_at is None and post.publish_at is None:
        raise DomainError(_("The post is a draft already."))
    post.published_at = None
    post.publish_at = None
    post.save(update_fields=["published_at", "publish_at", "updated_at"])
    audit.record(actor=actor, action="news.post.unpublished", target=post, scope=_scope(post))
    _touch_linked_pages(post)
    return post


def publish_due(now=None) -> int:
    """Periodic job: publish every scheduled post whose time has come; returns how many. Each post in its
    own transaction, skipping rows another runner holds, so no post is published twice."""
    now = now or timezone.now()
    done = 0
    due = Post.objects.filter(published_at__isnull=True, publish_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            post = (
                Post.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, published_at__isnull=True, publish_at__lte=now)
                .first()
            )
            if post is None:
                continue
            post.published_at = post.publish_at
            post.save(update_fields=["published_at", "updated_at"])
            audit.record(
                actor=None,
                action="news.post.published",
                target=post,
                scope=_scope(post),
                data={"scheduled": True},
            )
            _touch_linked_pages(post)
            done += 1
    return done


# --- Personal data -----------------------------------------------------------------------------------------


def export_person(person) -> list[dict]:
    return [
        {
            "post": p.public_id,
            "title": p.title,
            "published_at": p.published_at.isoformat() if p.published_at else None,
        }
        for p in Post.objects.filter(authors=person).order_by("created_at")
    ]


def erase_person(person) -> None:
    """The posts stay (they are the organisation's); the person is no longer named as an author."""
    for post in Post.objects.filter(authors=person):
        post.authors.remove(person)
