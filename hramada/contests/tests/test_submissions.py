"""The submission flow: drafts, edits, submission deadlines, files, the team, screening and e-mails."""

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from hramada.contests import registry, services, submissions
from hramada.contests.models import Project, ProjectMember, Stage
from hramada.core.errors import DomainError
from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import minimal_pdf
from hramada.orgs.models import Membership, Role
from hramada.people.tests.factories import UserFactory
from hramada.places.tests.factories import SettlementFactory
from hramada.questions.models import Question
from hramada.questions.tests.factories import FormFactory, QuestionFactory

from .factories import CategoryFactory, EditionFactory, StageFactory, open_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory()


@pytest.fixture
def edition(manager):
    edition = EditionFactory()
    Membership.objects.create(
        organisation=edition.contest.organisation, person=manager.person, role=Role.MANAGER
    )
    return edition


@pytest.fixture
def call(edition):
    return open_call(edition)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition)


@pytest.fixture
def lead():
    return UserFactory()


@pytest.fixture
def draft(call, category, lead):
    project = submissions.create_draft(user=lead, category=category, title="Bashni", summary="Towers.")
    return submissions.update_draft(user=lead, project=project, settlement=SettlementFactory())


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (53.0, 54.0, 0.0), 3: "E", 4: (27.0, 34.0, 0.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


PDF = minimal_pdf()


# --- Organiser set-up: stages and the guard hook ------------------------------------------------------


def test_update_stage_is_audited_and_asks_the_registered_guards(manager, edition):
    now = timezone.now()
    stage = StageFactory(
        edition=edition, kind=Stage.Kind.EXPERT_REVIEW, starts_at=now, ends_at=now + timedelta(days=3)
    )
    with pytest.raises(DomainError, match="organisers"):
        services.update_stage(
            actor=UserFactory(), stage=stage, starts_at=now, ends_at=now + timedelta(days=4)
        )
    with pytest.raises(DomainError, match="end after"):
        services.update_stage(actor=manager, stage=stage, starts_at=now, ends_at=now)
    stage = services.update_stage(actor=manager, stage=stage, starts_at=now, ends_at=now + timedelta(days=5))
    assert stage.ends_at == now + timedelta(days=5)
    entry = AuditEntry.objects.get(action="contests.stage.changed")
    assert entry.data["before"]["ends_at"] == (now + timedelta(days=3)).isoformat()

    seen = []

    def frozen(stage, starts_at, ends_at):
        seen.append((stage.pk, starts_at, ends_at))
        raise DomainError("The voting rules are frozen")

    registry.register_stage_edit_guard(frozen)
    try:
        with pytest.raises(DomainError, match="frozen"):
            services.update_stage(actor=manager, stage=stage, starts_at=now, ends_at=now + timedelta(days=9))
    finally:
        registry.stage_edit_guards.remove(frozen)
    assert seen == [(stage.pk, now, now + timedelta(days=9))]
    stage.refresh_from_db()
    assert stage.ends_at == now + timedelta(days=5)


def test_update_edition_and_reorder_categories(manager, edition):
    first, second = CategoryFactory(edition=edition, order=1), CategoryFactory(edition=edition, order=2)
    services.move_category(actor=manager, category=second, up=True)
    assert list(edition.categories.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]
    services.update_category(actor=manager, category=first, title_be="Мы будуем свет")
    first.refresh_from_db()
    assert first.title_be == "Мы будуем свет"
    edition = services.update_edition(
        actor=manager, edition=edition, year=2016, title_en="7th Social Weekend"
    )
    assert edition.year == 2016 and edition.title_en == "7th Social Weekend"
    with pytest.raises(DomainError, match="organisers"):
        services.update_edition(actor=UserFactory(), edition=edition, year=2016, title_en="x")


def test_submission_form_must_be_the_organisations_own(manager, edition):
    with pytest.raises(DomainError, match="own forms"):
        services.set_submission_form(actor=manager, edition=edition, form=FormFactory())
    form = services.create_submission_form(actor=manager, edition=edition)
    edition.refresh_from_db()
    assert edition.submission_form == form and form.organisation == edition.contest.organisation


# --- Drafts, edits and the deadline -------------------------------------------------------------------


def test_draft_autosaves_partial_answers_and_submit_needs_required_ones(manager, edition, draft, lead):
    form = FormFactory(organisation=edition.contest.organisation)
    budget = QuestionFactory(form=form, kind=Question.Kind.BUDGET, required=True, label="Budget")
    consent = QuestionFactory(form=form, kind=Question.Kind.CONSENT, required=True, label="I agree")
    services.set_submission_form(actor=manager, edition=edition, form=form)
    draft.refresh_from_db()
    submissions.update_draft(user=lead, project=draft, answers={budget: "1200.00", consent: False})
    with pytest.raises(DomainError, match="I agree"):
        submissions.submit_project(user=lead, project=draft)
    submissions.update_draft(user=lead, project=draft, answers={budget: "1200.00", consent: True})
    project = submissions.submit_project(user=lead, project=draft)
    assert project.status == Project.Status.SUBMITTED and project.submitted_at is not None
    assert {a.question_id: a.value for a in project.response.answers.all()} == {
        budget.pk: "1200.00",
        consent.pk: True,
    }
    # A submitted project must stay complete.
    with pytest.raises(DomainError, match="Budget"):
        submissions.update_draft(user=lead, project=project, answers={budget: None, consent: True})


def test_edits_after_submission_only_while_the_call_is_open(draft, lead, call, manager):
    project = submissions.submit_project(user=lead, project=draft)
    project = submissions.update_draft(user=lead, project=project, title="Bashni 2")
    assert project.title == "Bashni 2" and project.status == Project.Status.SUBMITTED
    later = call.ends_at + timedelta(minutes=1)
    with pytest.raises(DomainError, match="can no longer be changed"):
        submissions.update_draft(user=lead, project=project, title="Too late", now=later)
    services.screen_project(actor=manager, project=project, eligible=True)
    with pytest.raises(DomainError, match="screened"):
        submissions.update_draft(user=lead, project=project, title="After screening")


def test_submit_refused_after_the_call_closes_early_with_a_clear_message(draft, lead, manager, call):
    services.close_stage_early(actor=manager, stage=call)
    with pytest.raises(DomainError, match="closed on .* can no longer be submitted"):
        submissions.submit_project(user=lead, project=draft)
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


def test_only_the_team_changes_or_submits_a_project(draft):
    stranger = UserFactory()
    with pytest.raises(DomainError, match="team"):
        submissions.update_draft(user=stranger, project=draft, title="Mine now")
    with pytest.raises(DomainError, match="team"):
        submissions.submit_project(user=stranger, project=draft)
    with pytest.raises(DomainError, match="team"):
        submissions.add_attachment(user=stranger, project=draft, upload=SimpleUploadedFile("a.pdf", PDF))


def test_category_must_belong_to_the_edition(draft, lead):
    with pytest.raises(DomainError, match="categories"):
        submissions.update_draft(user=lead, project=draft, category=CategoryFactory())


# --- Files ----------------------------------------------------------------------------------------------


def test_png_renamed_pdf_is_refused_and_a_real_pdf_is_kept(draft, lead):
    with pytest.raises(DomainError, match="Only PDF"):
        submissions.add_attachment(
            user=lead, project=draft, upload=SimpleUploadedFile("plan.pdf", png_bytes())
        )
    attachment = submissions.add_attachment(
        user=lead, project=draft, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    assert attachment.name == "plan.pdf" and attachment.size == len(PDF)
    assert attachment.file.read().startswith(b"%PDF-")
    assert "plan" not in attachment.file.name  # stored under a random name


def test_a_pdf_with_a_script_is_refused(draft, lead):
    script = minimal_pdf(catalog="/OpenAction 4 0 R", objects=("<< /S /JavaScript /JS (app.alert(1)) >>",))
    with pytest.raises(DomainError, match="contains scripts or actions") as refused:
        submissions.add_attachment(user=lead, project=draft, upload=SimpleUploadedFile("plan.pdf", script))
    assert refused.value.field == "file"
    assert not draft.attachments.exists()


def test_too_large_files_are_refused(draft, lead, settings, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_ATTACHMENT_MB", 1)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(DomainError, match="larger than 1 MB"):
        submissions.add_attachment(user=lead, project=draft, upload=big)
    settings.MAX_IMAGE_BYTES = 100
    with pytest.raises(DomainError, match="larger than"):
        submissions.set_cover(user=lead, project=draft, image=SimpleUploadedFile("c.jpg", jpeg_with_gps()))


def test_cover_jpeg_comes_back_without_exif_gps(draft, lead):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    project = submissions.set_cover(user=lead, project=draft, image=SimpleUploadedFile("me.jpg", original))
    stored = Image.open(project.cover.open("rb"))
    assert stored.format == "JPEG"
    exif = stored.getexif()
    assert 0x8825 not in exif and 0x010F not in exif


def test_a_text_file_is_not_a_cover(draft, lead):
    with pytest.raises(DomainError, match="not an image"):
        submissions.set_cover(user=lead, project=draft, image=SimpleUploadedFile("x.png", b"hello"))


# --- Team -----------------------------------------------------------------------------------------------


def _token_from_mail():
    body = mail.outbox[-1].body
    return body.split("/projects/invitations/")[1].split("/")[0]


def test_invitation_is_accepted_only_by_the_invited_address(draft, lead, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = submissions.invite_member(user=lead, project=draft, email="Ales@Example.org")
    assert member.email == "ales@example.org" and member.accepted_at is None
    assert mail.outbox[-1].to == ["ales@example.org"]
    token = _token_from_mail()
    member.refresh_from_db()
    assert member.token_hash == submissions.token_hash(token) and token not in member.token_hash
    with pytest.raises(DomainError, match="already on the team or invited"):
        submissions.invite_member(user=lead, project=draft, email="ales@example.org")

    someone_else = UserFactory(email="other@example.org")
    with pytest.raises(DomainError, match="sent to ales@example.org"):
        submissions.accept_invitation(user=someone_else, token=token)
    unverified = UserFactory(email="ales@example.org", verified=False)
    EmailAddress.objects.create(user=unverified, email="ales@example.org", verified=False)
    with pytest.raises(DomainError, match="sent to ales@example.org"):
        submissions.accept_invitation(user=unverified, token=token)
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    joined = submissions.accept_invitation(user=unverified, token=token)
    assert joined.user == unverified and joined.accepted_at is not None and joined.token_hash == ""
    assert submissions.is_team_member(unverified, draft)
    with pytest.raises(DomainError, match="not valid"):
        submissions.accept_invitation(user=unverified, token=token)
    # Co-authors edit the project but only the lead invites.
    submissions.update_draft(user=unverified, project=draft, summary="Towers of willpower.")
    with pytest.raises(DomainError, match="lead"):
        submissions.invite_member(user=unverified, project=draft, email="third@example.org")


@pytest.fixture
def long_call(edition):
    """A call for projects open for six more weeks, so that invitations can expire while it runs."""
    return open_call(edition, days_left=42)


@pytest.fixture
def long_draft(long_call, category, lead):
    return submissions.create_draft(user=lead, category=category, title="Bashni")


def test_an_invitation_expires_after_the_documented_number_of_days(
    long_draft, lead, django_capture_on_commit_callbacks
):
    assert submissions.INVITATION_VALID_DAYS == 14
    lead.person.preferred_language = "en"  # the invitation is written in the lead's language
    lead.person.save(update_fields=["preferred_language"])
    now = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = submissions.invite_member(user=lead, project=long_draft, email="ales@example.org", now=now)
    assert member.expires_at == now + timedelta(days=14)
    assert "The link works until" in mail.outbox[-1].body
    token = _token_from_mail()
    ales = UserFactory(email="ales@example.org")
    member.refresh_from_db()
    before = (member.user_id, member.accepted_at, member.token_hash)
    expected = timezone.localtime(member.expires_at).strftime("%d.%m.%Y %H:%M")
    with pytest.raises(DomainError) as refused:
        submissions.accept_invitation(user=ales, token=token, now=member.expires_at)
    assert refused.value.message == (
        f"This invitation expired on {expected}; ask the team lead to send a new one."
    )
    member.refresh_from_db()
    assert (member.user_id, member.accepted_at, member.token_hash) == before, "nothing changed"
    assert not submissions.is_team_member(ales, long_draft)
    assert not AuditEntry.objects.filter(action="contests.project.member_joined").exists()
    joined = submissions.accept_invitation(
        user=ales, token=token, now=member.expires_at - timedelta(minutes=1)
    )
    assert joined.accepted_at is not None


def test_the_lead_sends_an_invitation_again_with_a_new_link_and_expiry(
    long_draft, lead, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        member = submissions.invite_member(user=lead, project=long_draft, email="ales@example.org", now=now)
    old_token = _token_from_mail()
    later = now + timedelta(days=20)
    ales = UserFactory(email="ales@example.org")
    with pytest.raises(DomainError, match="expired on"):
        submissions.accept_invitation(user=ales, token=old_token, now=later)
    with pytest.raises(DomainError, match="lead"):
        submissions.resend_invitation(user=ales, member=member, now=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = submissions.resend_invitation(user=lead, member=member, now=later)
    assert member.expires_at == later + timedelta(days=submissions.INVITATION_VALID_DAYS)
    assert [m.to for m in mail.outbox] == [["ales@example.org"]]
    new_token = _token_from_mail()
    assert new_token != old_token
    entry = AuditEntry.objects.get(action="contests.project.member_reinvited")
    assert entry.actor == lead and entry.data == {
        "email": "ales@example.org",
        "expires_at": member.expires_at.isoformat(),
    }
    with pytest.raises(DomainError, match="not valid"):
        submissions.accept_invitation(user=ales, token=old_token, now=later)
    submissions.accept_invitation(user=ales, token=new_token, now=later + timedelta(days=1))
    assert submissions.is_team_member(ales, long_draft)
    with pytest.raises(DomainError, match="already joined"):
        submissions.resend_invitation(user=lead, member=member, now=later)


def test_members_leave_the_lead_stays(draft, lead):
    member = submissions.invite_member(user=lead, project=draft, email="ales@example.org")
    submissions.remove_member(user=lead, member=member)
    assert not ProjectMember.objects.filter(pk=member.pk).exists()
    lead_member = draft.members.get(role=ProjectMember.Role.LEAD)
    with pytest.raises(DomainError, match="lead cannot be removed"):
        submissions.remove_member(user=lead, member=lead_member)


# --- Screening and e-mails ------------------------------------------------------------------------------


def test_team_gets_received_and_screening_emails_in_the_leads_language(
    draft, lead, manager, django_capture_on_commit_callbacks
):
    lead.person.preferred_language = "be"
    lead.person.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project = submissions.submit_project(user=lead, project=draft)
    assert [m.to for m in mail.outbox] == [[lead.email]]
    with translation.override("be"):
        expected = gettext("We received your project “%(project)s”") % {"project": "Bashni"}
    assert mail.outbox[0].subject == expected
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.screen_project(
            actor=manager, project=project, eligible=False, reason="The budget is over the limit."
        )
    assert "Bashni" in mail.outbox[0].subject
    assert "The budget is over the limit." in mail.outbox[0].body
    project.refresh_from_db()
    assert project.screening_reason == "The budget is over the limit." and project.screened_at


def test_bulk_screening_all_or_nothing(edition, category, lead, manager, call):
    projects = []
    for title in ("A", "B"):
        p = submissions.create_draft(user=lead, category=category, title=title, summary="s")
        submissions.update_draft(user=lead, project=p, settlement=SettlementFactory())
        projects.append(submissions.submit_project(user=lead, project=p))
    still_draft = submissions.create_draft(user=lead, category=category, title="C")
    with pytest.raises(DomainError, match="not been submitted"):
        services.screen_projects(
            actor=manager,
            edition=edition,
            project_ids=[p.public_id for p in [*projects, still_draft]],
            eligible=True,
        )
    assert Project.objects.filter(status=Project.Status.ELIGIBLE).count() == 0
    with pytest.raises(DomainError, match="reason"):
        services.screen_projects(
            actor=manager, edition=edition, project_ids=[projects[0].public_id], eligible=False
        )
    done = services.screen_projects(
        actor=manager, edition=edition, project_ids=[p.public_id for p in projects], eligible=True
    )
    assert {p.status for p in done} == {Project.Status.ELIGIBLE}


def test_teams_hear_once_that_the_public_vote_opened(
    draft, lead, manager, edition, django_capture_on_commit_callbacks
):
    lead.person.preferred_language = "en"  # the e-mail goes out in the lead's language
    lead.person.save()
    project = submissions.submit_project(user=lead, project=draft)
    services.screen_project(actor=manager, project=project, eligible=True)
    now = timezone.now()
    vote = StageFactory(
        edition=edition,
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=now + timedelta(days=20),
        ends_at=now + timedelta(days=30),
    )
    past = StageFactory(
        edition=EditionFactory(contest=edition.contest),
        kind=Stage.Kind.PUBLIC_VOTE,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=20),
    )
    mail.outbox.clear()
    assert services.announce_open_votes(now=now) == 0, "neither a future nor a finished vote is announced"
    opened = vote.starts_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_open_votes(now=opened) == 1
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "Voting is open" in mail.outbox[0].subject and project.public_id in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_open_votes(now=opened + timedelta(minutes=1)) == 0
    assert len(mail.outbox) == 1, "each team is told once"
    past.refresh_from_db()
    assert past.announced_at is None
    assert AuditEntry.objects.filter(action="contests.stage.announced", data__projects=1).count() == 1
