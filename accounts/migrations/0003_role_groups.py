from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """The three roles as groups with their model permissions."""

    dependencies = [
        ("accounts", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("network", "0001_initial"),
        ("plans", "0001_initial"),
        ("targets", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
