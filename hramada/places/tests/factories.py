import factory

from hramada.places.models import Community, Country, District, Region, Settlement


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "BY"
    name = "Belarus"
    name_en = "Belarus"
    name_be = "Беларусь"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    country = factory.SubFactory(CountryFactory)
    code = "BY-MA"
    name = "Mogilev Region"
    name_en = "Mogilev Region"
    name_be = "Магілёўская вобласць"
    kind = "Oblast"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"District {n}")
    name_en = factory.SelfAttribute("name")


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    region = factory.SubFactory(RegionFactory)
    district = factory.SubFactory(DistrictFactory, region=factory.SelfAttribute("..region"))
    name = factory.Sequence(lambda n: f"Village {n}")
    name_en = factory.SelfAttribute("name")
    kind = Settlement.Kind.VILLAGE


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    settlement = factory.SubFactory(SettlementFactory)
    name = factory.Sequence(lambda n: f"Community {n}")
    name_en = factory.SelfAttribute("name")
    slug = factory.Sequence(lambda n: f"community-{n}")
    summary_en = "A village that builds its own brand."
