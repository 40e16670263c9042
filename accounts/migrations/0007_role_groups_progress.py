from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions for plan progress: districts and Sở Tư pháp report, leaders read."""

    dependencies = [
        ("accounts", "0006_role_groups_reports"),
        ("plans", "0002_progress"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
