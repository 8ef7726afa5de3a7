from datetime import timedelta

import factory
from django.utils import timezone

from hramada.contests.models import Category, Contest, Edition, Project, Stage
from hramada.orgs.tests.factories import OrganisationFactory


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Social Weekend {n}")
    title_en = factory.SelfAttribute("title")
    slug = factory.Sequence(lambda n: f"social-weekend-{n}")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    contest = factory.SubFactory(ContestFactory)
    year = 2015
    title = factory.Sequence(lambda n: f"Edition {n}, 2015")
    title_en = factory.SelfAttribute("title")
    # Published, as most tests need a public edition; ``published_at=None`` for a draft.
    published_at = factory.LazyFunction(timezone.now)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Category {n}")
    title_en = factory.SelfAttribute("title")


class StageFactory(factory.django.DjangoModelFactory):
    """By default an open public vote (started an hour ago, a week to go)."""

    class Meta:
        model = Stage

    edition = factory.SubFactory(EditionFactory)
    kind = Stage.Kind.PUBLIC_VOTE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=7))


class ProjectFactory(factory.django.DjangoModelFactory):
    """An eligible project (screened), as the public vote sees it."""

    class Meta:
        model = Project

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "A social project."
    status = Project.Status.ELIGIBLE


def open_call(edition, days_left: int = 10):
    """An open call for projects (started yesterday) on ``edition``."""
    now = timezone.now()
    return StageFactory(
        edition=edition,
        kind=Stage.Kind.CALL,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=days_left),
    )
