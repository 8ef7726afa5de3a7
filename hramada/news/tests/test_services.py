"""News services: writing, revisions, publishing, scheduling and its job, permissions, language fallback
and the sanitising of every text a post shows."""

import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.registry import periodic_jobs
from hramada.events.models import Event
from hramada.events.tests.factories import EventFactory
from hramada.news import selectors, services
from hramada.news.markup import render_markdown
from hramada.news.models import Post, Revision
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of

from .factories import PostFactory

pytestmark = pytest.mark.django_db

TEXTS = {"title_en": "Forum in Minsk", "excerpt_en": "Two days.", "body_en": "The **forum**."}


def _draft(editor, org, **texts):
    return services.create_post(actor=editor, organisation=org, texts=texts or TEXTS)


def test_create_keeps_a_revision_names_the_author_and_audits(editor, org):
    post = _draft(editor, org)
    assert post.status == "draft" and post.published_at is None
    assert list(post.authors.all()) == [editor.person]
    revision = Revision.objects.get(post=post)
    assert revision.editor == editor and revision.texts["title_en"] == "Forum in Minsk"
    assert AuditEntry.objects.filter(action="news.post.created").count() == 1


def test_every_edit_keeps_a_revision(editor, org):
    post = _draft(editor, org)
    services.update_post(actor=editor, post=post, texts={"title_en": "Forum in Vilnius"})
    services.update_post(actor=editor, post=post, texts={"title_ru": "Форум"})
    texts = [r.texts for r in Revision.objects.filter(post=post).order_by("id")]
    assert [t["title_en"] for t in texts] == ["Forum in Minsk", "Forum in Vilnius", "Forum in Vilnius"]
    assert texts[-1]["title_ru"] == "Форум"
    assert AuditEntry.objects.filter(action="news.post.updated").count() == 2


def test_a_title_in_one_language_is_required(editor, org):
    with pytest.raises(DomainError, match="at least one language"):
        services.create_post(actor=editor, organisation=org, texts={"title_en": "  "})
    with pytest.raises(DomainError, match="title in"):
        services.create_post(actor=editor, organisation=org, texts={"title_en": "A", "body_ru": "текст"})
    assert not Post.objects.exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EXPERT])
def test_members_without_a_managing_role_cannot_write(org, role):
    """Red with ``is_manager`` removed from rules.is_news_editor (any member could write)."""
    user = member_of(org, role)
    user.two_factor_passed = True
    with pytest.raises(DomainError):
        _draft(user, org)


def test_a_manager_without_the_second_factor_in_this_session_cannot_write(org):
    user = member_of(org, Role.MANAGER)
    with pytest.raises(DomainError):
        _draft(user, org)


def test_another_organisations_manager_cannot_edit_or_publish(editor, org):
    post = _draft(editor, org)
    other = member_of(OrganisationFactory(), Role.OWNER)
    other.two_factor_passed = True
    with pytest.raises(DomainError):
        services.update_post(actor=other, post=post, texts={"title_en": "x"})
    with pytest.raises(DomainError):
        services.publish_post(actor=other, post=post)


def test_publish_and_unpublish(editor, org):
    post = _draft(editor, org)
    assert not Post.objects.published().exists()
    services.publish_post(actor=editor, post=post)
    assert list(Post.objects.published()) == [post]
    with pytest.raises(DomainError):
        services.publish_post(actor=editor, post=post)
    services.unpublish_post(actor=editor, post=post)
    assert not Post.objects.published().exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="news.post.").values_list("action", flat=True)
    )
    assert "news.post.published" in actions and "news.post.unpublished" in actions


def test_schedule_needs_a_future_time(editor, org):
    post = _draft(editor, org)
    with pytest.raises(DomainError, match="future"):
        services.schedule_post(actor=editor, post=post, publish_at=timezone.now() - timedelta(minutes=1))


def test_the_periodic_job_publishes_due_posts_only_once(editor, org):
    post = _draft(editor, org)
    later = _draft(editor, org)
    now = timezone.now()
    services.schedule_post(actor=editor, post=post, publish_at=now + timedelta(hours=1))
    services.schedule_post(actor=editor, post=later, publish_at=now + timedelta(days=2))
    assert post.__class__.objects.get(pk=post.pk).status == "scheduled"
    assert services.publish_due(now=now) == 0
    assert services.publish_due(now=now + timedelta(hours=2)) == 1
    assert services.publish_due(now=now + timedelta(hours=3)) == 0
    post.refresh_from_db()
    later.refresh_from_db()
    assert post.published_at == post.publish_at and later.published_at is None
    assert dict(periodic_jobs)["news.publish_due"] is services.publish_due


def test_publishing_moves_a_linked_events_cache_key(editor, org):
    event = EventFactory()
    post = services.create_post(actor=editor, organisation=org, texts=TEXTS, links={"events": [event]})
    before = Event.objects.get(pk=event.pk).updated_at
    services.publish_post(actor=editor, post=post)
    assert Event.objects.get(pk=event.pk).updated_at > before


def test_cover_is_re_encoded_without_metadata(editor, org):
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("Ivan Petrov at home.jpg", raw.getvalue(), content_type="image/jpeg")
    post = services.create_post(actor=editor, organisation=org, texts=TEXTS, cover=upload)
    assert "Petrov" not in post.cover.name and post.cover.name.startswith("news/")
    with post.cover.open("rb") as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert Image.open(io.BytesIO(data)).getexif().get(0x010F) is None


def test_a_file_that_is_not_an_image_is_refused(editor, org):
    upload = SimpleUploadedFile("x.jpg", b"<script>", content_type="image/jpeg")
    with pytest.raises(DomainError) as exc:
        services.create_post(actor=editor, organisation=org, texts=TEXTS, cover=upload)
    assert exc.value.field == "cover"


def test_tags_are_shared_and_limited(editor, org):
    a = services.create_post(actor=editor, organisation=org, texts=TEXTS, tags="Women, youth, women")
    b = services.create_post(actor=editor, organisation=org, texts=TEXTS, tags=["Youth"])
    assert sorted(t.slug for t in a.tags.all()) == ["women", "youth"]
    assert b.tags.get().pk == a.tags.get(slug="youth").pk
    with pytest.raises(DomainError):
        services.create_post(actor=editor, organisation=org, texts=TEXTS, tags=[f"t{i}" for i in range(11)])


# --- Languages ------------------------------------------------------------------------------------------------


def test_a_missing_language_falls_back_and_says_so():
    post = PostFactory(title_en="", title="x", title_be="Форум", title_ru="", excerpt_be="Два дні.")
    post.title_en = "Forum"
    post.save()
    assert post.languages == ["be", "en"]
    assert selectors.localise(post, "ru").shown_lang == "be" and post.is_fallback
    assert selectors.localise(post, "en").shown_title == "Forum" and not post.is_fallback
    assert [lang["name"] for lang in selectors.available_in(post)] == ["Беларуская", "English"]


# --- Sanitising ----------------------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![p](https://elsewhere.example/pixel.gif)",
    "<iframe src=https://elsewhere.example></iframe>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_body_is_sanitised(attack):
    """What survives is text: no script, image, frame, event handler or non-web link as an element."""
    html = render_markdown(f"Intro\n\n{attack}\n\n[fine](https://example.org)")
    for tag, attrs in elements(html):
        assert tag not in ("script", "img", "iframe"), (attack, html)
        assert not any(name.startswith("on") for name in attrs), (attack, html)
        if tag == "a":
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), (attack, html)
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">fine</a>' in html


def test_headings_start_below_the_page_title():
    assert render_markdown("# Big") == "<h2>Big</h2>\n"


def test_control_characters_are_removed_from_texts(editor, org):
    post = services.create_post(actor=editor, organisation=org, texts={"title_en": "Bad\u0000 \u0007title"})
    assert post.title_en == "Bad title"


def test_personal_data_export_and_erasure(editor, org):
    post = _draft(editor, org)
    assert services.export_person(editor.person)[0]["post"] == post.public_id
    services.erase_person(editor.person)
    assert not post.authors.exists() and Post.objects.filter(pk=post.pk).exists()
