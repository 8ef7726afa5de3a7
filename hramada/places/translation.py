from modeltranslation.translator import TranslationOptions, register

from .models import Community, CommunityLeader, CommunityPhoto, Country, District, Region, Settlement


@register(Country)
class CountryTR(TranslationOptions):
    fields = ("name",)


@register(Region)
class RegionTR(TranslationOptions):
    fields = ("name",)


@register(District)
class DistrictTR(TranslationOptions):
    fields = ("name",)


@register(Settlement)
class SettlementTR(TranslationOptions):
    fields = ("name",)


@register(Community)
class CommunityTR(TranslationOptions):
    fields = ("name", "summary", "description", "story")


@register(CommunityPhoto)
class CommunityPhotoTR(TranslationOptions):
    fields = ("caption", "alt")


@register(CommunityLeader)
class CommunityLeaderTR(TranslationOptions):
    fields = ("role",)
