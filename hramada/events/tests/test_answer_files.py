"""Files sent with an event's registration form or feedback survey: the person who sent them and the
event's organisers (with two-factor) download them; everyone else gets a 404."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hramada.core.tests.helpers import login_staff, minimal_pdf, pass_second_factor
from hramada.events import services
from hramada.events.models import Registration
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import member_of
from hramada.people.tests.factories import UserFactory
from hramada.questions import services as q_services
from hramada.questions.models import Question

from .factories import EventFactory

pytestmark = pytest.mark.django_db

PDF = minimal_pdf()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def file_form(event, label):
    form = q_services.create_form(actor=None, organisation=event.organisation, title_en=label)
    question = q_services.save_question(actor=None, form=form, kind=Question.Kind.FILE, label_en=label)
    return form, question


def readers_and_others(event, answer, client, manager):
    """Status codes for: the person who answered, an organiser with and without two-factor, strangers."""
    other_manager = member_of(EventFactory().organisation, Role.MANAGER)
    codes = {}
    for who, user, two_factor in [
        ("respondent", answer.response.person.user, False),
        ("organiser", manager, True),
        ("organiser without 2FA", member_of(event.organisation, Role.MANAGER), False),
        ("another event's organiser", other_manager, True),
        ("someone", UserFactory(), False),
        ("anonymous", None, False),
    ]:
        client.logout()
        if user is not None and two_factor:
            login_staff(client, user)
        elif user is not None:
            client.force_login(user)
        codes[who] = client.get(answer.file_url).status_code
    return codes


EXPECTED = {
    "respondent": 200,
    "organiser": 200,
    "organiser without 2FA": 404,
    "another event's organiser": 404,
    "someone": 404,
    "anonymous": 404,
}


def test_a_registration_forms_file(client):
    event = EventFactory(capacity=10)
    manager = member_of(event.organisation, Role.MANAGER)
    form, question = file_form(event, "Letter of recommendation")
    services.save_event(actor=manager, organisation=event.organisation, event=event, registration_form=form)
    event.refresh_from_db()
    user = UserFactory()
    client.force_login(user)
    sent = client.post(
        reverse("events:register", args=[event.slug]),
        {f"q_{question.pk}": SimpleUploadedFile("letter.pdf", PDF)},
    )
    assert sent.status_code == 302
    answer = Registration.objects.get(person=user.person).response.answers.get()
    assert body(client.get(answer.file_url)) == PDF
    assert readers_and_others(event, answer, client, manager) == EXPECTED

    client.force_login(manager)  # two-factor enrolled above; this session types the code too
    pass_second_factor(client, manager)
    page = client.get(reverse("events:registrations", args=[event.slug])).content.decode()
    assert f'href="{answer.file_url}"' in page and "letter.pdf" in page


def test_a_feedback_surveys_file(client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    manager = member_of(event.organisation, Role.MANAGER)
    form, question = file_form(event, "A photo from the event")
    services.save_event(actor=manager, organisation=event.organisation, event=event, feedback_form=form)
    event.refresh_from_db()
    user = UserFactory()
    services.register(event=event, person=user.person, actor=manager, staff_entry=True)
    services.submit_feedback(
        event=event, person=user.person, actor=user, answers={question: SimpleUploadedFile("f.pdf", PDF)}
    )
    answer = Registration.objects.get(person=user.person).feedback_response.answers.get()
    assert readers_and_others(event, answer, client, manager) == EXPECTED
