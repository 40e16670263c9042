from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Administrative units moved to their own app, with their successions."""

    dependencies = [
        ("accounts", "0010_alter_historicaluser_unit_alter_user_unit"),
        ("units", "0004_content_types"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
