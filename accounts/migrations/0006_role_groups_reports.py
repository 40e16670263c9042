from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions for yearly reports: districts fill them, Sở Tư pháp reviews."""

    dependencies = [
        ("accounts", "0005_role_groups_registry"),
        ("reports", "0004_report_deadlines"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
