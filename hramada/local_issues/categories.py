"""The categories of issue residents choose from when a site starts (organisers edit them afterwards).

Created by migration 0002; ``create_defaults`` also puts back any that are missing where a database
was emptied without migrating again (the demo loader after a test flush, transactional tests).
"""

DEFAULTS = [
    ("roads", "Roads and pavements", "Дарогі і тратуары", "Дороги и тротуары"),
    ("water", "Water and sewerage", "Вада і каналізацыя", "Вода и канализация"),
    ("transport", "Public transport", "Грамадскі транспарт", "Общественный транспорт"),
    ("schools", "Schools and kindergartens", "Школы і дзіцячыя садкі", "Школы и детские сады"),
    ("health", "Health", "Ахова здароўя", "Здравоохранение"),
    ("social", "Social services", "Сацыяльныя паслугі", "Социальные услуги"),
    ("environment", "Environment", "Навакольнае асяроддзе", "Окружающая среда"),
    ("culture-sport", "Culture and sport", "Культура і спорт", "Культура и спорт"),
    ("other", "Other", "Іншае", "Другое"),
]


def create_defaults(model) -> None:
    """Create the default categories that do not exist (``model``: Category, or its historical model
    in a migration). One query when they all exist."""
    if model.objects.filter(code__in=[code for code, *_titles in DEFAULTS]).count() == len(DEFAULTS):
        return
    for order, (code, en, be, ru) in enumerate(DEFAULTS):
        model.objects.get_or_create(
            code=code, defaults={"order": order, "title": en, "title_en": en, "title_be": be, "title_ru": ru}
        )
