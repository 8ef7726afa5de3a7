from django.utils.text import slugify

# Belarusian and Russian Cyrillic to Latin, for readable slugs in links (not a scholarly romanisation).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуўфхцчшщъыьэюяі",
        [
            "a",
            "b",
            "v",
            "h",
            "d",
            "e",
            "io",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "iu",
            "ia",
            "i",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        rep = _CYRILLIC.get(low)
        out.append(ch if rep is None else ("" if rep == "-" else rep))
    return "".join(out)


def unique_slug(base: str, model, exclude_pk=None, max_length: int = 70) -> str:
    """A slug for ``base`` not yet used by ``model`` (suffixes -2, -3... when taken)."""
    root = slugify(transliterate(base))[:max_length].strip("-") or "item"
    qs = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    slug, n = root, 2
    while qs.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug
