"""The categories of issue residents choose from (organisers edit them afterwards)."""

from django.db import migrations

CATEGORIES = [
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


def add(apps, schema_editor):
    Category = apps.get_model("local_issues", "Category")
    for order, (code, en, be, ru) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"order": order, "title": en, "title_en": en, "title_be": be, "title_ru": ru}
        )


class Migration(migrations.Migration):
    dependencies = [("local_issues", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
