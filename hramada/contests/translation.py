from modeltranslation.translator import TranslationOptions, register

from .models import Category, Contest, Edition


@register(Contest)
class ContestTR(TranslationOptions):
    fields = ("title",)


@register(Edition)
class EditionTR(TranslationOptions):
    fields = ("title",)


@register(Category)
class CategoryTR(TranslationOptions):
    fields = ("title",)
