import factory
from allauth.account.models import EmailAddress

from hramada.people.models import Person, User


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified e-mail address and a Person, as after sign-up and confirmation."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def person(obj, create, extracted, **kwargs):
        if create:
            Person.objects.create(user=obj, display_name=obj.email.split("@")[0], email=obj.email)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    display_name = factory.Sequence(lambda n: f"Person {n}")
    source = Person.Source.STAFF
