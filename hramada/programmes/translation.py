from modeltranslation.translator import TranslationOptions, register

from .models import Cohort, EligibilityRule, Programme


@register(Programme)
class ProgrammeTR(TranslationOptions):
    fields = ("title", "summary", "description")


@register(Cohort)
class CohortTR(TranslationOptions):
    fields = ("title", "description")


@register(EligibilityRule)
class EligibilityRuleTR(TranslationOptions):
    fields = ("reason",)
