import pytest
from django.urls import reverse

from hramada.core.models import AuditEntry
from hramada.core.tests.helpers import login_staff as login
from hramada.orgs.models import Role
from hramada.orgs.tests.factories import OrganisationFactory
from hramada.orgs.tests.factories import member_of as member
from hramada.people.tests.factories import PersonFactory, UserFactory
from hramada.questions import services
from hramada.questions.models import Form, Question

from .factories import FormFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def definition():
    return FormFactory()


@pytest.fixture
def manager(client, definition):
    return login(client, member(definition.organisation, Role.MANAGER))


def pages(definition, question):
    return [
        reverse("questions:form_list", args=[definition.organisation.slug]),
        reverse("questions:form_detail", args=[definition.public_id]),
        reverse("questions:form_preview", args=[definition.public_id]),
        reverse("questions:question_edit", args=[definition.public_id, question.pk]),
    ]


@pytest.mark.parametrize(
    "role, expected",
    [
        (None, 403),
        (Role.MEMBER, 403),
        (Role.EXPERT, 403),
        (Role.MANAGER, 200),
        (Role.OWNER, 200),
        ("staff", 200),
    ],
)
def test_builder_permission_matrix(client, definition, role, expected):
    question = QuestionFactory(form=definition)
    if role == "staff":
        user = UserFactory(is_staff=True)
    elif role is None:
        user = UserFactory()
    else:
        user = member(definition.organisation, role)
    login(client, user)
    assert {client.get(page).status_code for page in pages(definition, question)} == {expected}
    move = reverse("questions:question_move", args=[definition.public_id, question.pk])
    assert client.post(move, {"direction": "up"}).status_code == (403 if expected == 403 else 302)


def test_anonymous_goes_to_login_and_other_organisations_are_refused(client, definition):
    question = QuestionFactory(form=definition)
    for page in pages(definition, question):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client, member(OrganisationFactory(), Role.OWNER))
    assert {client.get(page).status_code for page in pages(definition, question)} == {403}


def test_create_form_and_add_questions(client, definition, manager):
    org = definition.organisation
    response = client.post(reverse("questions:form_list", args=[org.slug]), {"title_en": "Registration 2027"})
    created = Form.objects.get(title_en="Registration 2027")
    assert response["Location"] == reverse("questions:form_detail", args=[created.public_id])
    assert created.organisation == org
    response = client.post(reverse("questions:form_list", args=[org.slug]), {})
    assert "Give the form a title in at least one language." in response.content.decode()

    detail = reverse("questions:form_detail", args=[created.public_id])
    response = client.post(
        detail,
        {
            "kind": "choice",
            "label_en": "Where do you come from?",
            "label_be": "Адкуль вы?",
            "required": "on",
            "choices_en": "Village\nTown\nCity",
            "choices_be": "Вёска\nГорад\nСталіца",
            "file_types": "pdf",
            "max_file_mb": "5",
        },
    )
    assert response.status_code == 302
    question = created.questions.get()
    assert question.choice_list() == ["Village", "Town", "City"] and question.required
    assert question.label_be == "Адкуль вы?"
    assert AuditEntry.objects.filter(action="questions.question.added").exists()
    page = client.get(detail).content.decode()
    assert "Where do you come from?" in page and "3 options" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "text"}, "Write the question in at least one language."),
        (
            {"kind": "choice", "label_en": "Pick", "choices_en": "A\nB\nC", "choices_be": "А\nБ"},
            "Each language must list the same number of options, in the same order.",
        ),
        ({"kind": "multi_choice", "label_en": "Pick", "choices_en": "Only one"}, "at least two options"),
        ({"kind": "choice", "label_en": "Pick"}, "at least two options"),
        ({"kind": "file", "label_en": "Upload", "file_types": "exe"}, "Use only: pdf, jpg, png, webp."),
    ],
)
def test_question_validation_messages(client, definition, manager, data, message):
    data = {"file_types": "pdf", "max_file_mb": "5", **data}
    response = client.post(reverse("questions:form_detail", args=[definition.public_id]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not definition.questions.exists()


def test_edit_move_and_delete_questions(client, definition, manager):
    first, second, third = (QuestionFactory(form=definition, order=i) for i in (1, 2, 3))
    edit = reverse("questions:question_edit", args=[definition.public_id, second.pk])
    response = client.post(
        edit, {"kind": "long_text", "label_en": "Tell us more", "file_types": "pdf", "max_file_mb": "5"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.kind, second.label_en) == ("long_text", "Tell us more")

    move = reverse("questions:question_move", args=[definition.public_id, third.pk])
    client.post(move, {"direction": "up"})
    assert list(definition.questions.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    client.post(
        reverse("questions:question_move", args=[definition.public_id, first.pk]), {"direction": "down"}
    )
    assert list(definition.questions.order_by("order").values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]

    client.post(reverse("questions:question_delete", args=[definition.public_id, first.pk]))
    assert not Question.objects.filter(pk=first.pk).exists()


def test_answered_questions_keep_their_kind_and_cannot_be_deleted(client, definition, manager):
    question = QuestionFactory(form=definition, kind="text")
    services.save_response(form=definition, person=PersonFactory(), answers={question: "hello"})
    edit = reverse("questions:question_edit", args=[definition.public_id, question.pk])
    response = client.post(
        edit, {"kind": "number", "label_en": "Now a number", "file_types": "pdf", "max_file_mb": "5"}
    )
    assert "its kind can no longer change" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "text"
    response = client.post(
        reverse("questions:question_delete", args=[definition.public_id, question.pk]), follow=True
    )
    assert "it cannot be deleted" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_preview_checks_answers_and_saves_nothing(client, definition, manager):
    question = QuestionFactory(form=definition, kind="number", required=True, min_value=1, max_value=10)
    preview = reverse("questions:form_preview", args=[definition.public_id])
    page = client.get(preview).content.decode()
    assert question.label_en in page and 'type="number"' in page
    response = client.post(preview, {f"q_{question.pk}": "11"})
    assert "less than or equal to 10" in response.content.decode()
    response = client.post(preview, {f"q_{question.pk}": "7"}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert not definition.responses.exists()
