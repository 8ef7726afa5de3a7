import factory

from hramada.orgs.tests.factories import OrganisationFactory
from hramada.questions.models import Form, Question


class FormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Form

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Form {n}")
    title_en = factory.SelfAttribute("title")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    form = factory.SubFactory(FormFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.TEXT
    label = factory.Sequence(lambda n: f"Question {n}")
    label_en = factory.SelfAttribute("label")
