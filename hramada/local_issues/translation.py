from modeltranslation.translator import TranslationOptions, register

from .models import Category


@register(Category)
class CategoryTR(TranslationOptions):
    fields = ("title",)
