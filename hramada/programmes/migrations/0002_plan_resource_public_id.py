import django.utils.timezone
from django.db import migrations, models

import hramada.core.ids


class Migration(migrations.Migration):
    """PlanResource becomes a BaseModel: a public id for its address, and timestamps. The table is
    new (no rows yet), so one default for all rows is safe."""

    dependencies = [("programmes", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="planresource",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="planresource",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="planresource",
            name="public_id",
            field=models.CharField(
                default=hramada.core.ids.new_public_id, editable=False, max_length=26, unique=True
            ),
        ),
    ]
