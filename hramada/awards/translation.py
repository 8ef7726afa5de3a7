from modeltranslation.translator import TranslationOptions, register

from .models import Award, Pledge


# Both titles are public: awards on the results page, pledges in its "Sponsors' pledges" list.
@register(Award)
class AwardTR(TranslationOptions):
    fields = ("title",)


@register(Pledge)
class PledgeTR(TranslationOptions):
    fields = ("title",)
