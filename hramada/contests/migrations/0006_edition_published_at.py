from django.db import migrations, models
from django.db.models import F


def publish_existing(apps, schema_editor):
    """Editions made before drafts existed were public from the start: they stay published, as of the
    moment they were created."""
    Edition = apps.get_model("contests", "Edition")
    Edition.objects.filter(published_at__isnull=True).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0005_private_project_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published"),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
