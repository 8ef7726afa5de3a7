from modeltranslation.translator import TranslationOptions, register

from .models import Form, Question


@register(Form)
class FormTR(TranslationOptions):
    fields = ("title",)


@register(Question)
class QuestionTR(TranslationOptions):
    fields = ("label", "help_text", "choices")
