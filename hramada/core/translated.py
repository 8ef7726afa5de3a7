"""Writing django-modeltranslation fields from form or service values."""

from django.utils import translation

from .errors import DomainError

LANGS = ("be", "ru", "en")


def set_translated(obj, field: str, values: dict, *, required_message=None, strict: bool = False) -> None:
    """Copy ``field_be/_ru/_en`` from ``values`` and fill the untranslated column from the first one given.

    Assigning the plain attribute of a translated field writes the *current* language's column, so the
    base value is set under that language to leave the other translations untouched. ``strict``
    refuses keys other than this field's translations (for services taking only ``**titles``).
    """
    if strict:
        unknown = set(values) - {f"{field}_{lang}" for lang in LANGS}
        if unknown:
            raise TypeError(f"unexpected values: {sorted(unknown)}")
    for lang in LANGS:
        key = f"{field}_{lang}"
        if key in values:
            setattr(obj, key, values[key] or "")
    for lang in ("en", "ru", "be"):
        text = getattr(obj, f"{field}_{lang}", "")
        if text:
            with translation.override(lang):
                setattr(obj, field, text)
            return
    if required_message:
        raise DomainError(required_message, field=f"{field}_be")
