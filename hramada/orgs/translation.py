from modeltranslation.translator import TranslationOptions, register

from .models import Organisation


@register(Organisation)
class OrganisationTR(TranslationOptions):
    fields = ("name", "description")
