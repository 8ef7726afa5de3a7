from modeltranslation.translator import TranslationOptions, register

from .models import DonorProject


@register(DonorProject)
class DonorProjectTR(TranslationOptions):
    fields = ("title", "description")
