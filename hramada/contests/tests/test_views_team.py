"""Team pages: starting a draft, autosave, save/submit, files, team, "My projects", the public page."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hramada.contests import submissions
from hramada.contests.models import Project
from hramada.core.tests.helpers import minimal_pdf
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory

from .factories import CategoryFactory, EditionFactory, open_call

pytestmark = pytest.mark.django_db

PDF = minimal_pdf()


@pytest.fixture
def edition():
    edition = EditionFactory()
    open_call(edition)
    return edition


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition)


@pytest.fixture
def lead(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def draft(lead, category):
    return submissions.create_draft(user=lead, category=category, title="Bashni", summary="Towers.")


def purl(name, project, *args):
    return reverse(f"contests:{name}", args=[project.public_id, *args])


def test_start_a_project_needs_login_then_creates_a_draft(client, edition, category):
    url = reverse("contests:start_project", args=[edition.contest.slug, edition.public_id])
    assert client.get(url).status_code == 302
    user = UserFactory()
    client.force_login(user)
    response = client.post(url, {"title": "Free creative space", "category": category.pk})
    project = Project.objects.get()
    assert response["Location"] == purl("my_project", project)
    assert project.status == Project.Status.DRAFT and submissions.is_lead(user, project)
    edition_page = client.get(reverse("contests:edition", args=[edition.contest.slug, edition.public_id]))
    assert url in edition_page.content.decode()


def test_only_the_team_sees_and_edits_its_project(client, draft):
    stranger = UserFactory()
    client.force_login(stranger)
    for name in ("my_project",):
        assert client.get(purl(name, draft)).status_code == 404
    for name in ("my_project", "autosave", "upload", "team"):
        assert client.post(purl(name, draft), {"title": "Mine"}).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Bashni"
    client.logout()
    assert client.get(purl("my_project", draft)).status_code == 302


def test_autosave_returns_a_saved_at_fragment(client, draft, category):
    settlement = SettlementFactory()
    response = client.post(
        purl("autosave", draft),
        {"title": "Bashni", "summary": "Willpower.", "category": category.pk, "settlement": settlement.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Willpower." and draft.settlement == settlement
    response = client.post(purl("autosave", draft), {"title": "", "category": category.pk})
    assert "Not saved" in response.content.decode()


def test_edit_page_has_autosave_and_plain_save_button(client, draft):
    page = client.get(purl("my_project", draft)).content.decode()
    assert (
        f'hx-post="{purl("autosave", draft)}"' in page and 'name="save"' in page and 'name="submit"' in page
    )


def test_submit_incomplete_keeps_what_was_typed(client, draft, category):
    response = client.post(
        purl("my_project", draft),
        {"title": "Bashni", "summary": "A long summary I typed.", "category": category.pk, "submit": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A long summary I typed." in page and "place (settlement or community)" in page
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT and draft.summary == "A long summary I typed."


def test_submit_and_deadline_message(client, draft, category, edition):
    data = {"title": "Bashni", "summary": "S", "category": category.pk, "settlement": SettlementFactory().pk}
    response = client.post(purl("my_project", draft), {**data, "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    call = edition.stages.get()
    call.ends_at = call.starts_at + timedelta(hours=1)
    call.save()
    response = client.post(purl("my_project", draft), {**data, "title": "Changed"})
    assert "The call for projects closed on" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Bashni"


def test_upload_cover_and_refuse_a_renamed_png(client, draft):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    response = client.post(
        purl("upload", draft), {"what": "attachment", "file": SimpleUploadedFile("plan.pdf", out.getvalue())}
    )
    assert response.status_code == 200 and "Only PDF files" in response.content.decode()
    response = client.post(
        purl("upload", draft), {"what": "attachment", "file": SimpleUploadedFile("plan.pdf", PDF)}
    )
    assert response.status_code == 302 and draft.attachments.count() == 1
    response = client.post(
        purl("upload", draft), {"what": "cover", "image": SimpleUploadedFile("c.png", out.getvalue())}
    )
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.cover


def test_invite_and_accept_through_the_pages(client, draft, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(purl("team", draft), {"action": "invite", "email": "ales@example.org"})
    token = mail.outbox[-1].body.split("/projects/invitations/")[1].split("/")[0]
    url = reverse("contests:accept_invitation", args=[token])
    wrong = UserFactory()
    client.force_login(wrong)
    client.post(url)
    assert not submissions.is_team_member(wrong, draft)
    right = UserFactory(email="ales@example.org")
    client.force_login(right)
    assert client.post(url)["Location"] == purl("my_project", draft)
    assert submissions.is_team_member(right, draft)


def test_team_page_shows_pending_invitations_with_expiry_and_sends_again(
    client, draft, django_capture_on_commit_callbacks
):
    import time_machine
    from django.core import mail
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        client.post(purl("team", draft), {"action": "invite", "email": "ales@example.org"})
    old_token = mail.outbox[-1].body.split("/projects/invitations/")[1].split("/")[0]
    member = draft.members.get(email="ales@example.org")
    page = client.get(purl("my_project", draft)).content.decode()
    until = timezone.localtime(member.expires_at)
    assert f"invitation sent, valid until {until:%-d} " in page and f"{until:%Y, %H:%M}" in page
    assert 'value="resend"' in page

    with time_machine.travel(member.expires_at + timedelta(minutes=1)):
        client.force_login(UserFactory(email="ales@example.org"))
        page = client.get(reverse("contests:accept_invitation", args=[old_token])).content.decode()
    assert "This invitation expired on" in page and "ask the team lead to send a new one" in page
    assert "Join the team" not in page

    client.force_login(draft.members.get(role="lead").user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(purl("team", draft), {"action": "resend", "member": member.public_id})
    assert response.status_code == 302 and "/projects/invitations/" in mail.outbox[-1].body
    assert mail.outbox[-1].body.split("/projects/invitations/")[1].split("/")[0] != old_token
    member.refresh_from_db()
    assert member.expires_at > until
    client.force_login(UserFactory())
    assert (
        client.post(purl("team", draft), {"action": "resend", "member": member.public_id}).status_code == 404
    )


def test_my_projects_lists_own_projects_with_constant_queries(
    client, lead, category, draft, django_assert_max_num_queries
):
    submissions.create_draft(user=UserFactory(), category=category, title="Someone else's")
    page = client.get(reverse("contests:my_projects")).content.decode()
    assert "Bashni" in page and "Someone else" not in page
    with django_assert_max_num_queries(10) as before:
        client.get(reverse("contests:my_projects"))
    for i in range(8):
        submissions.create_draft(user=lead, category=category, title=f"P{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("contests:my_projects"))


def test_public_page_shows_cover_as_og_image_documents_place_and_consenting_names(
    client, draft, lead, settings
):
    settings.SITE_URL = "https://hramada.example"
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="JPEG")
    submissions.set_cover(user=lead, project=draft, image=SimpleUploadedFile("c.jpg", out.getvalue()))
    submissions.add_attachment(user=lead, project=draft, upload=SimpleUploadedFile("budget.pdf", PDF))
    settlement = SettlementFactory()
    submissions.update_draft(user=lead, project=draft, settlement=settlement)
    Project.objects.filter(pk=draft.pk).update(status=Project.Status.ELIGIBLE)
    draft.refresh_from_db()
    page = client.get(reverse("contests:project", args=[draft.public_id])).content.decode()
    cover = purl("cover", draft)  # the public file view, as an absolute address for shared previews
    assert f'<meta property="og:image" content="https://hramada.example{cover}">' in page
    assert f'<meta name="twitter:image" content="https://hramada.example{cover}">' in page
    assert f'<img src="{cover}"' in page and "/media/" not in page
    attachment = draft.attachments.get()
    assert f'href="{purl("attachment", draft, attachment.public_id)}"' in page
    assert "budget.pdf" in page and settlement.name in page
    assert lead.display_name not in page  # not consented yet
    submissions.set_member_visibility(user=lead, project=draft, shown=True)
    page = client.get(reverse("contests:project", args=[draft.public_id])).content.decode()
    assert lead.display_name in page
