from django.db import migrations, models


def split_languages(apps, schema_editor):
    """Until now sign-up wrote the site's language into ``preferred_language``, the profile's explicit
    choice for e-mails, so it never followed the person to another language. Every stored language
    becomes the person's site language; it stays their explicit choice only if they saved their profile
    (an audit entry ``people.profile.updated``), else it is cleared so that e-mails follow the site."""
    Person = apps.get_model("people", "Person")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    chosen: set[str] = set()
    person_type = ContentType.objects.filter(app_label="people", model="person").first()
    if person_type is not None:
        chosen = set(
            AuditEntry.objects.filter(target_type=person_type, action="people.profile.updated").values_list(
                "target_id", flat=True
            )
        )
    for person in Person.objects.exclude(preferred_language="").only("pk", "preferred_language").iterator():
        explicit = str(person.pk) in chosen
        Person.objects.filter(pk=person.pk).update(
            site_language=person.preferred_language,
            preferred_language=person.preferred_language if explicit else "",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_initial"),
        ("core", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="site_language",
            field=models.CharField(
                blank=True, editable=False, max_length=8, verbose_name="language of the site"
            ),
        ),
        migrations.RunPython(split_languages, migrations.RunPython.noop),
    ]
