import factory

from hramada.orgs.tests.factories import OrganisationFactory
from hramada.people.tests.factories import UserFactory
from hramada.reviews.models import Assignment, Conflict, Criterion, Item, Reviewer, Round, Rubric


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Rubric {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_min = 0
    scale_max = 10
    order = factory.Sequence(lambda n: n)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    rubric = factory.SubFactory(RubricFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Expert review {n}")
    reviews_per_item = 3

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        """One 0–10 criterion unless given a number (0 for none) of criteria."""
        if create and not obj.rubric.criteria.exists():
            for _n in range(1 if extracted is None else extracted):
                CriterionFactory(rubric=obj.rubric)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    round = factory.SubFactory(RoundFactory)
    subject_key = factory.Sequence(lambda n: f"test.thing:{n}")
    title = factory.Sequence(lambda n: f"Project {n}")
    url = factory.Sequence(lambda n: f"/projects/{n}/")


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    reviewer = factory.SubFactory(ReviewerFactory)
    item = factory.SubFactory(ItemFactory, round=factory.SelfAttribute("..reviewer.round"))
    reason = "My cousin leads it."


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    reviewer = factory.SubFactory(ReviewerFactory)
    round = factory.SelfAttribute("reviewer.round")
    item = factory.SubFactory(ItemFactory, round=factory.SelfAttribute("..reviewer.round"))
