from django.db import migrations


def move_content_types(apps, schema_editor):
    """Keep what points at the moved models by content type (admin log entries, permissions
    granted to people) pointing at them: rename network's content types, don't add new ones.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("adminunit", "historicaladminunit"):
        if not ContentType.objects.filter(app_label="units", model=model).exists():
            ContentType.objects.filter(app_label="network", model=model).update(app_label="units")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("units", "0003_versioned"),
    ]

    operations = [migrations.RunPython(move_content_types, migrations.RunPython.noop)]
