from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions for the registry's new models and the commune-year figures."""

    dependencies = [
        ("accounts", "0004_user_history"),
        ("network", "0002_registry"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
