"""Every e-mail goes out in its recipient's language, whatever the language of whoever caused it.

A person's e-mail language is the one chosen on their profile, else the language of the site they use
(remembered when they sign up, log in or switch language), else the site's default (Belarusian). Each
test below makes the e-mail while another language is active, so a task that forgot to switch to the
recipient's language would write in the wrong one.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from hramada.contests import submissions
from hramada.contests.models import ProjectMember
from hramada.contests.tests.factories import CategoryFactory, EditionFactory, ProjectFactory, open_call
from hramada.events import services as event_services
from hramada.events.tests.factories import EventFactory
from hramada.orgs import services as org_services
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory, member_of
from hramada.people import services
from hramada.people.models import Person
from hramada.people.selectors import language_for_address
from hramada.people.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def speaking(site="", chosen="", **kwargs):
    """A user whose site language is ``site`` and whose profile names ``chosen`` for e-mails."""
    user = UserFactory(**kwargs)
    Person.objects.filter(pk=user.person.pk).update(site_language=site, preferred_language=chosen)
    user.person.refresh_from_db()
    return user


def said(msgid: str, language: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --- Which language ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "chosen", "expected"),
    [("en", "", "en"), ("en", "ru", "ru"), ("", "", "be"), ("xx", "", "be"), ("", "en", "en")],
)
def test_the_profiles_choice_then_the_site_language_then_belarusian(site, chosen, expected):
    assert speaking(site, chosen).person.email_language == expected


def test_an_address_speaks_the_language_of_its_account_or_person():
    assert language_for_address(speaking("ru", email="ala@example.org").email.upper()) == "ru"
    PersonFactory(email="ales@example.org", preferred_language="en")
    assert language_for_address("ales@example.org") == "en"
    assert language_for_address("nobody@example.org", default="ru") == "ru"
    assert language_for_address("nobody@example.org") == "be"


# --- Remembering the site's language ----------------------------------------------------------------------


def test_signing_up_remembers_the_sites_language_and_chooses_nothing(client):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(user__email="new@example.org")
    assert (person.site_language, person.preferred_language) == ("en", "")


def test_logging_in_and_switching_language_follow_the_person(client):
    user = speaking("be", email="ala@example.org")
    user.set_password("a-long-passphrase-77")
    user.save()
    client.post("/ru/accounts/login/", {"login": user.email, "password": "a-long-passphrase-77"})
    user.person.refresh_from_db()
    assert user.person.site_language == "ru"
    client.post("/ru/i18n/setlang/", {"language": "en", "next": "/en/"})
    user.person.refresh_from_db()
    assert user.person.site_language == "en"
    assert user.person.preferred_language == ""  # an explicit choice is made on the profile only


def test_switching_language_anonymously_changes_nobody(client):
    user = speaking("be")
    client.post("/be/i18n/setlang/", {"language": "en", "next": "/en/"})
    user.person.refresh_from_db()
    assert user.person.site_language == "be"


def test_the_profile_offers_the_site_language_by_name(client):
    user = speaking("ru")
    client.force_login(user)  # logging in by the test client happens in English: remembered as such
    Person.objects.filter(pk=user.person.pk).update(site_language="ru")
    page = client.get(reverse("people:profile")).content.decode()
    assert "Same as the site (now Русский)" in page


def test_staff_entries_keep_the_language_the_organiser_chose(client):
    person = services.create_person(
        actor=None, display_name="Ala", email="ala@example.org", preferred_language="ru"
    )
    assert person.email_language == "ru"
    assert (
        services.create_person(actor=None, display_name="Ales", preferred_language="xx").preferred_language
        == ""
    )


# --- Each kind of e-mail ----------------------------------------------------------------------------------


def test_a_waiting_list_offer_reaches_an_english_reader_in_english(django_capture_on_commit_callbacks):
    """The case a first-time user hit: the offer of a freed place arrived in Belarusian."""
    event = EventFactory(capacity=1, title="March Meetings", title_en="March Meetings")
    holder = speaking("be")
    waiting = speaking("en", email="reader@example.org")
    first = event_services.register(event=event, person=holder.person)
    event_services.register(event=event, person=waiting.person)
    with translation.override("be"), django_capture_on_commit_callbacks(execute=True):
        event_services.cancel(actor=holder, registration=first)
    [offer] = mails_to("reader@example.org")
    assert offer.subject == said(
        "A place at %(event)s is free for you: please confirm", "en", event="March Meetings"
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_registration_emails_follow_the_site_language(language, django_capture_on_commit_callbacks):
    event = EventFactory(title="Forum", title_en="Forum", title_ru="Forum", title_be="Forum")
    user = speaking(language, email="ala@example.org")
    with translation.override("be"), django_capture_on_commit_callbacks(execute=True):
        event_services.register(event=event, person=user.person)
    [message] = mails_to("ala@example.org")
    assert message.subject == said("Your place at %(event)s is confirmed", language, event="Forum")


def test_an_organisation_invitation_speaks_the_invitees_language(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Interakcia", name_en="Interakcia")
    owner = member_of(organisation, Role.OWNER)
    Person.objects.filter(user=owner).update(site_language="be")
    owner.person.refresh_from_db()
    speaking("ru", email="known@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        org_services.invite_member(actor=owner, organisation=organisation, email="known@example.org")
        org_services.invite_member(actor=owner, organisation=organisation, email="stranger@example.org")
    subject = "Invitation to join %(org)s on Hramada"
    assert mails_to("known@example.org")[0].subject == said(subject, "ru", org="Interakcia")
    # Nobody knows the stranger's language: the inviter's is the best guess.
    assert mails_to("stranger@example.org")[0].subject == said(subject, "be", org="Interakcia")


def test_a_team_invitation_speaks_the_invitees_language(django_capture_on_commit_callbacks):
    edition = EditionFactory()
    open_call(edition)
    lead = speaking("en")
    speaking("ru", email="coauthor@example.org")
    with translation.override("be"), django_capture_on_commit_callbacks(execute=True):
        project = submissions.create_draft(
            user=lead, category=CategoryFactory(edition=edition), title="Bashni"
        )
        submissions.invite_member(user=lead, project=project, email="coauthor@example.org")
        submissions.invite_member(user=lead, project=project, email="stranger@example.org")
    subject = "You are invited to the team of “%(project)s”"
    assert mails_to("coauthor@example.org")[0].subject == said(subject, "ru", project="Bashni")
    assert mails_to("stranger@example.org")[0].subject == said(subject, "en", project="Bashni")


def test_each_team_member_reads_the_screening_result_in_their_own_language(
    django_capture_on_commit_callbacks,
):
    from hramada.contests import services as contest_services

    project = ProjectFactory(title="Bashni", status="submitted", submitted_at=timezone.now())
    lead, coauthor = speaking("en", email="lead@example.org"), speaking("ru", email="co@example.org")
    now = timezone.now()
    ProjectMember.objects.create(project=project, user=lead, email=lead.email, role="lead", accepted_at=now)
    ProjectMember.objects.create(
        project=project, user=coauthor, email=coauthor.email, role="member", accepted_at=now
    )
    manager = member_of(project.edition.contest.organisation, Role.MANAGER)
    with translation.override("be"), django_capture_on_commit_callbacks(execute=True):
        contest_services.screen_project(actor=manager, project=project, eligible=True)
    subject = "Your project “%(project)s” is admitted to the contest"
    assert mails_to("lead@example.org")[0].subject == said(subject, "en", project="Bashni")
    assert mails_to("co@example.org")[0].subject == said(subject, "ru", project="Bashni")
    assert "/ru/" in mails_to("co@example.org")[0].body and "/en/" in mails_to("lead@example.org")[0].body


def test_finalists_hear_in_their_own_language():
    from hramada.awards.tasks import send_finalist_email
    from hramada.awards.tests.factories import FinalistFactory

    finalist = FinalistFactory(project__title="Bashni")
    reader = speaking("ru", email="team@example.org")
    ProjectMember.objects.create(
        project=finalist.project, user=reader, email=reader.email, role="lead", accepted_at=timezone.now()
    )
    with translation.override("en"):
        send_finalist_email.enqueue(finalist.pk)
    assert mails_to("team@example.org")[0].subject == said(
        "“%(project)s” is a finalist", "ru", project="Bashni"
    )


def test_experts_read_their_assignments_in_their_own_language(django_capture_on_commit_callbacks):
    from hramada.reviews import services as review_services
    from hramada.reviews.tests.factories import ItemFactory, ReviewerFactory

    expert = speaking("en", email="expert@example.org")
    reviewer = ReviewerFactory(
        user=expert, round__title="Expert review", round__closes_at=timezone.now() + timedelta(days=9)
    )
    manager = member_of(reviewer.round.organisation, Role.MANAGER)
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        review_services.assign(
            actor=manager, round=reviewer.round, reviewer=reviewer, item=ItemFactory(round=reviewer.round)
        )
    [message] = mails_to("expert@example.org")
    assert message.subject == said("New reviews for you: %(round)s", "en", round="Expert review")


def test_the_sign_up_email_is_in_the_language_of_the_sign_up_page(client):
    client.post(
        "/ru/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
    )
    [message] = mails_to("new@example.org")
    assert "/ru/accounts/confirm-email/" in message.body


def test_the_sign_up_email_greets_with_the_sites_name_not_its_host(client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client.post(
        "/en/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
        HTTP_HOST="127.0.0.1:8811",
    )
    [message] = mails_to("new@example.org")
    assert message.body.startswith("Hello from Hramada!")
    assert "Thank you for using Hramada!" in message.body
    with translation.override("ru"):
        name = str(settings.SITE_NAME)
    mail.outbox.clear()
    client.post(
        "/ru/accounts/signup/",
        {
            "email": "other@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
        HTTP_HOST="127.0.0.1:8811",
    )
    assert mails_to("other@example.org")[0].body.startswith(
        said("Hello from %(site_name)s!", "ru", site_name=name)
    )


def test_someone_signing_up_with_your_address_warns_you_in_your_language(client):
    """allauth tells the owner of an address that someone tried to sign up with it: in the owner's
    language, not the language of the page the stranger used."""
    speaking("en", email="owner@example.org")
    client.post(
        "/ru/accounts/signup/",
        {
            "email": "owner@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
        },
    )
    [message] = mails_to("owner@example.org")
    assert "Account Already Exists" in message.subject
    assert message.body.startswith("Hello from Hramada!")


def test_the_remembered_language_is_in_the_data_download_and_goes_with_the_account():
    user = speaking("ru", chosen="en")
    section = services.export_person_section(user.person)
    assert (section["site_language"], section["preferred_language"]) == ("ru", "en")
    person = services.erase_account(user=user)
    assert (person.site_language, person.preferred_language) == ("", "")
