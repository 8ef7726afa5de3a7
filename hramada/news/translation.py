from modeltranslation.translator import TranslationOptions, register

from .models import Post


@register(Post)
class PostTR(TranslationOptions):
    fields = ("title", "excerpt", "body", "cover_alt")
    # Each language is optional. Pages read the ``<field>_<lang>`` columns of the language they show
    # (selectors.display_language) and say "available in", rather than mixing languages silently.
