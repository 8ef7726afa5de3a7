from modeltranslation.translator import TranslationOptions, register

from .models import Initiative, VolunteerRole


@register(Initiative)
class InitiativeTR(TranslationOptions):
    fields = ("title", "summary", "story")


@register(VolunteerRole)
class VolunteerRoleTR(TranslationOptions):
    fields = ("title", "description")
