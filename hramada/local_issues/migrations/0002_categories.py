"""The categories of issue residents choose from (organisers edit them afterwards)."""

from django.db import migrations

from hramada.local_issues.categories import create_defaults


def add(apps, schema_editor):
    create_defaults(apps.get_model("local_issues", "Category"))


class Migration(migrations.Migration):
    dependencies = [("local_issues", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
